// The part kov-echo and kov-http share: `--listen ADDR`, an accept loop that spawns one task per
// connection, and a clean stop on SIGINT or SIGTERM.
#pragma once

#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/signal.hpp>
#include <kov/time.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace example {

// Accepts until aborted. Out of file descriptors (EMFILE, ENFILE): the connection stays queued
// and the loop waits a moment before trying again, rather than spinning on it.
template <class Handler>
kov::task<void> accept_loop(const char* name, kov::net::tcp_listener& listener, Handler handle) {
  using namespace std::chrono_literals;
  for (;;) {
    auto conn = co_await listener.accept();
    if (!conn) {
      const std::error_code e = conn.error();
      if (e == std::errc::too_many_files_open || e == std::errc::too_many_files_open_in_system) {
        co_await kov::sleep_for(50ms);
      } else if (e != std::errc::connection_aborted) {
        std::fprintf(stderr, "%s: accept: %s\n", name, e.message().c_str());
      }
      continue;
    }
    (void)conn->set_nodelay(true);
    kov::spawn(handle(std::move(*conn)), "connection").detach();
  }
}

template <class Handler>
kov::task<int> serve_until_signal(const char* name, kov::net::socket_address at, Handler handle) {
  auto signals = kov::signal_set::watch({SIGINT, SIGTERM});
  if (!signals) {
    std::fprintf(stderr, "%s: signals: %s\n", name, signals.error().message().c_str());
    co_return 1;
  }
  auto listener = kov::net::tcp_listener::bind(at);
  if (!listener) {
    std::fprintf(stderr, "%s: cannot listen on %s: %s\n", name, at.to_string().c_str(),
                 listener.error().message().c_str());
    co_return 1;
  }
  std::printf("%s: listening on %s\n", name, listener->local_address()->to_string().c_str());
  std::fflush(stdout);
  auto server = kov::spawn(accept_loop(name, *listener, handle), "accept");
  auto signo = co_await signals->next();
  std::printf("%s: %s, stopping\n", name, signo ? ::strsignal(*signo) : "signal error");
  server.abort();
  // Connection tasks still running are destroyed with the runtime: their sockets close.
  co_return 0;
}

// main() of a server: `NAME --listen ADDR`.
template <class Handler>
int server_main(const char* name, int argc, char** argv, Handler handle) {
  if (argc != 3 || std::string_view(argv[1]) != "--listen") {
    std::fprintf(stderr, "usage: %s --listen ADDR   (ADDR: 127.0.0.1:8080, [::1]:8080)\n", name);
    return 64;
  }
  auto at = kov::net::socket_address::parse(argv[2]);
  if (!at) {
    std::fprintf(stderr, "%s: bad address '%s': %s\n", name, argv[2], at.error().message().c_str());
    return 64;
  }
  kov::runtime rt;
  return rt.block_on(serve_until_signal(name, *at, handle));
}

}  // namespace example
