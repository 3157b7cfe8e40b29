// Scale and resource limits: a thousand connections open at once on one runtime, and a server
// that runs out of file descriptors (EMFILE), backs off without spinning and recovers.

#include <kov/net/tcp.hpp>
#include <kov/notify.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using limits_io = kov::test::io_test;

// Runs `wait` (an event's wait) as a task, so kov::timeout can bound it.
kov::task<void> wait_for(kov::event& e) {
  co_await e.wait();
}

// ---------------------------------------------------------------------------------------------
// A thousand connections to one server on one runtime.

constexpr int connections = 1000;
constexpr int messages = 4;

std::size_t message_size(int client, int k) {
  return 1 + static_cast<std::size_t>((client * 37 + k * 101) % 3000);
}
std::uint64_t message_seed(int client, int k) {
  return static_cast<std::uint64_t>(client) * 16 + static_cast<std::uint64_t>(k);
}

struct crowd {
  kov::event all_accepted;  // every connection is open on both sides
  int open_on_server = 0;
  int peak_on_server = 0;
  std::size_t bytes_checked = 0;
};

kov::task<void> serve_one(net::tcp_stream s, crowd& c) {
  c.peak_on_server = std::max(c.peak_on_server, ++c.open_on_server);
  std::vector<char> buf(4096);
  for (;;) {
    auto n = co_await s.read(buf);
    if (!n || *n == 0) break;
    if (!(co_await s.write_all(kov::const_buffer(buf.data(), *n)))) break;
  }
  --c.open_on_server;
}

kov::task<void> accept_all(net::tcp_listener& l, crowd& c) {
  std::vector<kov::join_handle<void>> served;
  served.reserve(connections);
  for (int i = 0; i < connections; ++i) {
    auto s = co_await l.accept().with_timeout(10s);
    if (!s) {
      ADD_FAILURE() << "accept " << i << ": " << s.error().message();
      break;
    }
    served.push_back(kov::spawn(serve_one(std::move(*s), c)));
  }
  c.all_accepted.set();
  for (auto& h : served) (void)co_await h;
}

kov::task<void> talk(net::socket_address to, int id, crowd& c) {
  auto s = co_await net::tcp_stream::connect(to, 10s);
  KOV_CO_ASSERT_OK(s);
  co_await c.all_accepted.wait();
  for (int k = 0; k < messages; ++k) {
    const std::vector<char> msg = kov::test::pattern(message_seed(id, k), message_size(id, k));
    auto w = co_await s->write_all(msg);
    KOV_CO_ASSERT_OK(w);
    std::vector<char> back(msg.size());
    auto r = co_await s->read_exact(back).with_timeout(10s);
    KOV_CO_ASSERT_OK(r);
    if (back != msg) {
      ADD_FAILURE() << "client " << id << " message " << k << " came back different";
      co_return;
    }
    c.bytes_checked += msg.size();
  }
  KOV_CO_ASSERT(s->shutdown().has_value());
  std::array<char, 8> tail{};
  auto eof = co_await s->read(tail).with_timeout(10s);
  KOV_CO_ASSERT_OK(eof);
  EXPECT_EQ(*eof, 0u);
}

TEST_F(limits_io, a_thousand_concurrent_connections) {
  if (!kov::test::ensure_nofile_limit(2 * connections + 100)) {
    GTEST_SKIP() << "RLIMIT_NOFILE's hard limit is below " << 2 * connections + 100;
  }
  std::size_t expected = 0;
  for (int id = 0; id < connections; ++id) {
    for (int k = 0; k < messages; ++k) expected += message_size(id, k);
  }
  crowd c;
  run([](crowd& st) -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0), connections);
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    auto server = kov::spawn(accept_all(*l, st));
    std::vector<kov::join_handle<void>> clients;
    clients.reserve(connections);
    for (int id = 0; id < connections; ++id) clients.push_back(kov::spawn(talk(*addr, id, st)));
    for (auto& h : clients) (void)co_await h;
    (void)co_await server;
  }(c));
  EXPECT_EQ(c.peak_on_server, connections);
  EXPECT_EQ(c.open_on_server, 0);
  EXPECT_EQ(c.bytes_checked, expected);
}

// ---------------------------------------------------------------------------------------------
// EMFILE: the accept queue holds connections the server has no fd for.

struct emfile_server {
  int want = 0;
  int accepted = 0;
  int emfile = 0;
  int wake_at = 0;  // `progress` is set when `accepted` reaches it
  kov::event first_emfile;
  kov::event progress;
  std::vector<net::tcp_stream> conns;
  std::vector<std::string> peers;
};

// By value and category address only. Out of fds, UBSan's vptr check (made on a member call of
// the polymorphic category, as error_code's operator== makes) cannot open the pipe it probes
// memory with, and reports a false "invalid vptr".
bool is_emfile(const std::error_code& e) noexcept {
  return e.value() == EMFILE && &e.category() == &std::system_category();
}

