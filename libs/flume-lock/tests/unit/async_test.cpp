// The async hook: registration, exactly one wake, cancellation.
#include <flume_lock/channel.hpp>
#include <flume_lock/waiter.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using flume_lock::status;

struct wake_counter {
  std::atomic<int> wakes{0};
  static void wake(void* ctx) { static_cast<wake_counter*>(ctx)->wakes.fetch_add(1); }
};

TEST(Async, ReadyMessageIsTakenWithoutRegistering) {
  auto [tx, rx] = flume_lock::channel<int>();
  wake_counter counter;
  flume_lock::waiter w{&wake_counter::wake, &counter};
  ASSERT_EQ(tx.send(5), status::ok);
  int v = 0;
  EXPECT_EQ(rx.poll_recv(v, w), status::ok);
  EXPECT_EQ(v, 5);
  ASSERT_EQ(tx.send(6), status::ok);
  EXPECT_EQ(counter.wakes.load(), 0);
}

TEST(Async, EmptyRegistersAndTheNextSendWakesOnce) {
  auto [tx, rx] = flume_lock::channel<int>();
  wake_counter counter;
  flume_lock::waiter w{&wake_counter::wake, &counter};
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  ASSERT_EQ(tx.send(1), status::ok);
  ASSERT_EQ(tx.send(2), status::ok);
  EXPECT_EQ(counter.wakes.load(), 1);
  EXPECT_EQ(rx.poll_recv(v, w), status::ok);
  EXPECT_EQ(v, 1);
}

TEST(Async, CloseWakesTheWaiter) {
  auto [tx, rx] = flume_lock::bounded<int>(2);
  wake_counter counter;
  flume_lock::waiter w{&wake_counter::wake, &counter};
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  { auto gone = std::move(tx); }
  EXPECT_EQ(counter.wakes.load(), 1);
  EXPECT_EQ(rx.poll_recv(v, w), status::disconnected);
}

TEST(Async, CancelledWaiterIsNeverWoken) {
  auto [tx, rx] = flume_lock::channel<int>();
  wake_counter counter;
  flume_lock::waiter w{&wake_counter::wake, &counter};
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  rx.cancel_wait(w);
  ASSERT_EQ(tx.send(1), status::ok);
  EXPECT_EQ(counter.wakes.load(), 0);
}

TEST(Async, CrossThreadWakesAreNeverLost) {
  auto [tx, rx] = flume_lock::channel<int>();
  constexpr int n = 20'000;
  std::atomic<int> pending_wakes{0};
  flume_lock::waiter w{[](void* ctx) { static_cast<std::atomic<int>*>(ctx)->fetch_add(1); },
                       &pending_wakes};
  std::thread producer([tx = tx] {
    for (int i = 0; i < n; ++i) ASSERT_EQ(tx.send(i), status::ok);
  });
  int expected = 0;
  int v = 0;
  while (expected < n) {
    const status s = rx.poll_recv(v, w);
    if (s == status::ok) {
      ASSERT_EQ(v, expected++);
      continue;
    }
    ASSERT_EQ(s, status::empty);
    // Registered: a wake must come (this loop would hang if one were lost).
    while (pending_wakes.load() == 0) std::this_thread::yield();
    pending_wakes.fetch_sub(1);
  }
  producer.join();
  rx.cancel_wait(w);
}

}  // namespace
