// Socket options: each setter read back through its getter on TCP streams and listeners, the
// options given to a listener before bind (SO_REUSEPORT lets two listeners share a port,
// IPV6_V6ONLY), linger zero resetting the connection on close, and errors as values.

#include <kov/net/tcp.hpp>
#include <kov/net/unix.hpp>
#include <kov/runtime.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <optional>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using kov::test::errno_code;
using socket_options_io = kov::test::io_test;

net::socket_address loopback() {
  return net::socket_address::parse("127.0.0.1:0").value();
}

// Sets a boolean option both ways and reads each back.
template <class Set, class Get>
void round_trip_bool(Set set, Get get, const char* what) {
  for (const bool on : {true, false, true}) {
    ASSERT_TRUE(set(on).has_value()) << what;
    auto v = get();
    ASSERT_TRUE(v.has_value()) << what << ": " << v.error().message();
    EXPECT_EQ(*v, on) << what;
  }
}

TEST_F(socket_options_io, every_option_round_trips_on_a_tcp_stream) {
  run([]() -> kov::task<void> {
    auto p = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(p);
    net::socket_options o = p->client.options();
    round_trip_bool([&](bool on) { return o.set_keepalive(on); }, [&] { return o.keepalive(); },
                    "keepalive");
    round_trip_bool([&](bool on) { return o.set_nodelay(on); }, [&] { return o.nodelay(); },
                    "nodelay");
    round_trip_bool([&](bool on) { return o.set_reuse_address(on); },
                    [&] { return o.reuse_address(); }, "reuse_address");
    round_trip_bool([&](bool on) { return o.set_reuse_port(on); }, [&] { return o.reuse_port(); },
                    "reuse_port");
    // Linux doubles a buffer size for its bookkeeping: what it reports is at least what was set.
    KOV_CO_ASSERT(o.set_send_buffer_size(64 * 1024).has_value());
    auto snd = o.send_buffer_size();
    KOV_CO_ASSERT_OK(snd);
    EXPECT_GE(*snd, 64U * 1024);
    KOV_CO_ASSERT(o.set_receive_buffer_size(32 * 1024).has_value());
    auto rcv = o.receive_buffer_size();
    KOV_CO_ASSERT_OK(rcv);
    EXPECT_GE(*rcv, 32U * 1024);
    EXPECT_LT(*rcv, 1024U * 1024);
    EXPECT_EQ(o.set_send_buffer_size(std::size_t{1} << 40).error(), std::errc::invalid_argument);
    // Linger: off, then on with a time, then off again.
    auto off = o.linger();
    KOV_CO_ASSERT_OK(off);
    EXPECT_FALSE(off->has_value());
    KOV_CO_ASSERT(o.set_linger(7s).has_value());
    auto seven = o.linger();
    KOV_CO_ASSERT_OK(seven);
    EXPECT_EQ(*seven, std::optional<std::chrono::seconds>(7s));
    KOV_CO_ASSERT(o.set_linger(std::nullopt).has_value());
    EXPECT_FALSE(o.linger()->has_value());
    EXPECT_EQ(o.set_linger(-1s).error(), std::errc::invalid_argument);
    // tcp_stream's own nodelay is the same option.
    KOV_CO_ASSERT(p->server.set_nodelay(true).has_value());
    EXPECT_TRUE(*p->server.options().nodelay());
    // IPV6_V6ONLY on an IPv4 socket, and TCP_NODELAY on a Unix socket, are error values.
    EXPECT_FALSE(o.set_v6_only(true).has_value());
    auto u = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(u);
    EXPECT_FALSE(u->first.options().set_nodelay(true).has_value());
  }());
}

TEST_F(socket_options_io, linger_zero_resets_the_connection_on_close) {
  run([]() -> kov::task<void> {
    auto p = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(p);
    KOV_CO_ASSERT(p->client.options().set_linger(0s).has_value());
    p->client.close();
    std::array<char, 16> buf{};
    auto r = co_await p->server.read(buf).with_timeout(5s);
    EXPECT_EQ(r.error(), errno_code(ECONNRESET));
  }());
}

TEST_F(socket_options_io, reuse_port_lets_two_listeners_share_a_port) {
  run([]() -> kov::task<void> {
    net::listen_options shared;
    shared.reuse_port = true;
    auto a = net::tcp_listener::bind(loopback(), shared);
    KOV_CO_ASSERT_OK(a);
    EXPECT_TRUE(*a->options().reuse_port());
    EXPECT_TRUE(*a->options().reuse_address());
    auto at = a->local_address();
    KOV_CO_ASSERT_OK(at);
    auto b = net::tcp_listener::bind(*at, shared);
    KOV_CO_ASSERT_OK(b);
    // Without it the port is taken.
    auto c = net::tcp_listener::bind(*at);
    EXPECT_EQ(c.error(), errno_code(EADDRINUSE));
    net::listen_options no_reuse;
    no_reuse.reuse_address = false;
    auto d = net::tcp_listener::bind(loopback(), no_reuse);
    KOV_CO_ASSERT_OK(d);
    EXPECT_FALSE(*d->options().reuse_address());
  }());
}

TEST_F(socket_options_io, v6_only_is_set_before_bind) {
  run([]() -> kov::task<void> {
    for (const bool only : {true, false}) {
      net::listen_options opts;
      opts.v6_only = only;
      // The wildcard address: Linux makes a socket bound to a specific IPv6 address (::1)
      // v6-only whatever was asked, since no IPv4 address can reach it.
      auto l = net::tcp_listener::bind(net::socket_address::parse("[::]:0").value(), opts);
      if (!l && (l.error() == std::errc::address_not_available ||
                 l.error() == std::errc::address_family_not_supported)) {
        co_return;  // no IPv6 here
      }
      KOV_CO_ASSERT_OK(l);
      auto v = l->options().v6_only();
      KOV_CO_ASSERT_OK(v);
      EXPECT_EQ(*v, only);
    }
    // On an IPv4 address the option does not apply: an error value, nothing bound.
    net::listen_options opts;
    opts.v6_only = true;
    EXPECT_FALSE(net::tcp_listener::bind(loopback(), opts).has_value());
  }());
}

}  // namespace
