// Async send on bounded channels: waiting senders queue in FIFO order, one wake per freed slot,
// a cancelled wake is passed on, close wakes everybody, values are never lost; send permits.
#include <flume_lock/channel.hpp>
#include <flume_lock/waiter.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace {

using flume_lock::status;

struct wake_counter {
  std::atomic<int> wakes{0};
  static void wake(void* ctx) { static_cast<wake_counter*>(ctx)->wakes.fetch_add(1); }
};

// A sender's waiter together with its wake count.
struct parked_sender {
  wake_counter counter;
  flume_lock::waiter w{&wake_counter::wake, &counter};
  int wakes() const { return counter.wakes.load(); }
};

// A full capacity-1 channel with senders a and b queued on it, in that order. The waiters are
// declared first so that they outlive the channel (its close wakes whoever is still queued).
class two_waiting : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(tx.send(0), status::ok);
    ASSERT_EQ(tx.poll_send(1, a.w), status::full);
    ASSERT_EQ(tx.poll_send(2, b.w), status::full);
  }
  parked_sender a, b;
  std::pair<flume_lock::sender<int>, flume_lock::receiver<int>> channel =
      flume_lock::bounded<int>(1);
  flume_lock::sender<int>& tx = channel.first;
  flume_lock::receiver<int>& rx = channel.second;
};

TEST(AsyncSend, RoomSendsWithoutRegistering) {
  auto [tx, rx] = flume_lock::bounded<int>(2);
  parked_sender a;
  EXPECT_EQ(tx.poll_send(1, a.w), status::ok);
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(a.wakes(), 0);
  tx.cancel_send(a.w);  // harmless when idle
}

TEST(AsyncSend, FullRegistersAndOneFreedSlotWakesOnce) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  ASSERT_EQ(tx.send(1), status::ok);
  parked_sender a;
  ASSERT_EQ(tx.poll_send(2, a.w), status::full);
  EXPECT_EQ(a.wakes(), 0);
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(a.wakes(), 1);
  ASSERT_EQ(tx.poll_send(2, a.w), status::ok);
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, 2);
  EXPECT_EQ(a.wakes(), 1);
}

TEST(AsyncSend, WaitersAreWokenInFifoOrderOnePerSlot) {
  auto [tx, rx] = flume_lock::bounded<int>(2);
  ASSERT_EQ(tx.send(0), status::ok);
  ASSERT_EQ(tx.send(0), status::ok);
  parked_sender s[3];
  for (auto& p : s) ASSERT_EQ(tx.poll_send(9, p.w), status::full);
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(s[0].wakes(), 1);
  EXPECT_EQ(s[1].wakes(), 0);
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(s[1].wakes(), 1);
  EXPECT_EQ(s[2].wakes(), 0);
  ASSERT_EQ(tx.poll_send(1, s[0].w), status::ok);
  ASSERT_EQ(tx.poll_send(2, s[1].w), status::ok);
  tx.cancel_send(s[2].w);
}

TEST_F(two_waiting, WokenSenderThatFindsTheRingFullAgainKeepsTheHead) {
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  ASSERT_EQ(a.wakes(), 1);
  ASSERT_EQ(tx.try_send(7), status::ok);  // another sender takes the slot first
  ASSERT_EQ(tx.poll_send(1, a.w), status::full);
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(a.wakes(), 2);  // a, not b, gets the next slot
  EXPECT_EQ(b.wakes(), 0);
  ASSERT_EQ(tx.poll_send(1, a.w), status::ok);
  tx.cancel_send(b.w);
}

TEST_F(two_waiting, PollWithoutAWakeStaysInLine) {
  ASSERT_EQ(tx.poll_send(1, a.w), status::full);  // spurious poll
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(a.wakes(), 1);
  EXPECT_EQ(b.wakes(), 0);
  tx.cancel_send(a.w);  // a gives up: its wake goes to b
  EXPECT_EQ(b.wakes(), 1);
  ASSERT_EQ(tx.poll_send(2, b.w), status::ok);
}

TEST_F(two_waiting, CancelledBeforeItsWakeIsNeverWoken) {
  tx.cancel_send(a.w);
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(a.wakes(), 0);
  EXPECT_EQ(b.wakes(), 1);
  tx.cancel_send(b.w);
}

