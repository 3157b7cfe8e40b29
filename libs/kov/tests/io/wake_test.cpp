// Cross-thread wakes reach a runtime that is blocked in epoll_wait with sockets registered
// and operations parked on them; those operations still complete afterwards.

#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>
#include <kov/waker.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using kov::test::connect_pair;
namespace net = kov::net;
using wake_io = kov::test::io_test;

// Where a parked task leaves its remote waker for another thread.
struct mailbox {
  std::mutex m;
  std::condition_variable cv;
  kov::remote_waker waker;
  bool published = false;

  // Takes the published waker, waiting for one.
  kov::remote_waker take() {
    std::unique_lock lock(m);
    cv.wait(lock, [this] { return published; });
    published = false;
    return waker;
  }
};

// Publishes the current task's remote waker, then suspends with nothing else registered: only
// that waker brings the task back.
struct park_in {
  mailbox& box;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) {
    {
      std::lock_guard lock(box.m);
      box.waker = kov::waker::current().to_remote();
      box.published = true;
    }
    box.cv.notify_one();
  }
  void await_resume() const noexcept {}
};

// One read of up to 16 bytes: how many came (0 on an error).
kov::task<std::size_t> read_once(net::tcp_stream& s) {
  std::array<char, 16> buf{};
  auto n = co_await s.read(buf);
  co_return n ? *n : 0;
}

TEST_F(wake_io, remote_wake_reaches_a_runtime_parked_in_epoll) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto p = co_await connect_pair(*l);
    KOV_CO_ASSERT_OK(p);
    // Registered sockets with operations parked on them: a read and an accept.
    auto reader = kov::spawn(read_once(p->client));
    auto acceptor = kov::spawn([](net::tcp_listener& lis) -> kov::task<bool> {
      co_return (co_await lis.accept()).has_value();
    }(*l));

    mailbox box;
    std::atomic<bool> done{false};
    std::atomic<kov::clock::rep> woken_at{0};
    std::thread waker_thread([&] {
      kov::remote_waker w = box.take();
      // Nothing is ready: the runtime blocks in epoll_wait meanwhile.
      std::this_thread::sleep_for(20ms);
      woken_at.store(kov::clock::now().time_since_epoch().count());
      done.store(true);
      w.wake();
    });
    auto parked = kov::spawn([](mailbox& b, std::atomic<bool>& d) -> kov::task<void> {
      while (!d.load()) co_await park_in{b};
    }(box, done));
    // Should the eventfd not wake epoll_wait, this timer ends the wait late (failing the
    // latency check) rather than never.
    auto watchdog = kov::spawn([]() -> kov::task<void> { co_await kov::sleep_for(3s); }());
    (void)co_await parked;
    watchdog.abort();
    const auto latency = kov::clock::now().time_since_epoch().count() - woken_at.load();
    waker_thread.join();
    EXPECT_LT(latency, std::chrono::duration_cast<kov::clock::duration>(1s).count());

    // The parked operations were not disturbed.
    EXPECT_FALSE(reader.is_finished());
    EXPECT_FALSE(acceptor.is_finished());
    KOV_CO_ASSERT((co_await p->server.write_all(std::string_view("hi"))).has_value());
    auto n = co_await reader;
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 2u);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    auto c = co_await net::tcp_stream::connect(*addr, 5s);
    KOV_CO_ASSERT_OK(c);
    auto accepted = co_await acceptor;
    KOV_CO_ASSERT_OK(accepted);
    EXPECT_TRUE(*accepted);
  }());
}

// Many rounds of: the task parks, the runtime blocks in epoll_wait, another thread wakes it.
TEST_F(wake_io, remote_wake_ping_pong) {
  static constexpr int rounds = 500;
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto p = co_await connect_pair(*l);
    KOV_CO_ASSERT_OK(p);
    auto reader = kov::spawn(read_once(p->server));

    mailbox box;
    std::atomic<int> granted{0};
    std::thread waker_thread([&] {
      for (int i = 1; i <= rounds; ++i) {
        kov::remote_waker w = box.take();
        granted.store(i);
        w.wake();
      }
    });
    auto pinger = kov::spawn([](mailbox& b, std::atomic<int>& g) -> kov::task<int> {
      int seen = 0;
      for (int i = 1; i <= rounds; ++i) {
        while (g.load() < i) co_await park_in{b};
        ++seen;
      }
      co_return seen;
    }(box, granted));
    auto seen = co_await pinger;
    waker_thread.join();
    KOV_CO_ASSERT_OK(seen);
    EXPECT_EQ(*seen, rounds);
    KOV_CO_ASSERT((co_await p->client.write_all(std::string_view("end"))).has_value());
    auto n = co_await reader;
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 3u);
  }());
}

// The server side of two_runtimes_on_two_threads: publishes its port, echoes one connection.
kov::task<std::size_t> serve_one_echo(std::promise<std::uint16_t>& port) {
  auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
  auto addr = l ? l->local_address() : kov::result<net::socket_address>(l.error());
  port.set_value(addr ? addr->port() : 0);
  if (!addr) co_return 0;
  auto s = co_await l->accept().with_timeout(5s);
  if (!s) co_return 0;
  std::array<char, 4096> buf{};
  std::size_t total = 0;
  for (;;) {
    auto n = co_await s->read(buf).with_timeout(5s);
    if (!n || *n == 0) break;
    if (!co_await s->write_all(kov::const_buffer(buf.data(), *n))) break;
    total += *n;
  }
  co_return total;
}

// The client side: round trips to the other runtime's server; the bytes that came back right.
kov::task<std::size_t> talk_to(std::uint16_t port) {
  auto c = co_await net::tcp_stream::connect(net::socket_address::ipv4_loopback(port), 5s);
  if (!c) co_return 0;
  std::size_t ok = 0;
  for (std::uint64_t round = 0; round < 100; ++round) {
    const std::vector<char> msg = kov::test::pattern(round, 1000);
    if (!co_await c->write_all(msg)) break;
    std::vector<char> back(msg.size());
    if (!co_await c->read_exact(back).with_timeout(5s)) break;
    if (back == msg) ok += msg.size();
  }
  co_return ok;
}

// Two runtimes on two threads at once, one serving the other over loopback: nothing of one
// runtime's reactor is shared with the other's (ThreadSanitizer watches this one).
TEST_F(wake_io, two_runtimes_on_two_threads_talk) {
  std::promise<std::uint16_t> port;
  std::future<std::uint16_t> port_known = port.get_future();
  std::size_t served = 0;
  std::size_t checked = 0;
  std::thread server([&] { served = run(serve_one_echo(port)); });
  std::thread client([&] {
    const std::uint16_t p = port_known.get();
    if (p != 0) checked = run(talk_to(p));
  });
  client.join();
  server.join();
  EXPECT_EQ(checked, 100u * 1000u);
  EXPECT_EQ(served, 100u * 1000u);
}

}  // namespace
