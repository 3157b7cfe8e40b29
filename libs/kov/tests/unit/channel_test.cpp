// oneshot and mpsc: local and cross-thread delivery, close, cancel-safety.

#include <kov/mpsc.hpp>
#include <kov/oneshot.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

TEST(oneshot, delivers_within_the_runtime) {
  kov::runtime rt;
  auto body = []() -> kov::task<int> {
    auto [tx, rx] = kov::oneshot<int>();
    auto sender = [](kov::oneshot_sender<int> t) -> kov::task<void> {
      co_await kov::yield_now();
      (void)t.send(5);
    };
    kov::spawn(sender(std::move(tx))).detach();
    auto v = co_await rx;
    co_return v.value();
  };
  EXPECT_EQ(rt.block_on(body()), 5);
}

TEST(oneshot, delivers_from_another_thread) {
  kov::runtime rt;
  auto body = []() -> kov::task<std::string> {
    auto [tx, rx] = kov::oneshot<std::string>();
    std::thread t([s = std::move(tx)]() mutable {
      std::this_thread::sleep_for(1ms);
      (void)s.send("hello");
    });
    auto v = co_await rx;
    t.join();
    co_return v.value();
  };
  EXPECT_EQ(rt.block_on(body()), "hello");
}

TEST(oneshot, dropped_sender_closes) {
  kov::runtime rt;
  auto body = []() -> kov::task<std::error_code> {
    auto [tx, rx] = kov::oneshot<int>();
    EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);
    { auto gone = std::move(tx); }
    co_return (co_await rx).error();
  };
  EXPECT_EQ(rt.block_on(body()), kov::errc::closed);
}

TEST(oneshot, send_to_a_dropped_receiver_reports_closed) {
  auto [tx, rx] = kov::oneshot<int>();
  { auto gone = std::move(rx); }
  EXPECT_EQ(tx.send(1).error(), kov::errc::closed);
}

TEST(mpsc, delivers_in_order_and_closes_when_senders_are_gone) {
  kov::runtime rt;
  auto body = []() -> kov::task<std::vector<int>> {
    auto [tx, rx] = kov::mpsc<int>();
    auto producer = [](kov::mpsc_sender<int> t) -> kov::task<void> {
      for (int i = 0; i < 100; ++i) {
        (void)t.send(i);
        if (i % 7 == 0) co_await kov::yield_now();
      }
    };
    kov::spawn(producer(std::move(tx))).detach();
    std::vector<int> got;
    for (;;) {
      auto m = co_await rx.recv();
      if (!m) {
        EXPECT_EQ(m.error(), kov::errc::closed);
        break;
      }
      got.push_back(*m);
    }
    co_return got;
  };
  auto got = rt.block_on(body());
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
}

TEST(mpsc, senders_on_other_threads_wake_the_receiver) {
  kov::runtime rt;
  constexpr int threads = 4;
  constexpr int per_thread = 5000;
  auto body = []() -> kov::task<long> {
    auto [tx, rx] = kov::mpsc<int>();
    std::vector<std::thread> producers;
    for (int t = 0; t < threads; ++t) {
      producers.emplace_back([s = tx] {
        for (int i = 1; i <= per_thread; ++i) {
          (void)s.send(i);
          if (i % 512 == 0) std::this_thread::yield();
        }
      });
    }
    { auto drop = std::move(tx); }
    long sum = 0;
    while (auto m = co_await rx.recv()) sum += *m;
    for (auto& p : producers) p.join();
    co_return sum;
  };
  EXPECT_EQ(rt.block_on(body()), long{threads} * per_thread * (per_thread + 1) / 2);
}

TEST(mpsc, aborted_recv_leaves_the_message_queued) {
  kov::runtime rt;
  auto body = []() -> kov::task<int> {
    auto [tx, rx] = kov::mpsc<int>();
    auto receiver = [](kov::mpsc_receiver<int>& r) -> kov::task<int> {
      auto m = co_await r.recv();
      co_return m.value();
    };
    auto h = kov::spawn(receiver(rx));
    co_await kov::yield_now();  // h is parked on the channel
    (void)tx.send(77);          // wakes h (queued, not yet resumed)
    h.abort();                  // abandoned before it could take the message
    auto again = co_await rx.recv();
    co_return again.value();
  };
  EXPECT_EQ(rt.block_on(body()), 77);
}

TEST(mpsc, try_recv_reports_empty_and_closed) {
  auto [tx, rx] = kov::mpsc<int>();
  EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);
  (void)tx.send(3);
  EXPECT_EQ(*rx.try_recv(), 3);
  rx.close();
  EXPECT_EQ(tx.send(4).error(), kov::errc::closed);
  EXPECT_EQ(rx.try_recv().error(), kov::errc::closed);
}

}  // namespace
