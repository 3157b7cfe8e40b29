// The MPMC channel's rules, for both flavours: cloneable receivers, each message to exactly one
// receiver, disconnect when every sender or every receiver is gone, blocking and timed calls,
// and the introspection calls.
#include <flume_lock/mpmc/channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using flume_lock::status;
using namespace std::chrono_literals;

// Capacity 0: the unbounded flavour.
class Mpmc : public ::testing::TestWithParam<std::size_t> {
 protected:
  template <class T>
  auto open() {
    return GetParam() == 0 ? flume_lock::mpmc::channel<T>()
                           : flume_lock::mpmc::bounded<T>(GetParam());
  }
};

INSTANTIATE_TEST_SUITE_P(Flavours, Mpmc, ::testing::Values(0, 1, 3, 64), [](const auto& test) {
  return test.param == 0 ? std::string("unbounded") : "bounded" + std::to_string(test.param);
});

TEST_P(Mpmc, FifoThroughOneReceiver) {
  auto [tx, rx] = open<int>();
  std::thread producer([tx = tx] {
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(tx.send(i), status::ok);
  });
  int v = -1;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(rx.recv(v), status::ok);
    ASSERT_EQ(v, i);
  }
  producer.join();
  EXPECT_EQ(rx.try_recv(v), status::empty);
}

TEST_P(Mpmc, ClonedReceiversShareTheMessagesExactlyOnce) {
  auto [tx, rx] = open<int>();
  constexpr int count = 20000;
  std::vector<std::atomic<int>> seen(count);
  std::vector<std::thread> receivers;
  std::vector<int> per_receiver(3, 0);
  for (int r = 0; r < 3; ++r) {
    receivers.emplace_back([rx = rx, &seen, &per_receiver, r]() mutable {
      int v = 0;
      int last = -1;
      while (rx.recv(v) == status::ok) {
        seen[static_cast<std::size_t>(v)].fetch_add(1);
        EXPECT_GT(v, last);  // one producer: each receiver sees its share in order
        last = v;
        ++per_receiver[static_cast<std::size_t>(r)];
      }
    });
  }
  {
    auto sender = std::move(tx);
    for (int i = 0; i < count; ++i) ASSERT_EQ(sender.send(i), status::ok);
  }  // the last sender goes: receivers drain, then see disconnected
  for (auto& t : receivers) t.join();
  for (int i = 0; i < count; ++i) ASSERT_EQ(seen[static_cast<std::size_t>(i)].load(), 1) << i;
  EXPECT_EQ(per_receiver[0] + per_receiver[1] + per_receiver[2], count);
  int v = 0;
  EXPECT_EQ(rx.try_recv(v), status::disconnected);
}

TEST_P(Mpmc, ReceiversDrainQueuedMessagesAfterTheLastSenderGoes) {
  auto [tx, rx] = open<std::string>();
  auto rx2 = rx;
  ASSERT_EQ(tx.send(std::string("a")), status::ok);
  { auto gone = std::move(tx); }
  EXPECT_TRUE(rx.is_disconnected());
  std::string v;
  EXPECT_EQ(rx2.recv(v), status::ok);
  EXPECT_EQ(v, "a");
  EXPECT_EQ(rx.recv(v), status::disconnected);
  EXPECT_EQ(rx2.try_recv(v), status::disconnected);
  EXPECT_EQ(rx2.recv_for(v, 1ms), status::disconnected);
}

TEST_P(Mpmc, SendersGetDisconnectedOnlyWhenEveryReceiverIsGone) {
  auto [tx, rx] = open<int>();
  auto rx2 = std::make_unique<flume_lock::mpmc::receiver<int>>(rx);
  { auto gone = std::move(rx); }
  EXPECT_FALSE(tx.is_disconnected());
  EXPECT_EQ(tx.send(1), status::ok);
  rx2.reset();
  EXPECT_TRUE(tx.is_disconnected());
  EXPECT_EQ(tx.send(2), status::disconnected);
  EXPECT_EQ(tx.try_send(3), status::disconnected);
  EXPECT_EQ(tx.len(), 0u);  // the last receiver destroyed what was queued
}