TEST(AsyncSend, CloseWakesEveryWaiterAndLeavesTheValue) {
  auto [tx, rx] = flume_lock::bounded<std::unique_ptr<int>>(1);
  ASSERT_EQ(tx.send(std::make_unique<int>(0)), status::ok);
  parked_sender s[3];
  auto value = std::make_unique<int>(5);
  for (auto& p : s) ASSERT_EQ(tx.poll_send(std::move(value), p.w), status::full);
  ASSERT_NE(value, nullptr);
  rx.close();
  for (auto& p : s) EXPECT_EQ(p.wakes(), 1);
  for (auto& p : s) EXPECT_EQ(tx.poll_send(std::move(value), p.w), status::disconnected);
  // Not moved from: poll_send moves only on ok.
  ASSERT_NE(value, nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(*value, 5);       // NOLINT(bugprone-use-after-move)
}

TEST(AsyncSend, UnboundedNeverWaits) {
  auto [tx, rx] = flume_lock::channel<int>();
  parked_sender a;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(tx.poll_send(i, a.w), status::ok);
  tx.cancel_send(a.w);
  EXPECT_EQ(rx.drain([](int&&) {}), 100u);
}

// Threads send through poll_send, sleeping on their own condition variable until woken; one
// receiver takes everything. Every message arrives exactly once and no sender is stranded.
TEST(AsyncSend, ThreadsPollingOnATinyRingDeliverEverything) {
  constexpr int senders = 4;
  constexpr int per_sender = 20000;
  auto [tx, rx] = flume_lock::bounded<int>(2);
  struct sleeper {
    std::mutex m;
    std::condition_variable cv;
    bool woken = false;
    static void wake(void* ctx) {
      auto* self = static_cast<sleeper*>(ctx);
      std::lock_guard lock(self->m);
      self->woken = true;
      self->cv.notify_one();
    }
  };
  // A wake's ctx must outlive the call, which may still be running after cancel_send returns
  // (another sender's cancel may pass its wake on): the sleepers outlive the threads.
  std::vector<sleeper> sleepers(senders);
  std::vector<std::thread> threads;
  threads.reserve(senders);
  for (int t = 0; t < senders; ++t) {
    threads.emplace_back([&tx = tx, &sl = sleepers[static_cast<std::size_t>(t)], t] {
      flume_lock::waiter w{&sleeper::wake, &sl};
      for (int i = 0; i < per_sender; ++i) {
        for (;;) {
          const status s = tx.poll_send(t * per_sender + i, w);
          if (s == status::ok) break;
          ASSERT_EQ(s, status::full);
          std::unique_lock lock(sl.m);
          sl.cv.wait(lock, [&] { return sl.woken; });
          sl.woken = false;
        }
      }
      tx.cancel_send(w);
    });
  }
  std::vector<int> next(senders, 0);
  for (int n = 0; n < senders * per_sender; ++n) {
    int v = 0;
    ASSERT_EQ(rx.recv(v), status::ok);
    const auto t = static_cast<std::size_t>(v / per_sender);
    ASSERT_EQ(v % per_sender, next[t]);  // per-sender order, nothing lost or repeated
    ++next[t];
  }
  for (auto& th : threads) th.join();
  int v = 0;
  EXPECT_EQ(rx.try_recv(v), status::empty);
}

// Permits claim slots in ring order: a hole left by a dropped permit is skipped by the receiver
// and its slot reused; the ring wraps over filled and released permits many times.
TEST(SendPermit, HolesAreSkippedAndSlotsReusedAcrossLaps) {
  auto [tx, rx] = flume_lock::bounded<std::unique_ptr<int>>(3);
  int expected = 0;
  int next = 0;
  for (int lap = 0; lap < 10; ++lap) {
    flume_lock::send_permit<std::unique_ptr<int>> p[3];
    for (auto& permit : p) ASSERT_EQ(tx.try_reserve(permit), status::ok);
    flume_lock::send_permit<std::unique_ptr<int>> extra;
    EXPECT_EQ(tx.try_reserve(extra), status::full);
    EXPECT_FALSE(extra);
    std::unique_ptr<int> v = std::make_unique<int>(-1);
    EXPECT_EQ(tx.try_send(std::move(v)), status::full);
    EXPECT_TRUE(tx.is_full());
    p[lap % 3].reset();  // one hole per lap, in a different place each time
    for (int i = 0; i < 3; ++i) {
      if (i != lap % 3) p[i].send(std::make_unique<int>(next++));
    }
    std::unique_ptr<int> out;
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(rx.try_recv(out), status::ok);
      EXPECT_EQ(*out, expected++);
    }
    EXPECT_EQ(rx.try_recv(out), status::empty);  // the trailing hole, if any, is freed too
  }
}

TEST(SendPermit, AHeldPermitHoldsBackDisconnectedUntilResolved) {
  auto [tx, rx] = flume_lock::bounded<int>(2);
  flume_lock::send_permit<int> p;
  ASSERT_EQ(tx.try_reserve(p), status::ok);
  ASSERT_EQ(tx.try_send(1), status::ok);
  tx.close();
  flume_lock::send_permit<int> late;
  EXPECT_EQ(tx.try_reserve(late), status::disconnected);
  int out = 0;
  EXPECT_EQ(rx.try_recv(out), status::empty);  // waits at the permit's slot
  p.send(7);
  ASSERT_EQ(rx.try_recv(out), status::ok);
  EXPECT_EQ(out, 7);
  ASSERT_EQ(rx.try_recv(out), status::ok);
  EXPECT_EQ(out, 1);
  EXPECT_EQ(rx.try_recv(out), status::disconnected);
}

TEST(SendPermit, APermitKeepsTheChannelMemoryAfterEveryHandle) {
  flume_lock::send_permit<std::unique_ptr<int>> p;
  {
    auto [tx, rx] = flume_lock::bounded<std::unique_ptr<int>>(1);
    ASSERT_EQ(tx.try_reserve(p), status::ok);
  }  // sender and receiver gone: the permit keeps the channel's memory
  p.send(std::make_unique<int>(3));  // dropped with the channel (ASan checks the leak)
  EXPECT_FALSE(p);
}

TEST(SendPermit, AWaitingReserverIsWokenByAFreedSlot) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  ASSERT_EQ(tx.send(0), status::ok);
  parked_sender a;
  flume_lock::send_permit<int> p;
  ASSERT_EQ(tx.poll_reserve(p, a.w), status::full);
  int out = 0;
  ASSERT_EQ(rx.try_recv(out), status::ok);
  EXPECT_EQ(a.wakes(), 1);
  ASSERT_EQ(tx.poll_reserve(p, a.w), status::ok);
  EXPECT_EQ(tx.try_send(1), status::full);
  p.send(2);
  ASSERT_EQ(rx.try_recv(out), status::ok);
  EXPECT_EQ(out, 2);
  tx.cancel_send(a.w);
}

}  // namespace
