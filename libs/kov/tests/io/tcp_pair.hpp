// A connected TCP pair for the I/O tests: a client and the server side of its connection.
#pragma once

#include <kov/net/tcp.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include <chrono>
#include <utility>

namespace kov::test {

struct tcp_pair {
  net::tcp_stream client;
  net::tcp_stream server;
};

// Connects to `l` and accepts the connection there.
inline kov::task<kov::result<tcp_pair>> connect_pair(net::tcp_listener& l) {
  using namespace std::chrono_literals;
  auto addr = l.local_address();
  if (!addr) co_return addr.error();
  auto c = co_await net::tcp_stream::connect(*addr, 5s);
  if (!c) co_return c.error();
  auto s = co_await l.accept().with_timeout(5s);
  if (!s) co_return s.error();
  co_return tcp_pair{std::move(*c), std::move(*s)};
}

// Through a listener on `at` that is closed again once it has accepted.
inline kov::task<kov::result<tcp_pair>> connect_pair(
    net::socket_address at = net::socket_address::ipv4_loopback(0)) {
  auto l = net::tcp_listener::bind(at);
  if (!l) co_return l.error();
  co_return co_await connect_pair(*l);
}

}  // namespace kov::test
