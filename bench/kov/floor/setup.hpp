// What both floor servers do before their loop: `--listen HOST:PORT`, a listening socket, and
// SIGINT/SIGTERM setting `stopping` (without SA_RESTART, so the loop's wait returns EINTR and the
// loop ends with status 0).
#pragma once

#include "../peers/common/listen_arg.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace floor_server {

inline volatile std::sig_atomic_t stopping = 0;

inline void on_stop(int) {
  stopping = 1;
}

// The listening socket (SOCK_CLOEXEC plus `socket_flags`), or exit status 1 with the reason.
inline int start(int argc, char** argv, const char* name, int socket_flags) {
  const peers::listen_addr addr = peers::parse_listen(argc, argv, name);
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | socket_flags, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa_in{};
  sa_in.sin_family = AF_INET;
  sa_in.sin_port = htons(addr.port);
  if (fd < 0 || inet_pton(AF_INET, addr.host.c_str(), &sa_in.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<const sockaddr*>(&sa_in), sizeof sa_in) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    std::fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", name, addr.host.c_str(), addr.port,
                 std::strerror(errno));
    std::exit(1);
  }
  return fd;
}

}  // namespace floor_server
