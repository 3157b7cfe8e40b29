// TCP on loopback: echo, a slow reader and a slow writer, both directions at once, a reset
// peer, half-close, refused and timed-out connects, read timeouts, options, addresses, IPv6.

#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using kov::test::connect_pair;
namespace net = kov::net;
using kov::test::errno_code;
using tcp_io = kov::test::io_test;

// Sends back everything it reads until the end of the stream; the byte count.
kov::task<kov::result<std::size_t>> echo_until_eof(net::stream_socket& s) {
  std::vector<char> buf(16384);
  std::size_t total = 0;
  for (;;) {
    auto n = co_await s.read(buf);
    if (!n) co_return n.error();
    if (*n == 0) co_return total;
    auto w = co_await s.write_all(kov::const_buffer(buf.data(), *n));
    if (!w) co_return w.error();
    total += *n;
  }
}

// Reads until the end of the stream.
kov::task<kov::result<std::string>> read_to_end(net::stream_socket& s) {
  std::string out;
  std::array<char, 1024> buf{};
  for (;;) {
    auto n = co_await s.read(buf).with_timeout(5s);
    if (!n) co_return n.error();
    if (*n == 0) co_return out;
    out.append(buf.data(), *n);
  }
}

void set_buffer(const net::stream_socket& s, int option, int bytes) {
  ASSERT_EQ(::setsockopt(s.native_handle(), SOL_SOCKET, option, &bytes, sizeof bytes), 0);
}

TEST_F(tcp_io, echo) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    auto server = kov::spawn(echo_until_eof(p->server));
    std::size_t sent = 0;
    for (const std::size_t size : {1u, 100u, 1500u, 65536u, 300000u}) {
      const std::vector<char> msg = kov::test::pattern(size, size);
      auto w = co_await p->client.write_all(msg);
      KOV_CO_ASSERT_OK(w);
      std::vector<char> back(size);
      auto r = co_await p->client.read_exact(back).with_timeout(5s);
      KOV_CO_ASSERT_OK(r);
      EXPECT_TRUE(back == msg) << "echo of " << size << " bytes differs";
      sent += size;
    }
    KOV_CO_ASSERT(p->client.shutdown().has_value());
    auto echoed = co_await server;
    KOV_CO_ASSERT_OK(echoed);
    KOV_CO_ASSERT_OK(*echoed);
    EXPECT_EQ(**echoed, sent);
    p->server.close();
    std::array<char, 8> buf{};
    auto eof = co_await p->client.read(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(eof);
    EXPECT_EQ(*eof, 0u);
  }());
}

TEST_F(tcp_io, one_edge_for_several_pending_connections_accepts_them_all) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    std::vector<net::tcp_stream> clients;
    for (int i = 0; i < 5; ++i) {
      auto c = co_await net::tcp_stream::connect(*addr, 5s);
      KOV_CO_ASSERT_OK(c);
      clients.push_back(std::move(*c));
    }
    for (int i = 0; i < 5; ++i) {
      auto s = co_await l->accept().with_timeout(5s);
      EXPECT_TRUE(s.has_value()) << "accept " << i << ": " << s.error().message();
    }
  }());
}

TEST_F(tcp_io, data_and_end_of_stream_arriving_together) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    KOV_CO_ASSERT((co_await p->client.write_all(std::string_view("abc"))).has_value());
    KOV_CO_ASSERT(p->client.shutdown().has_value());
    auto got = co_await read_to_end(p->server);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "abc");
  }());
}

// The server writes 8 MiB through small socket buffers; the client takes it in small reads
// and pauses now and then, so the server's write_all parks and resumes many times.
TEST_F(tcp_io, slow_reader) {
  static constexpr std::size_t size = 8u << 20;
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    set_buffer(p->server, SO_SNDBUF, 64 * 1024);
    set_buffer(p->client, SO_RCVBUF, 64 * 1024);
    const std::vector<char> data = kov::test::pattern(7, size);
    auto writer = kov::spawn(
        [](net::tcp_stream& s, const std::vector<char>& d) -> kov::task<kov::result<void>> {
          auto r = co_await s.write_all(d);
          if (r) r = s.shutdown();
          co_return r;
        }(p->server, data));
    std::array<char, 1500> buf{};
    std::size_t got = 0;
    std::size_t mismatches = 0;
    std::size_t next_pause = 256 * 1024;
    for (;;) {
      auto n = co_await p->client.read(buf).with_timeout(5s);
      KOV_CO_ASSERT_OK(n);
      if (*n == 0) break;
      for (std::size_t i = 0; i < *n; ++i) {
        if (got + i >= size || buf[i] != data[got + i]) ++mismatches;
      }
      got += *n;
      if (got >= next_pause) {
        next_pause += 256 * 1024;
        co_await kov::sleep_for(1ms);
      }
    }
    EXPECT_EQ(got, size);
    EXPECT_EQ(mismatches, 0u);
    auto w = co_await writer;
    KOV_CO_ASSERT_OK(w);
    EXPECT_TRUE(w->has_value()) << w->error().message();
  }());
}

