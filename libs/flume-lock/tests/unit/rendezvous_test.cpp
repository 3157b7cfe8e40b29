// The rendezvous channel's rules (bounded(0), as crossbeam's): try_send only into a waiting
// receiver, send completes only when the value is taken, timeouts and close never lose a value.
#include <flume_lock/channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {

using flume_lock::status;
using namespace std::chrono_literals;

TEST(Rendezvous, TrySendFailsWithNoReceiverWaitingAndKeepsTheValue) {
  auto [tx, rx] = flume_lock::bounded<std::string>(0);
  std::string v = "kept";
  EXPECT_EQ(tx.try_send(std::move(v)), status::full);
  EXPECT_EQ(v, "kept");  // NOLINT(bugprone-use-after-move): refused, not moved
  std::string out;
  EXPECT_EQ(rx.try_recv(out), status::empty);
  EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(0));
  EXPECT_TRUE(tx.is_full());
  EXPECT_EQ(rx.len(), 0U);
  EXPECT_TRUE(rx.is_full());
}

TEST(Rendezvous, TrySendSucceedsIntoABlockedReceiver) {
  auto [tx, rx] = flume_lock::bounded<std::string>(0);
  std::string got;
  std::thread receiver([&rx = rx, &got] { EXPECT_EQ(rx.recv(got), status::ok); });
  std::string v = "hello";
  // NOLINTNEXTLINE(bugprone-use-after-move): a refused try_send leaves the value untouched
  while (tx.try_send(std::move(v)) == status::full) std::this_thread::yield();
  receiver.join();
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(tx.try_send(std::string("again")), status::full);  // nobody waits any more
}

TEST(Rendezvous, SendCompletesOnlyWhenTheReceiverTakesTheValue) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  std::atomic<bool> sent{false};
  std::thread sender([tx = tx, &sent] {
    EXPECT_EQ(tx.send(7), status::ok);
    sent = true;
  });
  int v = 0;
  for (;;) {
    const bool done_before = sent.load();
    const status s = rx.try_recv(v);
    EXPECT_FALSE(done_before) << "send returned before its value was taken";
    if (s == status::ok) break;
    ASSERT_EQ(s, status::empty);
    std::this_thread::yield();
  }
  sender.join();
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(sent.load());
}

TEST(Rendezvous, BlockingSendAndRecvHandOverInOrderFromOneSender) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  std::thread sender([tx = std::move(tx)] {
    for (int i = 0; i < 10'000; ++i) ASSERT_EQ(tx.send(i), status::ok);
  });
  int v = 0;
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(rx.recv(v), status::ok);
    ASSERT_EQ(v, i);
  }
  EXPECT_EQ(rx.recv(v), status::disconnected);  // the sender is gone
  sender.join();
}

TEST(Rendezvous, SendForTimesOutAndKeepsTheValue) {
  auto [tx, rx] = flume_lock::bounded<std::string>(0);
  std::string v = "mine";
  EXPECT_EQ(tx.send_for(std::move(v), 2ms), status::timeout);
  EXPECT_EQ(v, "mine");  // NOLINT(bugprone-use-after-move): refused, not moved
  std::string out;
  EXPECT_EQ(rx.try_recv(out), status::empty);  // the offer was withdrawn
}

TEST(Rendezvous, RecvForTimesOutAndStopsCountingAsWaiting) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  int v = 0;
  EXPECT_EQ(rx.recv_for(v, 2ms), status::timeout);
  EXPECT_EQ(tx.try_send(1), status::full);
}

TEST(Rendezvous, ConstAndLvalueArgumentsAreCopied) {
  auto [tx, rx] = flume_lock::bounded<std::string>(0);
  const std::string original = "copy me";
  std::thread sender([tx = tx, &original] { EXPECT_EQ(tx.send(original), status::ok); });
  std::string out;
  EXPECT_EQ(rx.recv(out), status::ok);
  sender.join();
  EXPECT_EQ(out, "copy me");
  EXPECT_EQ(original, "copy me");
}

TEST(Rendezvous, DroppingTheReceiverReturnsTheValueToABlockedSender) {
  auto [tx, rx] = flume_lock::bounded<std::string>(0);
  std::atomic<bool> started{false};
  std::string v = "back to me";
  std::thread sender([tx = tx, &v, &started] {
    started = true;
    EXPECT_EQ(tx.send(std::move(v)), status::disconnected);
  });
  while (!started) std::this_thread::yield();
  { auto dropped = std::move(rx); }
  sender.join();
  EXPECT_EQ(v, "back to me");  // NOLINT(bugprone-use-after-move): refused, not moved
  EXPECT_EQ(tx.try_send(std::string("x")), status::disconnected);
  EXPECT_EQ(tx.send(std::string("x")), status::disconnected);
}

