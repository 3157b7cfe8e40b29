// DNS: kov::net::resolve against a real server (dnsmasq, started per test on a loopback port),
// a server that never answers, /etc/hosts with no server, abort mid-lookup, and
// tcp_stream::connect by name (through the hosts file, and falling through a refusing address).

#include <kov/net/dns.hpp>
#include <kov/net/tcp.hpp>
#include <kov/net/udp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "dnsmasq.hpp"
#include "io_fixture.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;

// Every test starts with the fd check of io_test; tests that need a server start one.
class dns_io : public kov::test::io_test {
 protected:
  // Starts dnsmasq with `records`; skips the test when dnsmasq is not installed.
  bool start_server(const std::vector<std::string>& records) {
    const std::string program = kov::test::find_dnsmasq();
    if (program.empty()) return false;
    if (!server_.start(program, records)) {
      ADD_FAILURE() << "dnsmasq: " << server_.error();
      return false;
    }
    return true;
  }
  net::resolve_options server_options() const {
    net::resolve_options o;
    o.server = net::socket_address::ipv4_loopback(server_.port());
    o.timeout = 10s;
    return o;
  }
  void TearDown() override {
    server_.stop();
    io_test::TearDown();
  }

  kov::test::dnsmasq_server server_;
};

#define START_DNSMASQ(...)                                                                   \
  do {                                                                                       \
    if (kov::test::find_dnsmasq().empty()) {                                                 \
      GTEST_SKIP() << "dnsmasq is not installed (Debian package dnsmasq): no DNS server to " \
                      "test against";                                                        \
    }                                                                                        \
    if (!start_server(__VA_ARGS__)) return;                                                  \
  } while (0)

// The zone every server test uses: names the test chooses, NXDOMAIN for the rest of kov.test.
const std::vector<std::string> zone = {
    "local=/kov.test/",
    "host-record=alpha.kov.test,127.0.0.5,fd00::5",
    "host-record=v4only.kov.test,127.0.0.6",
    "host-record=v6only.kov.test,fd00::6",
    "host-record=multi.kov.test,127.0.0.1",
    "host-record=multi.kov.test,127.0.0.2",
};

std::vector<std::string> texts(const std::vector<net::socket_address>& addrs) {
  std::vector<std::string> out;
  for (const auto& a : addrs) out.push_back(a.to_string());
  return out;
}

TEST_F(dns_io, a_and_aaaa_records_from_the_server) {
  START_DNSMASQ(zone);
  run([](net::resolve_options o) -> kov::task<void> {
    auto both = co_await net::resolve("alpha.kov.test", "80", o);
    KOV_CO_ASSERT_OK(both);
    auto got = texts(*both);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"127.0.0.5:80", "[fd00::5]:80"}));

    auto v4 = co_await net::resolve("v4only.kov.test", "443", o);
    KOV_CO_ASSERT_OK(v4);
    EXPECT_EQ(texts(*v4), std::vector<std::string>{"127.0.0.6:443"});

    auto v6 = co_await net::resolve("v6only.kov.test", "", o);
    KOV_CO_ASSERT_OK(v6);
    EXPECT_EQ(texts(*v6), std::vector<std::string>{"[fd00::6]:0"});
  }(server_options()));
}

TEST_F(dns_io, unknown_name_is_host_not_found) {
  START_DNSMASQ(zone);
  run([](net::resolve_options o) -> kov::task<void> {
    auto r = co_await net::resolve("missing.kov.test", "80", o);
    KOV_CO_ASSERT(!r);
    EXPECT_EQ(r.error(), net::dns_errc::host_not_found) << r.error().message();
    EXPECT_EQ(r.error().category().name(), std::string_view("kov.dns"));
    EXPECT_EQ(r.error().message(), "host not found");
  }(server_options()));
}

TEST_F(dns_io, a_name_the_server_will_not_answer_is_refused) {
  START_DNSMASQ(zone);
  run([](net::resolve_options o) -> kov::task<void> {
    // dnsmasq answers REFUSED outside its zone when it has nowhere to forward to. c-ares then
    // tries the next server; with none left, 1.18 reports ECONNREFUSED (unreachable), later
    // versions the server's REFUSED.
    auto r = co_await net::resolve("outside.example", "80", o);
    KOV_CO_ASSERT(!r);
    EXPECT_TRUE(r.error() == net::dns_errc::refused || r.error() == net::dns_errc::unreachable)
        << r.error().message();
  }(server_options()));
}

