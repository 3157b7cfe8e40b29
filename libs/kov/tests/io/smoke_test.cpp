// First light of the reactor: a pipe through async_fd and a TCP echo on loopback.
#include <kov/async_fd.hpp>
#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>

using namespace std::chrono_literals;

TEST(IoSmoke, PipeRoundTrip) {
  kov::runtime rt;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string got = rt.block_on([](int r, int w) -> kov::task<std::string> {
    auto rd = kov::async_fd::adopt(r).value();
    auto wr = kov::async_fd::adopt(w).value();
    auto reader = kov::spawn([](kov::async_fd& f) -> kov::task<std::string> {
      std::array<char, 16> buf{};
      auto n = co_await f.read_exact(kov::mutable_buffer(buf.data(), 5));
      EXPECT_TRUE(n.has_value());
      co_return std::string(buf.data(), 5);
    }(rd));
    co_await kov::sleep_for(5ms);
    EXPECT_TRUE((co_await wr.write_all(std::string_view("hello"))).has_value());
    co_return (co_await reader).value();
  }(fds[0], fds[1]));
  EXPECT_EQ(got, "hello");
}

TEST(IoSmoke, TcpEcho) {
  kov::runtime rt;
  rt.block_on([]() -> kov::task<void> {
    auto l = kov::net::tcp_listener::bind(kov::net::socket_address::ipv4_loopback(0)).value();
    const auto addr = l.local_address().value();
    auto server = kov::spawn([](kov::net::tcp_listener& lis) -> kov::task<void> {
      auto c = (co_await lis.accept()).value();
      std::array<char, 64> buf{};
      for (;;) {
        auto n = (co_await c.read(buf)).value();
        if (n == 0) break;
        EXPECT_TRUE((co_await c.write_all(kov::const_buffer(buf.data(), n))).has_value());
      }
    }(l));
    auto s = (co_await kov::net::tcp_stream::connect(addr, 1s)).value();
    EXPECT_TRUE((co_await s.write_all(std::string_view("ping"))).has_value());
    std::array<char, 4> back{};
    EXPECT_TRUE((co_await s.read_exact(back)).has_value());
    EXPECT_EQ(std::string(back.data(), 4), "ping");
    EXPECT_TRUE(s.shutdown().has_value());
    EXPECT_TRUE((co_await server).has_value());
  }());
}