// The client dribbles 2 MiB in short writes with pauses; one read_exact on the server collects
// it across many readiness edges.
TEST_F(tcp_io, slow_writer) {
  static constexpr std::size_t size = 2u << 20;
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> data = kov::test::pattern(11, size);
    std::vector<char> got(size);
    auto reader =
        kov::spawn([](net::tcp_stream& s, std::vector<char>& into) -> kov::task<kov::result<void>> {
          co_return co_await s.read_exact(into);
        }(p->server, got));
    std::size_t sent = 0;
    std::size_t next_pause = 128 * 1024;
    while (sent < size) {
      const std::size_t chunk = std::min<std::size_t>(size - sent, 1000);
      auto n = co_await p->client.write(kov::const_buffer(data.data() + sent, chunk));
      KOV_CO_ASSERT_OK(n);
      sent += *n;
      if (sent >= next_pause) {
        next_pause += 128 * 1024;
        EXPECT_FALSE(reader.is_finished());
        co_await kov::sleep_for(1ms);
      }
    }
    auto r = co_await reader;
    KOV_CO_ASSERT_OK(r);
    EXPECT_TRUE(r->has_value()) << r->error().message();
    EXPECT_TRUE(got == data) << "the bytes read differ from the bytes written";
  }());
}

// Each side has a reader task and a writer task on one socket at once.
TEST_F(tcp_io, both_directions_at_once) {
  static constexpr std::size_t size = 4u << 20;
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> a = kov::test::pattern(21, size);
    const std::vector<char> b = kov::test::pattern(22, size);
    std::vector<char> got_a(size);
    std::vector<char> got_b(size);
    auto writer = [](net::tcp_stream& s, const std::vector<char>& d) -> kov::task<bool> {
      co_return (co_await s.write_all(d)).has_value();
    };
    auto reader = [](net::tcp_stream& s, std::vector<char>& d) -> kov::task<bool> {
      co_return (co_await s.read_exact(d)).has_value();
    };
    auto w1 = kov::spawn(writer(p->client, a));
    auto w2 = kov::spawn(writer(p->server, b));
    auto r1 = kov::spawn(reader(p->server, got_a));
    auto r2 = kov::spawn(reader(p->client, got_b));
    EXPECT_TRUE((co_await w1).value());
    EXPECT_TRUE((co_await w2).value());
    EXPECT_TRUE((co_await r1).value());
    EXPECT_TRUE((co_await r2).value());
    EXPECT_TRUE(got_a == a);
    EXPECT_TRUE(got_b == b);
  }());
}

// SO_LINGER {1, 0}: close sends a reset instead of the end of the stream.
void reset_on_close(net::tcp_stream& s) {
  const linger l{1, 0};
  ASSERT_EQ(::setsockopt(s.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l), 0);
  s.close();
}

TEST_F(tcp_io, peer_reset_fails_a_parked_read_with_econnreset) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    auto reader = kov::spawn([](net::tcp_stream& s) -> kov::task<kov::result<std::size_t>> {
      std::array<char, 64> buf{};
      co_return co_await s.read(buf).with_timeout(5s);
    }(p->client));
    co_await kov::yield_now();
    EXPECT_FALSE(reader.is_finished());
    reset_on_close(p->server);
    auto r = co_await reader;
    KOV_CO_ASSERT_OK(r);
    EXPECT_EQ(r->error(), errno_code(ECONNRESET)) << r->error().message();
  }());
}

TEST_F(tcp_io, peer_reset_fails_writes_with_an_error_value) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    reset_on_close(p->server);
    // The reset may need a moment to land; the first failing write says how it ended.
    const std::vector<char> chunk(65536, 'w');
    std::error_code failure;
    for (int i = 0; i < 100 && !failure; ++i) {
      auto w = co_await p->client.write_all(chunk).with_timeout(5s);
      if (!w) failure = w.error();
      co_await kov::sleep_for(1ms);
    }
    EXPECT_TRUE(failure == errno_code(EPIPE) || failure == errno_code(ECONNRESET))
        << "write after a reset: " << failure.message();
    // Once the reset is reported the connection is closed: a write is EPIPE, as a value (with
    // SIGPIPE left at its default action in this program, a signal would end it).
    auto again = co_await p->client.write(std::string_view("more"));
    EXPECT_EQ(again.error(), errno_code(EPIPE)) << again.error().message();
  }());
}