TEST_F(dns_io, many_lookups_at_once_each_get_their_answer) {
  START_DNSMASQ(zone);
  run([](net::resolve_options o) -> kov::task<void> {
    std::vector<kov::join_handle<kov::result<std::vector<net::socket_address>>>> lookups;
    const std::array<const char*, 3> names = {"v4only.kov.test", "v6only.kov.test",
                                              "missing.kov.test"};
    for (int i = 0; i < 30; ++i) {
      lookups.push_back(kov::spawn(net::resolve(names[static_cast<std::size_t>(i % 3)], "1", o)));
    }
    for (std::size_t i = 0; i < lookups.size(); ++i) {
      auto r = (co_await lookups[i]).value();
      switch (i % 3) {
        case 0:
          KOV_CO_ASSERT_OK(r);
          EXPECT_EQ(texts(*r), std::vector<std::string>{"127.0.0.6:1"});
          break;
        case 1:
          KOV_CO_ASSERT_OK(r);
          EXPECT_EQ(texts(*r), std::vector<std::string>{"[fd00::6]:1"});
          break;
        default:
          EXPECT_EQ(r.error(), net::dns_errc::host_not_found);
      }
    }
  }(server_options()));
}

// A UDP socket nobody reads (the query is sent and never answered), and options that ask it.
struct silent_server {
  net::udp_socket socket;
  net::resolve_options options;
};

kov::result<silent_server> ask_silent_server(std::chrono::nanoseconds timeout) {
  auto s = net::udp_socket::bind(net::socket_address::ipv4_loopback(0));
  if (!s) return s.error();
  auto at = s->local_address();
  if (!at) return at.error();
  net::resolve_options o;
  o.server = *at;
  o.timeout = timeout;
  return silent_server{std::move(*s), o};
}

TEST_F(dns_io, a_server_that_never_answers_times_out_at_the_deadline) {
  run([]() -> kov::task<void> {
    auto silent = ask_silent_server(300ms);
    KOV_CO_ASSERT_OK(silent);
    const net::resolve_options& o = silent->options;
    const auto start = kov::clock::now();
    auto r = co_await net::resolve("slow.kov.test", "80", o);
    const auto took = kov::clock::now() - start;
    KOV_CO_ASSERT(!r);
    EXPECT_EQ(r.error(), net::dns_errc::timed_out) << r.error().message();
    EXPECT_EQ(r.error(), std::errc::timed_out);
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s) << "the deadline was not kept";

    // Connect by name gives up with the lookup.
    auto c = co_await net::tcp_stream::connect("slow.kov.test:80", o);
    KOV_CO_ASSERT(!c);
    EXPECT_EQ(c.error(), std::errc::timed_out) << c.error().message();
  }());
}

