// floor-epoll-echo / floor-epoll-http --listen HOST:PORT: the kov suite's floor on raw epoll.
// One loop, level-triggered epoll, one fixed read buffer per connection, no abstraction: what
// the kernel alone costs for the work of floor/work.hpp. SIGINT or SIGTERM ends it (status 0).
#include "setup.hpp"
#include "work.hpp"

#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

struct connection {
  int fd = -1;
  floor_server::connection_work work;
  std::string unsent;  // what a short write left; reading waits until it is gone
};

class server {
 public:
  server(int listener, int epoll) : listener_(listener), epoll_(epoll) {}

  void run() {
    watch(listener_, EPOLL_CTL_ADD, EPOLLIN, nullptr);
    std::vector<epoll_event> events(1024);
    while (floor_server::stopping == 0) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      for (int i = 0; i < n; ++i) {
        const epoll_event& e = events[static_cast<std::size_t>(i)];
        if (e.data.ptr == nullptr) {
          accept_all();
        } else {
          handle(static_cast<connection*>(e.data.ptr), e.events);
        }
      }
    }
  }

 private:
  void watch(int fd, int op, std::uint32_t events, connection* c) {
    epoll_event e{};
    e.events = events;
    e.data.ptr = c;
    epoll_ctl(epoll_, op, fd, &e);
  }

  void accept_all() {
    for (;;) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or out of descriptors: the connection waits in the queue
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (static_cast<std::size_t>(fd) >= connections_.size())
        connections_.resize(static_cast<std::size_t>(fd) + 1024);
      auto& c = connections_[static_cast<std::size_t>(fd)];
      c.reset(new connection);  // default-initialised: the echo buffer stays untouched
      c->fd = fd;
      watch(fd, EPOLL_CTL_ADD, EPOLLIN, c.get());
    }
  }

  void handle(connection* c, std::uint32_t events) {
    if (!c->unsent.empty()) {
      if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
      if (!send_some(c, c->unsent)) return close_connection(c);
      return;
    }
    const std::span<char> space = c->work.space();
    const ssize_t n = read(c->fd, space.data(), space.size());
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return close_connection(c);  // end of stream or an error
    const std::string_view out = c->work.received(static_cast<std::size_t>(n));
    if (!out.empty() && !send_some(c, out)) close_connection(c);
  }

  // Sends what it can of `out`; keeps the rest in c->unsent and switches the connection to
  // EPOLLOUT until it is gone. False on a send error.
  bool send_some(connection* c, std::string_view out) {
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = send(c->fd, out.data() + done, out.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EAGAIN) break;
      if (n < 0) return false;
      done += static_cast<std::size_t>(n);
    }
    const bool was_waiting = !c->unsent.empty();
    std::string rest(out.substr(done));  // a copy: `out` may be c->unsent itself
    c->unsent.swap(rest);
    const bool waiting = !c->unsent.empty();
    if (waiting != was_waiting) watch(c->fd, EPOLL_CTL_MOD, waiting ? EPOLLOUT : EPOLLIN, c);
    return true;
  }

  void close_connection(connection* c) {
    const int fd = c->fd;
    close(fd);  // also leaves the epoll set
    connections_[static_cast<std::size_t>(fd)].reset();
  }

  int listener_;
  int epoll_;
  std::vector<std::unique_ptr<connection>> connections_;  // by descriptor
};

}  // namespace

int main(int argc, char** argv) {
  const std::string name = std::string("floor-epoll-") + floor_server::kind;
  const int listener = floor_server::start(argc, argv, name.c_str(), SOCK_NONBLOCK);
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) {
    std::fprintf(stderr, "%s: epoll_create1: %s\n", name.c_str(), std::strerror(errno));
    return 1;
  }
  server(listener, epoll).run();
  return 0;
}
