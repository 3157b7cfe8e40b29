// UDP on loopback: send_to/recv_from with the sender's address, connected send/recv, a
// datagram longer than the buffer, a parked receive, a receive timeout.

#include <kov/net/udp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using udp_io = kov::test::io_test;

kov::result<net::udp_socket> bind_local() {
  return net::udp_socket::bind(net::socket_address::ipv4_loopback(0));
}

// Two sockets bound on loopback, with the addresses the kernel gave them.
struct udp_pair {
  net::udp_socket a;
  net::udp_socket b;
  net::socket_address a_addr;
  net::socket_address b_addr;
};

kov::result<udp_pair> bind_pair() {
  auto a = bind_local();
  if (!a) return a.error();
  auto b = bind_local();
  if (!b) return b.error();
  auto a_addr = a->local_address();
  if (!a_addr) return a_addr.error();
  auto b_addr = b->local_address();
  if (!b_addr) return b_addr.error();
  return udp_pair{std::move(*a), std::move(*b), *a_addr, *b_addr};
}

TEST_F(udp_io, send_to_and_recv_from_round_trip) {
  run([]() -> kov::task<void> {
    auto p = bind_pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b, a_addr, b_addr] = *p;
    EXPECT_NE(b_addr.port(), 0);

    auto sent = co_await a.send_to(std::string_view("ping"), b_addr);
    KOV_CO_ASSERT_OK(sent);
    EXPECT_EQ(*sent, 4u);
    std::array<char, 64> buf{};
    auto got = co_await b.recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(std::string_view(buf.data(), got->size), "ping");
    EXPECT_EQ(got->from, a_addr) << got->from.to_string() << " vs " << a_addr.to_string();

    // Answer the address the datagram came from.
    auto reply = co_await b.send_to(std::string_view("pong"), got->from);
    KOV_CO_ASSERT_OK(reply);
    auto back = co_await a.recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(back);
    EXPECT_EQ(std::string_view(buf.data(), back->size), "pong");
    EXPECT_EQ(back->from, b_addr);
  }());
}

TEST_F(udp_io, a_parked_receive_gets_the_next_datagram) {
  run([]() -> kov::task<void> {
    auto p = bind_pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b, a_addr, b_addr] = *p;
    auto receiver = kov::spawn([](net::udp_socket& s) -> kov::task<std::string> {
      std::array<char, 64> buf{};
      auto got = co_await s.recv_from(buf).with_timeout(5s);
      co_return got ? std::string(buf.data(), got->size) : got.error().message();
    }(b));
    co_await kov::yield_now();
    EXPECT_FALSE(receiver.is_finished());
    KOV_CO_ASSERT((co_await a.send_to(std::string_view("wake"), b_addr)).has_value());
    auto got = co_await receiver;
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "wake");
  }());
}

TEST_F(udp_io, connected_send_and_recv) {
  run([]() -> kov::task<void> {
    auto p = bind_pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b, a_addr, b_addr] = *p;
    KOV_CO_ASSERT(a.connect(b_addr).has_value());
    KOV_CO_ASSERT(b.connect(a_addr).has_value());
    std::array<char, 64> buf{};
    for (int i = 0; i < 10; ++i) {
      const std::string msg = "datagram " + std::to_string(i);
      auto n = co_await a.send(msg);
      KOV_CO_ASSERT_OK(n);
      EXPECT_EQ(*n, msg.size());
      auto got = co_await b.recv(buf).with_timeout(5s);
      KOV_CO_ASSERT_OK(got);
      EXPECT_EQ(std::string_view(buf.data(), *got), msg);
    }
    // Datagrams from a third socket are dropped by the kernel on a connected socket.
    auto c = bind_local();
    KOV_CO_ASSERT_OK(c);
    KOV_CO_ASSERT((co_await c->send_to(std::string_view("stranger"), b_addr)).has_value());
    KOV_CO_ASSERT((co_await a.send(std::string_view("friend"))).has_value());
    auto got = co_await b.recv(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(std::string_view(buf.data(), *got), "friend");
  }());
}

TEST_F(udp_io, a_datagram_longer_than_the_buffer_is_truncated) {
  run([]() -> kov::task<void> {
    auto p = bind_pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b, a_addr, b_addr] = *p;
    const std::vector<char> long_one = kov::test::pattern(3, 1000);
    KOV_CO_ASSERT((co_await a.send_to(long_one, b_addr)).has_value());
    KOV_CO_ASSERT((co_await a.send_to(std::string_view("next"), b_addr)).has_value());
    std::array<char, 10> small{};
    auto got = co_await b.recv_from(small).with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(got->size, small.size());
    EXPECT_TRUE(std::equal(small.begin(), small.end(), long_one.begin()));
    // The rest of the long datagram is gone: the next receive is the next datagram.
    std::array<char, 64> buf{};
    auto next = co_await b.recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(next);
    EXPECT_EQ(std::string_view(buf.data(), next->size), "next");
  }());
}

TEST_F(udp_io, receive_timeout_then_receive) {
  run([]() -> kov::task<void> {
    auto p = bind_pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b, a_addr, b_addr] = *p;
    std::array<char, 16> buf{};
    auto idle = co_await b.recv_from(buf).with_timeout(30ms);
    EXPECT_EQ(idle.error(), kov::errc::timed_out);
    KOV_CO_ASSERT((co_await a.send_to(std::string_view("x"), b_addr)).has_value());
    auto got = co_await b.recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(got->size, 1u);
  }());
}

TEST_F(udp_io, empty_datagram) {
  run([]() -> kov::task<void> {
    auto p = bind_pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b, a_addr, b_addr] = *p;
    auto n = co_await a.send_to(kov::const_buffer(), b_addr);
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 0u);
    std::array<char, 16> buf{};
    auto got = co_await b.recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(got->size, 0u);
  }());
}

}  // namespace