TEST_F(dns_io, aborting_a_lookup_in_flight_closes_its_sockets) {
  run([]() -> kov::task<void> {
    auto silent = ask_silent_server(60s);
    KOV_CO_ASSERT_OK(silent);
    const net::resolve_options& o = silent->options;
    // The runtime's channel for these options exists once a lookup has used it (localhost is
    // answered from /etc/hosts): what stays open from here on is the channel's, not a query's.
    auto warm = co_await net::resolve("localhost", "80", o);
    KOV_CO_ASSERT_OK(warm);
    const auto before = kov::test::open_fds();
    auto lookup = kov::spawn(net::resolve("slow.kov.test", "80", o));
    // Until the query has gone out: the silent socket then has a datagram waiting.
    std::array<char, 512> buf{};
    auto query = co_await silent->socket.recv_from(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(query);
    EXPECT_GT(kov::test::open_fds().size(), before.size()) << "the lookup holds a socket";
    KOV_CO_ASSERT(!lookup.is_finished());
    lookup.abort();
    EXPECT_EQ(kov::test::open_fds(), before) << "the aborted lookup left its socket open";
    auto joined = co_await lookup;
    EXPECT_EQ(joined.error(), kov::errc::cancelled);
    // The channel goes on serving.
    auto again = co_await net::resolve("localhost", "80", o);
    EXPECT_TRUE(again.has_value());
  }());
}

TEST_F(dns_io, a_runtime_dropped_with_a_lookup_in_flight_leaks_nothing) {
  // A plain socket as the silent server: kov sockets need a runtime, and this one outlives it.
  kov::test::unique_fd quiet(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(quiet.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::getsockname(quiet.get(), reinterpret_cast<sockaddr*>(&a), &len), 0);
  {
    kov::runtime rt;
    net::resolve_options o;
    o.server = net::socket_address::from_native(reinterpret_cast<sockaddr*>(&a), len);
    o.timeout = 60s;
    rt.spawn(net::resolve("slow.kov.test", "80", o)).detach();
    rt.block_on([]() -> kov::task<void> { co_await kov::sleep_for(50ms); }());
  }
  // The fixture checks the fds; asan checks the memory.
}

TEST_F(dns_io, localhost_comes_from_the_hosts_file_without_any_server) {
  run([]() -> kov::task<void> {
    // The only server is one that never answers: an answer can only come from /etc/hosts.
    auto silent = ask_silent_server(5s);
    KOV_CO_ASSERT_OK(silent);
    const net::resolve_options& o = silent->options;
    auto r = co_await net::resolve("localhost", "8080", o);
    KOV_CO_ASSERT_OK(r);
    KOV_CO_ASSERT(!r->empty());
    for (const auto& a : *r) {
      EXPECT_TRUE(a == net::socket_address::ipv4_loopback(8080) ||
                  a == net::socket_address::ipv6_loopback(8080))
          << a.to_string();
    }
    // Without the hosts file the silent server is all there is: no answer (c-ares 1.18 fails
    // a single-label name at once rather than time out on it).
    net::resolve_options dns_only = o;
    dns_only.hosts_file = false;
    dns_only.timeout = 200ms;
    auto unanswered = co_await net::resolve("localhost", "8080", dns_only);
    EXPECT_FALSE(unanswered.has_value());
    // And with the system's own configuration.
    auto plain = co_await net::resolve("localhost", "");
    KOV_CO_ASSERT_OK(plain);
    EXPECT_FALSE(plain->empty());
  }());
}

TEST_F(dns_io, ip_literals_and_bad_input) {
  run([]() -> kov::task<void> {
    auto v6 = co_await net::resolve("::1", "80");
    KOV_CO_ASSERT_OK(v6);
    EXPECT_EQ(texts(*v6), std::vector<std::string>{"[::1]:80"});
    auto empty = co_await net::resolve("", "80");
    EXPECT_EQ(empty.error(), net::dns_errc::bad_name);
    auto nul = co_await net::resolve(std::string("a\0b", 3), "80");
    EXPECT_EQ(nul.error(), net::dns_errc::bad_name);
    auto service = co_await net::resolve("localhost", "no-such-service-kov");
    EXPECT_EQ(service.error(), net::dns_errc::bad_service) << service.error().message();
    for (const char* text : {"localhost", ":80", "localhost:", "a:b:80", "[::1"}) {
      auto c = co_await net::tcp_stream::connect(text, 1s);
      EXPECT_EQ(c.error(), std::errc::invalid_argument) << text;
    }
  }());
}

TEST_F(dns_io, connect_by_name_reaches_a_kov_listener) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    const auto port = l->local_address()->port();
    auto c = co_await net::tcp_stream::connect("localhost:" + std::to_string(port), 5s);
    KOV_CO_ASSERT_OK(c);
    auto s = co_await l->accept().with_timeout(5s);
    KOV_CO_ASSERT_OK(s);
    EXPECT_EQ(*c->peer_address(), *s->local_address());
    auto sent = co_await c->write_all(std::string_view("hi"));
    KOV_CO_ASSERT_OK(sent);
    std::array<char, 2> buf{};
    auto got = co_await s->read_exact(buf);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(std::string_view(buf.data(), 2), "hi");
    // An IP literal goes straight to connect; a service name is looked up.
    auto literal = co_await net::tcp_stream::connect("127.0.0.1:" + std::to_string(port));
    EXPECT_TRUE(literal.has_value());
  }());
}