// A server loop as a real one should be: on EMFILE, wait 20 ms before trying again (the pending
// connection stays queued and the listener readable; retrying at once would spin).
kov::task<void> accept_with_backoff(net::tcp_listener& l, emfile_server& st) {
  while (st.accepted < st.want) {
    auto c = co_await l.accept();
    if (c) {
      auto peer = c->peer_address();
      st.peers.push_back(peer ? peer->to_string() : "?");
      st.conns.push_back(std::move(*c));
      if (++st.accepted == st.wake_at) st.progress.set();
      continue;
    }
    if (!is_emfile(c.error())) {
      ADD_FAILURE() << "accept: " << c.error().message();
      co_return;
    }
    ++st.emfile;
    st.first_emfile.set();
    co_await kov::sleep_for(20ms);
  }
}

TEST_F(limits_io, accept_at_emfile_backs_off_and_recovers) {
  kov::test::nofile_limit_guard limit;  // restored at the end, whatever happens
  run([](kov::test::nofile_limit_guard& lim) -> kov::task<void> {
    constexpr int clients = 16;
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0), 64);
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    std::vector<net::tcp_stream> client_conns;
    std::set<std::string> client_names;
    for (int i = 0; i < clients; ++i) {
      auto c = co_await net::tcp_stream::connect(*addr, 5s);
      KOV_CO_ASSERT_OK(c);
      auto name = c->local_address();
      KOV_CO_ASSERT_OK(name);
      client_names.insert(name->to_string());
      client_conns.push_back(std::move(*c));
    }
    // All clients wait in the accept queue. A new fd takes the lowest free number, and fails
    // with EMFILE when that is not below the soft limit (fds already open above it stay): a
    // limit at the 5th free number leaves room for exactly 4 more.
    constexpr int room = 4;
    const std::vector<int> fds = kov::test::open_fds();
    int soft = 0;
    for (int free_below = 0;; ++soft) {
      if (std::binary_search(fds.begin(), fds.end(), soft)) continue;
      if (free_below == room) break;
      ++free_below;
    }
    KOV_CO_ASSERT(lim.set_soft(static_cast<rlim_t>(soft)));

    emfile_server st;
    st.want = clients;
    st.wake_at = room + 2;
    auto server = kov::spawn(accept_with_backoff(*l, st));
    auto first = co_await kov::timeout(5s, wait_for(st.first_emfile));
    KOV_CO_ASSERT(first.has_value());
    EXPECT_EQ(st.accepted, room) << "accepted before running out of fds";

    // Out of fds with connections pending: the runtime must idle between the retries.
    const int retries_before = st.emfile;
    const auto cpu_before = kov::test::cpu_time();
    co_await kov::sleep_for(300ms);
    const auto cpu = kov::test::cpu_time() - cpu_before;
    const int retries = st.emfile - retries_before;
    EXPECT_LT(cpu, 100ms) << "CPU time over 300 ms at EMFILE: " << cpu.count() << " us";
    EXPECT_GE(retries, 3) << "the server loop stopped retrying";
    EXPECT_LE(retries, 20) << "the server loop retried faster than its back-off";
    EXPECT_EQ(st.accepted, room);

    // Two fds freed: two more connections come through, then EMFILE again.
    st.conns[0].close();
    st.conns[1].close();
    auto more = co_await kov::timeout(5s, wait_for(st.progress));
    KOV_CO_ASSERT(more.has_value());
    EXPECT_EQ(st.accepted, room + 2);

    // The limit restored: the rest of the queue is accepted.
    lim.restore();
    auto rest = co_await kov::timeout(5s, std::move(server));
    KOV_CO_ASSERT(rest.has_value());
    EXPECT_EQ(st.accepted, clients);
    EXPECT_EQ(std::set<std::string>(st.peers.begin(), st.peers.end()), client_names);
  }(limit));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// A listener nobody accepts on holds at most a bounded number of connections itself (io_uring's
// multishot accept takes connections before an accept asks); the rest wait in the kernel's
// backlog, and all of them are accepted once accepts come.

TEST_F(limits_io, unaccepted_connections_stay_in_the_backlog) {
  kov::runtime rt;
  rt.block_on([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0), 512);
    KOV_CO_ASSERT_OK(l);
    const auto at = l->local_address().value();
    // One accept arms the listener, then nothing accepts for a while.
    auto first_client = co_await net::tcp_stream::connect(at, 1s);
    KOV_CO_ASSERT_OK(first_client);
    auto first = co_await l->accept();
    KOV_CO_ASSERT_OK(first);
    const std::size_t fds_before = kov::test::open_fds().size();
    constexpr int waiting = 200;
    std::vector<net::tcp_stream> clients;
    for (int i = 0; i < waiting; ++i) {
      auto c = co_await net::tcp_stream::connect(at, 1s);
      KOV_CO_ASSERT_OK(c);
      clients.push_back(std::move(*c));
    }
    co_await kov::sleep_for(20ms);  // completions of a multishot accept, if any, arrive
    const std::size_t taken = kov::test::open_fds().size() - fds_before - waiting;
    EXPECT_LE(taken, 80u) << "the listener took an fd for each waiting connection";
    for (int i = 0; i < waiting; ++i) {
      auto c = co_await l->accept().with_timeout(1s);
      KOV_CO_ASSERT_OK(c);
    }
  }());
}