TEST_P(Mpmc, RefusedValueIsLeftUntouched) {
  auto [tx, rx] = open<std::string>();
  { auto gone = std::move(rx); }
  std::string s = "keep";
  EXPECT_EQ(tx.send(std::move(s)), status::disconnected);
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(tx.try_send(std::move(s)), status::disconnected);
  EXPECT_EQ(s, "keep");
}

TEST_P(Mpmc, CloseFromEitherSideStopsSendsButKeepsQueued) {
  auto [tx, rx] = open<int>();
  ASSERT_EQ(tx.send(7), status::ok);
  rx.close();
  EXPECT_TRUE(tx.is_disconnected());
  EXPECT_EQ(tx.send(8), status::disconnected);
  int v = 0;
  EXPECT_EQ(rx.recv(v), status::ok);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(rx.recv(v), status::disconnected);
}

TEST_P(Mpmc, BlockedReceiversAreAllWokenByTheLastSender) {
  auto [tx, rx] = open<int>();
  std::atomic<int> disconnected{0};
  std::vector<std::thread> receivers;
  for (int r = 0; r < 3; ++r) {
    receivers.emplace_back([rx = rx, &disconnected]() mutable {
      int v = 0;
      if (rx.recv(v) == status::disconnected) disconnected.fetch_add(1);
    });
  }
  { auto gone = std::move(tx); }
  for (auto& t : receivers) t.join();
  EXPECT_EQ(disconnected.load(), 3);
}

TEST_P(Mpmc, RecvTimesOutOnAnOpenEmptyChannel) {
  auto [tx, rx] = open<int>();
  int v = 0;
  EXPECT_EQ(rx.try_recv(v), status::empty);
  EXPECT_EQ(rx.recv_for(v, 2ms), status::timeout);
  EXPECT_EQ(rx.recv_until(v, std::chrono::steady_clock::now() + 1ms), status::timeout);
}

TEST_P(Mpmc, CountsFollowClonesAndDrops) {
  auto [tx, rx] = open<int>();
  EXPECT_EQ(tx.sender_count(), 1u);
  EXPECT_EQ(tx.receiver_count(), 1u);
  {
    auto tx2 = tx;
    auto rx2 = rx;
    auto rx3 = rx2;
    EXPECT_EQ(rx.sender_count(), 2u);
    EXPECT_EQ(rx.receiver_count(), 3u);
  }
  EXPECT_EQ(rx.sender_count(), 1u);
  EXPECT_EQ(tx.receiver_count(), 1u);
  auto moved = std::move(rx);
  EXPECT_EQ(tx.receiver_count(), 1u);  // a move is not a new receiver
}

TEST_P(Mpmc, LenAndIsEmpty) {
  auto [tx, rx] = open<int>();
  EXPECT_TRUE(rx.is_empty());
  EXPECT_EQ(rx.len(), 0u);
  const int n = GetParam() == 0 ? 2500 : static_cast<int>(GetParam());
  for (int i = 0; i < n; ++i) ASSERT_EQ(tx.try_send(i), status::ok);
  EXPECT_EQ(tx.len(), static_cast<std::size_t>(n));
  EXPECT_FALSE(tx.is_empty());
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(rx.len(), static_cast<std::size_t>(n - 1));
}

TEST(MpmcBounded, CapacityFullAndTrySend) {
  auto [tx, rx] = flume_lock::mpmc::bounded<int>(2);
  EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(2));
  EXPECT_FALSE(tx.is_full());
  ASSERT_EQ(tx.try_send(1), status::ok);
  ASSERT_EQ(tx.try_send(2), status::ok);
  EXPECT_TRUE(rx.is_full());
  EXPECT_EQ(tx.try_send(3), status::full);
  EXPECT_EQ(tx.send_for(3, 2ms), status::timeout);
  EXPECT_EQ(tx.send_until(3, std::chrono::steady_clock::now() + 1ms), status::timeout);
  int v = 0;
  ASSERT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(tx.try_send(3), status::ok);
}