TEST_F(dns_io, connect_by_name_falls_through_a_refusing_address) {
  START_DNSMASQ(zone);
  run([](net::resolve_options o) -> kov::task<void> {
    auto addrs = co_await net::resolve("multi.kov.test", "0", o);
    KOV_CO_ASSERT_OK(addrs);
    KOV_CO_ASSERT(addrs->size() == 2);
    // Listen on one address, on a port the other has nothing bound to.
    auto l = net::tcp_listener::bind((*addrs)[1]);
    KOV_CO_ASSERT_OK(l);
    const auto port = l->local_address()->port();
    auto refused = co_await net::tcp_stream::connect((*addrs)[0].with_port(port), 5s);
    KOV_CO_ASSERT(!refused);
    EXPECT_EQ(refused.error(), std::errc::connection_refused);

    // dnsmasq rotates the two records from one answer to the next: over two connects, the
    // refusing address comes first once.
    for (int i = 0; i < 2; ++i) {
      auto c = co_await net::tcp_stream::connect("multi.kov.test:" + std::to_string(port), o);
      KOV_CO_ASSERT_OK(c);
      EXPECT_EQ(*c->peer_address(), *l->local_address());
    }

    // Nothing listening on either: the error of the last attempt.
    l->close();
    auto none = co_await net::tcp_stream::connect("multi.kov.test:" + std::to_string(port), o);
    KOV_CO_ASSERT(!none);
    EXPECT_EQ(none.error(), std::errc::connection_refused);
    auto missing = co_await net::tcp_stream::connect("missing.kov.test:80", o);
    EXPECT_EQ(missing.error(), net::dns_errc::host_not_found);
  }(server_options()));
}

// Raw connects to `to` until one hangs (the listener's accept queue is full, so the kernel
// drops the SYNs): true once one has not completed within 200 ms. The sockets stay open in
// `held`, keeping the queue full.
bool fill_accept_queue(const net::socket_address& to, std::vector<kov::test::unique_fd>& held) {
  for (int i = 0; i < 16; ++i) {
    kov::test::unique_fd s(::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (::connect(s.get(), to.native(), to.size()) != 0 && errno != EINPROGRESS) return false;
    pollfd p{s.get(), POLLOUT, 0};
    const int ready = ::poll(&p, 1, 200);
    held.push_back(std::move(s));
    if (ready == 0) return true;
  }
  return false;
}

TEST_F(dns_io, connect_by_name_races_past_an_address_that_never_answers) {
  START_DNSMASQ(zone);
  std::vector<kov::test::unique_fd> queue_fillers;
  bool queue_full = true;
  run([](net::resolve_options o, std::vector<kov::test::unique_fd>& held,
         bool& full) -> kov::task<void> {
    auto addrs = co_await net::resolve("multi.kov.test", "0", o);
    KOV_CO_ASSERT_OK(addrs);
    KOV_CO_ASSERT(addrs->size() == 2);
    // The first address: a listener with a backlog of 0 and its queue full.
    auto stuck = net::tcp_listener::bind((*addrs)[0], 0);
    KOV_CO_ASSERT_OK(stuck);
    const auto port = stuck->local_address()->port();
    full = fill_accept_queue((*addrs)[0].with_port(port), held);
    if (!full) co_return;
    auto l = net::tcp_listener::bind((*addrs)[1].with_port(port));
    KOV_CO_ASSERT_OK(l);
    // dnsmasq rotates the two records from one answer to the next: over two connects, the
    // stuck address comes first once.
    bool raced = false;
    for (int i = 0; i < 2; ++i) {
      const auto start = kov::clock::now();
      auto c = co_await net::tcp_stream::connect("multi.kov.test:" + std::to_string(port), o);
      const auto took = kov::clock::now() - start;
      KOV_CO_ASSERT_OK(c);
      EXPECT_EQ(*c->peer_address(), *l->local_address());
      // With the stuck address first: one attempt delay (250 ms), not the kernel's SYN
      // retries (over a minute) that a connect waiting for it would take.
      EXPECT_LT(took, 5s);
      raced = raced || took >= 250ms;
      auto accepted = co_await l->accept().with_timeout(5s);
      KOV_CO_ASSERT_OK(accepted);
    }
    EXPECT_TRUE(raced) << "the stuck address was never tried first";
  }(server_options(), queue_fillers, queue_full));
  if (!queue_full) GTEST_SKIP() << "this kernel completes connections to a full listener";
}

// The example of docs/kov.md's DNS section, compiled and run here.
kov::task<kov::result<void>> docs_example(std::uint16_t port) {
  auto addrs = co_await kov::net::resolve("localhost", std::to_string(port));
  if (!addrs) co_return addrs.error();  // dns_errc::host_not_found, timed_out, ...
  for (const auto& a : *addrs) std::printf("localhost is %s\n", a.to_string().c_str());

  auto conn = co_await kov::net::tcp_stream::connect("localhost:" + std::to_string(port), 5s);
  if (!conn) co_return conn.error();  // the last address's error, or the lookup's
  co_return co_await conn->write_all(std::string_view("hello\n"));
}

TEST_F(dns_io, docs_example) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto r = co_await docs_example(l->local_address()->port());
    EXPECT_TRUE(r.has_value());
  }());
}

}  // namespace