TEST(Rendezvous, CloseWakesABlockedReceiverAndStopsSenders) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  std::thread receiver([&rx = rx] {
    int v = 0;
    EXPECT_EQ(rx.recv(v), status::disconnected);
  });
  tx.close();
  receiver.join();
  EXPECT_EQ(tx.try_send(1), status::disconnected);
  EXPECT_EQ(tx.send(1), status::disconnected);
  EXPECT_TRUE(rx.is_disconnected());
}

TEST(Rendezvous, LastSenderGoneDisconnectsTheReceiver) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  { auto gone = std::move(tx); }
  int v = 0;
  EXPECT_EQ(rx.recv(v), status::disconnected);
  EXPECT_EQ(rx.try_recv(v), status::disconnected);
}

// Senders and a receiver that keep giving up (short timeouts): every value arrives exactly once,
// and every sender learns truthfully whether its value was taken.
TEST(Rendezvous, TimeoutsOnBothSidesNeverLoseOrDuplicate) {
  constexpr std::uint64_t senders = 3;
  constexpr std::uint64_t per_sender = 2'000;
  auto [tx, rx] = flume_lock::bounded<std::uint64_t>(0);
  std::vector<std::thread> threads;
  threads.reserve(senders);
  for (std::uint64_t s = 0; s < senders; ++s) {
    threads.emplace_back([tx = tx, s] {
      for (std::uint64_t i = 0; i < per_sender; ++i) {
        const std::uint64_t v = s * per_sender + i;
        for (;;) {
          const status st = (i % 3 == 0) ? tx.try_send(v) : tx.send_for(std::uint64_t{v}, 50us);
          if (st == status::ok) break;
          ASSERT_TRUE(st == status::full || st == status::timeout) << to_string(st);
        }
      }
    });
  }
  { auto drop = std::move(tx); }
  std::vector<int> seen(senders * per_sender, 0);
  std::uint64_t v = 0;
  for (;;) {
    const status st = rx.recv_for(v, 30us);
    if (st == status::disconnected) break;
    if (st == status::timeout) continue;
    ASSERT_EQ(st, status::ok);
    ASSERT_LT(v, seen.size());
    ++seen[v];
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], 1) << "value " << i;
}

struct wake_count {
  std::atomic<int> wakes{0};
  static void wake(void* ctx) { static_cast<wake_count*>(ctx)->wakes.fetch_add(1); }
};

TEST(Rendezvous, AnAsyncReceiverCountsAsWaiting) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  wake_count counter;
  flume_lock::waiter w(&wake_count::wake, &counter);
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  EXPECT_EQ(tx.try_send(5), status::ok);
  EXPECT_EQ(counter.wakes.load(), 1);
  EXPECT_EQ(tx.try_send(6), status::full);  // the slot is taken: nobody waits now
  EXPECT_EQ(rx.poll_recv(v, w), status::ok);
  EXPECT_EQ(v, 5);
}

TEST(Rendezvous, AValueHandedToACancelledAsyncReceiverIsKept) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  wake_count counter;
  flume_lock::waiter w(&wake_count::wake, &counter);
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  EXPECT_EQ(tx.try_send(9), status::ok);
  rx.cancel_wait(w);
  EXPECT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, 9);
  // Cancelled before any sender came: no longer waiting.
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  rx.cancel_wait(w);
  EXPECT_EQ(tx.try_send(1), status::full);
}

TEST(Rendezvous, AnAsyncReceiverIsWokenByABlockedSendersOffer) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  wake_count counter;
  flume_lock::waiter w(&wake_count::wake, &counter);
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  rx.cancel_wait(w);  // not waiting: the blocking sender must post an offer
  ASSERT_EQ(rx.poll_recv(v, w), status::empty);
  std::thread sender([tx = tx] { EXPECT_EQ(tx.send(3), status::ok); });
  while (counter.wakes.load() == 0) std::this_thread::yield();
  EXPECT_EQ(rx.poll_recv(v, w), status::ok);
  EXPECT_EQ(v, 3);
  sender.join();
}

}  // namespace