TEST_F(tcp_io, half_close_keeps_the_other_direction_open) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    auto server = kov::spawn([](net::tcp_stream s) -> kov::task<bool> {
      auto request = co_await read_to_end(s);
      if (!request) co_return false;
      // The client's end of stream does not stop this side from writing.
      auto w = co_await s.write_all("response:" + *request);
      s.close();  // the frame, and the socket with it, lives on until the join
      co_return w.has_value();
    }(std::move(p->server)));
    KOV_CO_ASSERT((co_await p->client.write_all(std::string_view("request"))).has_value());
    KOV_CO_ASSERT(p->client.shutdown(net::shutdown_how::write).has_value());
    auto reply = co_await read_to_end(p->client);
    KOV_CO_ASSERT_OK(reply);
    EXPECT_EQ(*reply, "response:request");
    auto ok = co_await server;
    KOV_CO_ASSERT_OK(ok);
    EXPECT_TRUE(*ok);
  }());
}

TEST_F(tcp_io, connect_to_a_released_port_is_refused) {
  run([]() -> kov::task<void> {
    net::socket_address addr;
    {
      auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
      KOV_CO_ASSERT_OK(l);
      auto a = l->local_address();
      KOV_CO_ASSERT_OK(a);
      addr = *a;
    }
    auto c = co_await net::tcp_stream::connect(addr, 5s);
    KOV_CO_ASSERT(!c.has_value());
    EXPECT_EQ(c.error(), errno_code(ECONNREFUSED)) << c.error().message();
    EXPECT_EQ(c.error(), std::errc::connection_refused);
    auto c2 = co_await net::tcp_stream::connect(addr);
    EXPECT_EQ(c2.error(), errno_code(ECONNREFUSED));
  }());
}

// A listener with backlog 1 that never accepts: once its accept queue is full, further SYNs
// are dropped and a connect waits for a retransmission (1 s away) that the timeout preempts.
TEST_F(tcp_io, connect_times_out_when_the_peer_drops_syns) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0), 1);
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    std::vector<kov::test::unique_fd> fillers;
    std::vector<pollfd> polls;
    for (int i = 0; i < 4; ++i) {
      kov::test::unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      KOV_CO_ASSERT(fd.get() >= 0);
      const int r = ::connect(fd.get(), addr->native(), addr->size());
      KOV_CO_ASSERT(r == 0 || errno == EINPROGRESS);
      polls.push_back(pollfd{fd.get(), POLLOUT, 0});
      fillers.push_back(std::move(fd));
    }
    // Wait until the queue holds its two connections (backlog 1 admits backlog + 1).
    int connected = 0;
    for (int round = 0; round < 100 && connected < 2; ++round) {
      KOV_CO_ASSERT(::poll(polls.data(), polls.size(), 10) >= 0);
      connected = 0;
      for (const pollfd& p : polls) connected += (p.revents & POLLOUT) != 0 ? 1 : 0;
    }
    KOV_CO_ASSERT(connected >= 2);
    const auto start = kov::clock::now();
    auto c = co_await net::tcp_stream::connect(*addr, 100ms);
    const auto took = kov::clock::now() - start;
    KOV_CO_ASSERT(!c.has_value());
    EXPECT_EQ(c.error(), std::errc::timed_out) << c.error().message();
    EXPECT_EQ(c.error(), kov::errc::timed_out);
    EXPECT_GE(took, 100ms);
    EXPECT_LT(took, 900ms);
  }());
}