TEST(MpmcBounded, ZeroCapacityIsRefused) {
  EXPECT_THROW(flume_lock::mpmc::bounded<int>(0), std::invalid_argument);
}

TEST(MpmcBounded, SendWaitsForARoomAnyReceiverFrees) {
  auto [tx, rx] = flume_lock::mpmc::bounded<int>(1);
  ASSERT_EQ(tx.send(1), status::ok);
  std::thread producer([tx = tx] { EXPECT_EQ(tx.send(2), status::ok); });
  auto rx2 = rx;
  int v = 0;
  ASSERT_EQ(rx2.recv(v), status::ok);
  EXPECT_EQ(v, 1);
  ASSERT_EQ(rx.recv(v), status::ok);
  EXPECT_EQ(v, 2);
  producer.join();
}

TEST(MpmcBounded, ABlockedSenderIsReleasedWhenTheLastReceiverGoes) {
  auto [tx, rx] = flume_lock::mpmc::bounded<int>(1);
  ASSERT_EQ(tx.send(1), status::ok);
  std::thread producer([tx = tx] { EXPECT_EQ(tx.send(2), status::disconnected); });
  auto rx2 = std::move(rx);
  { auto gone = std::move(rx2); }
  producer.join();
}

TEST(MpmcUnbounded, CapacityIsNoneAndNeverFull) {
  auto [tx, rx] = flume_lock::mpmc::channel<int>();
  EXPECT_FALSE(tx.capacity().has_value());
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(tx.try_send(i), status::ok);
  EXPECT_FALSE(tx.is_full());
  EXPECT_EQ(tx.send_for(1, 1ms), status::ok);
}

