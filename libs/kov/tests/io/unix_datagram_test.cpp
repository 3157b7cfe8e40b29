// Unix datagram sockets: bound on an abstract name, send_to / recv_from with the sender's
// address, connected send / recv, pair(), boundaries kept, a parked receive woken by a send,
// and an IP address refused.

#include <kov/net/unix_datagram.hpp>
#include <kov/runtime.hpp>

#include "io_fixture.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using unix_datagram_io = kov::test::io_test;

std::string unique_name(const char* what) {
  return "@kov-dgram-test-" + std::string(what) + "-" + std::to_string(::getpid());
}

TEST_F(unix_datagram_io, send_to_and_recv_from_with_addresses) {
  run([]() -> kov::task<void> {
    auto server_at = net::socket_address::unix_path(unique_name("server"));
    auto client_at = net::socket_address::unix_path(unique_name("client"));
    KOV_CO_ASSERT_OK(server_at);
    KOV_CO_ASSERT_OK(client_at);
    auto server = net::unix_datagram::bind(*server_at);
    auto client = net::unix_datagram::bind(*client_at);
    KOV_CO_ASSERT_OK(server);
    KOV_CO_ASSERT_OK(client);
    EXPECT_EQ(server->local_address()->to_string(), server_at->to_string());
    // Two datagrams keep their boundaries.
    KOV_CO_ASSERT((co_await client->send_to(std::string_view("ping"), *server_at)).has_value());
    KOV_CO_ASSERT((co_await client->send_to(std::string_view("second"), *server_at)).has_value());
    std::array<char, 64> buf{};
    auto got = co_await server->recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(std::string_view(buf.data(), got->size), "ping");
    EXPECT_EQ(got->from.to_string(), client_at->to_string());
    auto second = co_await server->recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(second);
    EXPECT_EQ(std::string_view(buf.data(), second->size), "second");
    // The answer goes back to the sender's address.
    KOV_CO_ASSERT((co_await server->send_to(std::string_view("pong"), got->from)).has_value());
    auto answer = co_await client->recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(answer);
    EXPECT_EQ(std::string_view(buf.data(), answer->size), "pong");
  }());
}

TEST_F(unix_datagram_io, connected_send_and_a_parked_recv) {
  run([]() -> kov::task<void> {
    auto server_at = net::socket_address::unix_path(unique_name("connected"));
    KOV_CO_ASSERT_OK(server_at);
    auto server = net::unix_datagram::bind(*server_at);
    auto client = net::unix_datagram::unbound();
    KOV_CO_ASSERT_OK(server);
    KOV_CO_ASSERT_OK(client);
    KOV_CO_ASSERT(client->connect(*server_at).has_value());
    EXPECT_EQ(client->peer_address()->to_string(), server_at->to_string());
    auto receiver = kov::spawn([](net::unix_datagram& s) -> kov::task<kov::result<std::string>> {
      std::array<char, 64> buf{};
      auto n = co_await s.recv(buf).with_timeout(5s);
      if (!n) co_return n.error();
      co_return std::string(buf.data(), *n);
    }(*server));
    co_await kov::yield_now();
    EXPECT_FALSE(receiver.is_finished());
    KOV_CO_ASSERT((co_await client->send(std::string_view("hello"))).has_value());
    auto got = (co_await receiver).value();
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "hello");
  }());
}

TEST_F(unix_datagram_io, pair_talks_both_ways_and_ip_addresses_are_refused) {
  run([]() -> kov::task<void> {
    auto p = net::unix_datagram::pair();
    KOV_CO_ASSERT_OK(p);
    KOV_CO_ASSERT((co_await p->first.send(std::string_view("a->b"))).has_value());
    KOV_CO_ASSERT((co_await p->second.send(std::string_view("b->a"))).has_value());
    std::array<char, 2> small{};
    // A datagram longer than the buffer is cut to it.
    auto n = co_await p->second.recv(small).with_timeout(5s);
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(std::string_view(small.data(), *n), "a-");
    std::array<char, 16> buf{};
    auto m = co_await p->first.recv(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(m);
    EXPECT_EQ(std::string_view(buf.data(), *m), "b->a");
    auto ip = net::unix_datagram::bind(net::socket_address::parse("127.0.0.1:0").value());
    EXPECT_EQ(ip.error(), std::errc::address_family_not_supported);
  }());
}

}  // namespace