TEST_F(tcp_io, read_timeout_leaves_the_connection_usable) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    std::array<char, 16> buf{};
    const auto start = kov::clock::now();
    auto idle = co_await p->client.read(buf).with_timeout(50ms);
    EXPECT_GE(kov::clock::now() - start, 50ms);
    KOV_CO_ASSERT(!idle.has_value());
    EXPECT_EQ(idle.error(), kov::errc::timed_out);
    EXPECT_EQ(idle.error(), std::errc::timed_out);
    // Data that arrives after the timeout is read by the next read, and writes still work.
    KOV_CO_ASSERT((co_await p->server.write_all(std::string_view("late"))).has_value());
    auto n = co_await p->client.read(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(std::string_view(buf.data(), *n), "late");
    KOV_CO_ASSERT((co_await p->client.write_all(std::string_view("back"))).has_value());
    std::array<char, 4> back{};
    auto r = co_await p->server.read_exact(back).with_timeout(5s);
    KOV_CO_ASSERT_OK(r);
    EXPECT_EQ(std::string_view(back.data(), back.size()), "back");
    // A read parked after the timed-out one is woken by new data.
    auto reader = kov::spawn([](net::tcp_stream& s) -> kov::task<std::string> {
      std::array<char, 16> b{};
      auto got = co_await s.read(b).with_timeout(5s);
      co_return got ? std::string(b.data(), *got) : got.error().message();
    }(p->client));
    co_await kov::yield_now();
    EXPECT_FALSE(reader.is_finished());
    KOV_CO_ASSERT((co_await p->server.write_all(std::string_view("again"))).has_value());
    auto again = co_await reader;
    KOV_CO_ASSERT_OK(again);
    EXPECT_EQ(*again, "again");
  }());
}

TEST_F(tcp_io, write_timeout_on_a_peer_that_does_not_read) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    set_buffer(p->client, SO_SNDBUF, 64 * 1024);
    set_buffer(p->server, SO_RCVBUF, 64 * 1024);
    const std::vector<char> big(16u << 20, 'b');
    auto w = co_await p->client.write_all(big).with_timeout(50ms);
    EXPECT_EQ(w.error(), kov::errc::timed_out);
    // The connection still carries data the other way.
    KOV_CO_ASSERT((co_await p->server.write_all(std::string_view("ok"))).has_value());
    std::array<char, 2> buf{};
    auto r = co_await p->client.read_exact(buf).with_timeout(5s);
    EXPECT_TRUE(r.has_value());
  }());
}

TEST_F(tcp_io, nodelay_round_trips) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    KOV_CO_ASSERT(p->client.set_nodelay(true).has_value());
    auto on = p->client.nodelay();
    KOV_CO_ASSERT_OK(on);
    EXPECT_TRUE(*on);
    KOV_CO_ASSERT(p->client.set_nodelay(false).has_value());
    auto off = p->client.nodelay();
    KOV_CO_ASSERT_OK(off);
    EXPECT_FALSE(*off);
  }());
}

TEST_F(tcp_io, local_and_peer_addresses) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto at = l->local_address();
    KOV_CO_ASSERT_OK(at);
    EXPECT_TRUE(at->is_ipv4());
    EXPECT_NE(at->port(), 0);
    auto c = co_await net::tcp_stream::connect(*at, 5s);
    KOV_CO_ASSERT_OK(c);
    auto s = co_await l->accept().with_timeout(5s);
    KOV_CO_ASSERT_OK(s);
    auto c_local = c->local_address();
    auto c_peer = c->peer_address();
    auto s_local = s->local_address();
    auto s_peer = s->peer_address();
    KOV_CO_ASSERT_OK(c_local);
    KOV_CO_ASSERT_OK(c_peer);
    KOV_CO_ASSERT_OK(s_local);
    KOV_CO_ASSERT_OK(s_peer);
    EXPECT_EQ(*c_peer, *at);
    EXPECT_EQ(*s_local, *at);
    EXPECT_EQ(*c_local, *s_peer);
    EXPECT_EQ(c_local->to_string().rfind("127.0.0.1:", 0), 0u) << c_local->to_string();
    EXPECT_NE(c_local->port(), at->port());
  }());
}

bool ipv6_loopback_available() {
  kov::test::unique_fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  const auto a = net::socket_address::ipv6_loopback(0);
  return ::bind(fd.get(), a.native(), a.size()) == 0;
}

TEST_F(tcp_io, ipv6_loopback_echo) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback ([::1]) here";
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair(net::socket_address::ipv6_loopback(0));
    KOV_CO_ASSERT_OK(p);
    auto peer = p->client.peer_address();
    KOV_CO_ASSERT_OK(peer);
    EXPECT_TRUE(peer->is_ipv6());
    EXPECT_EQ(peer->to_string().rfind("[::1]:", 0), 0u) << peer->to_string();
    auto server = kov::spawn([](net::tcp_stream& s) -> kov::task<void> {
      (void)co_await echo_until_eof(s);
      s.close();
    }(p->server));
    KOV_CO_ASSERT((co_await p->client.write_all(std::string_view("six"))).has_value());
    KOV_CO_ASSERT(p->client.shutdown().has_value());
    auto back = co_await read_to_end(p->client);
    KOV_CO_ASSERT_OK(back);
    EXPECT_EQ(*back, "six");
    (void)co_await server;
  }());
}

}  // namespace