// Messages that own memory: the last receiver's drop and the state's teardown free each one
// exactly once (ASan and the leak checker watch this), across several blocks.
TEST(MpmcUnbounded, QueuedMessagesAreFreedWithTheChannel) {
  auto counter = std::make_shared<int>(0);
  {
    auto [tx, rx] = flume_lock::mpmc::channel<std::shared_ptr<int>>();
    for (int i = 0; i < 2500; ++i) ASSERT_EQ(tx.send(counter), status::ok);
    std::shared_ptr<int> v;
    for (int i = 0; i < 1100; ++i) ASSERT_EQ(rx.try_recv(v), status::ok);
    v.reset();
    EXPECT_EQ(counter.use_count(), 1 + 1400);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(MpmcUnbounded, SendersOutliveReceiversWithoutLeaks) {
  auto counter = std::make_shared<int>(0);
  auto [tx, rx] = flume_lock::mpmc::channel<std::shared_ptr<int>>();
  for (int i = 0; i < 1500; ++i) ASSERT_EQ(tx.send(counter), status::ok);
  { auto gone = std::move(rx); }
  EXPECT_EQ(counter.use_count(), 1);
  EXPECT_EQ(tx.send(counter), status::disconnected);
}

// ---- Async receive (poll_recv / cancel_wait) ---------------------------------------------------

// Counts its wakes; what an executor's task would be.
struct counted_waiter {
  int wakes = 0;
  flume_lock::waiter w{[](void* ctx) { ++static_cast<counted_waiter*>(ctx)->wakes; }, this};
};

// A channel with two receivers, each with a waiter queued by poll_recv (a first, then b); both
// waiters are withdrawn at the end.
struct two_waiting_receivers {
  flume_lock::mpmc::sender<int> tx;
  flume_lock::mpmc::receiver<int> rx;
  flume_lock::mpmc::receiver<int> rx2{rx};
  counted_waiter a;
  counted_waiter b;
  int v = -1;
  explicit two_waiting_receivers(
      std::pair<flume_lock::mpmc::sender<int>, flume_lock::mpmc::receiver<int>> ends)
      : tx(std::move(ends.first)), rx(std::move(ends.second)) {
    EXPECT_EQ(rx.poll_recv(v, a.w), status::empty);
    EXPECT_EQ(rx2.poll_recv(v, b.w), status::empty);
  }
  two_waiting_receivers(const two_waiting_receivers&) = delete;
  two_waiting_receivers& operator=(const two_waiting_receivers&) = delete;
  ~two_waiting_receivers() {
    rx.cancel_wait(a.w);  // harmless when not queued
    rx2.cancel_wait(b.w);
  }
};

TEST_P(Mpmc, PollRecvWakesOneWaitingReceiverPerMessageInOrder) {
  two_waiting_receivers t(open<int>());
  ASSERT_EQ(t.tx.try_send(1), status::ok);
  EXPECT_EQ(t.a.wakes, 1);  // the first to wait is woken first
  EXPECT_EQ(t.b.wakes, 0);
  ASSERT_EQ(t.rx.poll_recv(t.v, t.a.w), status::ok);
  EXPECT_EQ(t.v, 1);
  ASSERT_EQ(t.tx.try_send(2), status::ok);
  EXPECT_EQ(t.b.wakes, 1);
  ASSERT_EQ(t.rx2.poll_recv(t.v, t.b.w), status::ok);
  EXPECT_EQ(t.v, 2);
}

TEST_P(Mpmc, AnUnusedWakeIsPassedOnWhenCancelled) {
  two_waiting_receivers t(open<int>());
  ASSERT_EQ(t.tx.try_send(7), status::ok);
  ASSERT_EQ(t.a.wakes, 1);
  t.rx.cancel_wait(t.a.w);  // abandoned: its wake goes to b, so the message is not stranded
  EXPECT_EQ(t.b.wakes, 1);
  ASSERT_EQ(t.rx2.poll_recv(t.v, t.b.w), status::ok);
  EXPECT_EQ(t.v, 7);
}

TEST_P(Mpmc, CloseWakesEveryWaitingReceiver) {
  two_waiting_receivers t(open<int>());
  t.tx.close();
  EXPECT_EQ(t.a.wakes, 1);
  EXPECT_EQ(t.b.wakes, 1);
  EXPECT_EQ(t.rx.poll_recv(t.v, t.a.w), status::disconnected);
  EXPECT_EQ(t.rx2.poll_recv(t.v, t.b.w), status::disconnected);
}

// Threads polling like executors (sleeping on their waiter between polls) share the messages
// of two producers: each arrives exactly once.
TEST_P(Mpmc, PollingReceiversTakeEveryMessageOnce) {
  constexpr int per_producer = 20000;
  auto [tx, rx] = open<int>();
  std::atomic<std::int64_t> sum{0};
  std::atomic<int> count{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([rx = rx, &sum, &count]() mutable {
      std::atomic<int> wakes{0};
      flume_lock::waiter w(
          [](void* ctx) {
            static_cast<std::atomic<int>*>(ctx)->fetch_add(1);
            static_cast<std::atomic<int>*>(ctx)->notify_one();
          },
          &wakes);
      int v = 0;
      for (;;) {
        const int seen = wakes.load();
        const status s = rx.poll_recv(v, w);
        if (s == status::empty) {
          wakes.wait(seen);  // returns once wakes moved past what we saw before polling
          continue;
        }
        if (s == status::disconnected) break;
        sum.fetch_add(v);
        count.fetch_add(1);
      }
      rx.cancel_wait(w);
    });
  }
  for (int p = 0; p < 2; ++p) {
    threads.emplace_back([tx = tx] {
      for (int i = 1; i <= per_producer; ++i) ASSERT_EQ(tx.send(i), status::ok);
    });
  }
  { auto mine = std::move(tx); }
  for (auto& t : threads) t.join();
  EXPECT_EQ(count.load(), 2 * per_producer);
  EXPECT_EQ(sum.load(), std::int64_t{2} * per_producer * (per_producer + 1) / 2);
}

}  // namespace
