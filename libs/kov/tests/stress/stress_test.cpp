// Cross-thread wakes hammered from several threads: none is lost (every waited-for event is
// seen), none runs a task twice at once, and shutting down with wakes in flight is safe.

#include <kov/mpsc.hpp>
#include <kov/oneshot.hpp>
#include <kov/runtime.hpp>
#include <kov/waker.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

// Suspends with no wake registered: only a remote wake brings the task back.
struct park {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

// Several threads bump a counter and wake the task remotely; the task parks until it has seen
// every bump. A lost wake leaves it parked forever (the test times out).
TEST(stress, remote_wakes_are_never_lost) {
  kov::runtime rt;
  constexpr int threads = 3;
  constexpr int bumps = 20000;
  std::atomic<int> counter{0};
  auto body = [&]() -> kov::task<void> {
    kov::remote_waker w = kov::waker::current().to_remote();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&counter, w] {
        for (int i = 0; i < bumps; ++i) {
          counter.fetch_add(1, std::memory_order_release);
          w.wake();
        }
      });
    }
    while (counter.load(std::memory_order_acquire) < threads * bumps) co_await park{};
    for (auto& t : ts) t.join();
  };
  rt.block_on(body());
  EXPECT_EQ(counter.load(), threads * bumps);
}

// One thread and the task take turns: every turn needs its own wake (nothing to coalesce), and
// most of them reach a runtime parked in the reactor.
TEST(stress, every_remote_wake_reaches_a_parked_runtime) {
  kov::runtime rt;
  constexpr int rounds = 5000;
  std::atomic<int> sent{0};
  std::atomic<int> seen{0};
  auto body = [&]() -> kov::task<int> {
    kov::remote_waker w = kov::waker::current().to_remote();
    std::thread peer([&sent, &seen, w] {
      for (int i = 1; i <= rounds; ++i) {
        while (seen.load(std::memory_order_acquire) != i - 1) std::this_thread::yield();
        sent.store(i, std::memory_order_release);
        w.wake();
      }
    });
    int observed = 0;
    while (observed < rounds) {
      while (sent.load(std::memory_order_acquire) == observed) co_await park{};
      observed = sent.load(std::memory_order_acquire);
      seen.store(observed, std::memory_order_release);
    }
    peer.join();
    co_return observed;
  };
  EXPECT_EQ(rt.block_on(body()), rounds);
}

TEST(stress, many_oneshots_from_many_threads) {
  kov::runtime rt;
  constexpr int n = 2000;
  auto body = []() -> kov::task<long> {
    std::vector<kov::oneshot_sender<int>> senders;
    std::vector<kov::oneshot_receiver<int>> receivers;
    for (int i = 0; i < n; ++i) {
      auto [tx, rx] = kov::oneshot<int>();
      senders.push_back(std::move(tx));
      receivers.push_back(std::move(rx));
    }
    std::thread a([&] {
      for (int i = 0; i < n; i += 2) (void)senders[static_cast<std::size_t>(i)].send(i);
    });
    std::thread b([&] {
      for (int i = 1; i < n; i += 2) (void)senders[static_cast<std::size_t>(i)].send(i);
    });
    long sum = 0;
    for (auto& rx : receivers) sum += (co_await rx).value();
    a.join();
    b.join();
    co_return sum;
  };
  EXPECT_EQ(rt.block_on(body()), long{n} * (n - 1) / 2);
}

TEST(stress, runtime_shutdown_with_wakes_in_flight) {
  for (int round = 0; round < 50; ++round) {
    std::atomic<bool> stop{false};
    kov::remote_waker w;
    std::thread waker_thread;
    {
      kov::runtime rt;
      auto body = [&]() -> kov::task<void> {
        w = kov::waker::current().to_remote();
        waker_thread = std::thread([&stop, copy = w] {
          while (!stop.load(std::memory_order_relaxed)) copy.wake();
        });
        for (int i = 0; i < 20; ++i) co_await kov::yield_now();
      };
      rt.block_on(body());
    }
    // The runtime is gone; the thread keeps waking for a moment.
    std::this_thread::yield();
    stop.store(true);
    waker_thread.join();
    w.wake();
  }
  SUCCEED();
}

TEST(stress, mpsc_hammered_by_threads_while_receiver_times_out) {
  kov::runtime rt;
  constexpr int threads = 3;
  constexpr int per = 10000;
  auto body = []() -> kov::task<long> {
    auto [tx, rx] = kov::mpsc<int>();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([s = tx] {
        for (int i = 0; i < per; ++i) (void)s.send(1);
      });
    }
    { auto drop = std::move(tx); }
    long got = 0;
    for (;;) {
      auto m = co_await rx.recv();
      if (!m) break;
      got += *m;
      if (got % 1000 == 0) co_await kov::yield_now();
    }
    for (auto& t : ts) t.join();
    co_return got;
  };
  EXPECT_EQ(rt.block_on(body()), long{threads} * per);
}

}  // namespace
