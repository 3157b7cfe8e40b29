// The sharded MPMC channel's rules: a sub-queue per sender handle (order per sender, none
// between senders), each message to exactly one receiver, a dropped sender's sub-queue taken
// over by the next new sender, the same closing rules and introspection as mpmc::channel().
#include <flume_lock/mpmc/sharded_channel.hpp>

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
using flume_lock::mpmc::sharded_channel;
using flume_lock::mpmc::sharded_sender;
using namespace std::chrono_literals;

TEST(Sharded, EachSenderKeepsItsOrder) {
  auto [tx, rx] = sharded_channel<std::pair<int, int>>();
  std::vector<sharded_sender<std::pair<int, int>>> senders(5, tx);
  for (int i = 0; i < 3000; ++i)
    for (std::size_t s = 0; s < senders.size(); ++s)
      ASSERT_EQ(senders[s].send({static_cast<int>(s), i}), status::ok);
  EXPECT_EQ(rx.len(), 15000u);
  std::vector<int> next(5, 0);
  std::pair<int, int> v;
  for (int k = 0; k < 15000; ++k) {
    ASSERT_EQ(rx.try_recv(v), status::ok);
    ASSERT_EQ(v.second, next[static_cast<std::size_t>(v.first)]++) << "sender " << v.first;
  }
  EXPECT_EQ(rx.try_recv(v), status::empty);
  EXPECT_TRUE(rx.is_empty());
}

TEST(Sharded, ReceiversShareTheMessagesExactlyOnce) {
  constexpr int per_sender = 20000;
  auto [tx, rx] = sharded_channel<int>();
  std::vector<std::atomic<int>> seen(2 * per_sender);
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([rx = rx, &seen]() mutable {
      int v = 0;
      std::vector<int> last(2, -1);
      while (rx.recv(v) == status::ok) {
        seen[static_cast<std::size_t>(v)].fetch_add(1);
        EXPECT_GT(v, last[static_cast<std::size_t>(v / per_sender)]);  // in order per sender
        last[static_cast<std::size_t>(v / per_sender)] = v;
      }
    });
  }
  for (int p = 0; p < 2; ++p) {
    threads.emplace_back([tx = tx, p]() mutable {
      for (int i = 0; i < per_sender; ++i) ASSERT_EQ(tx.send(p * per_sender + i), status::ok);
    });
  }
  { auto mine = std::move(tx); }  // the senders' copies keep the channel open
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << i;
}

TEST(Sharded, EverySubQueueIsDrainedAfterTheLastSenderGoes) {
  auto [tx, rx] = sharded_channel<int>();
  {
    auto a = tx;
    auto b = tx;
    ASSERT_EQ(b.send(2), status::ok);
    ASSERT_EQ(a.send(1), status::ok);
    auto gone = std::move(tx);
  }
  EXPECT_TRUE(rx.is_disconnected());
  int sum = 0;
  int v = 0;
  for (int k = 0; k < 2; ++k) {
    ASSERT_EQ(rx.recv(v), status::ok);
    sum += v;
  }
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(rx.recv(v), status::disconnected);
  EXPECT_EQ(rx.recv_for(v, 1ms), status::disconnected);
}

TEST(Sharded, SendersGetDisconnectedWhenEveryReceiverIsGoneValueUntouched) {
  auto [tx, rx] = sharded_channel<std::string>();
  auto rx2 = std::make_unique<flume_lock::mpmc::receiver<std::string>>(rx);
  { auto gone = std::move(rx); }
  EXPECT_EQ(tx.send(std::string("one")), status::ok);
  rx2.reset();
  EXPECT_TRUE(tx.is_disconnected());
  std::string s = "keep";
  EXPECT_EQ(tx.send(std::move(s)), status::disconnected);
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(tx.try_send(std::move(s)), status::disconnected);
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(tx.len(), 0u);  // the last receiver destroyed what was queued
}

TEST(Sharded, CloseFromEitherSideStopsSendsButKeepsQueued) {
  auto [tx, rx] = sharded_channel<int>();
  auto other = tx;
  ASSERT_EQ(tx.send(7), status::ok);
  rx.close();
  EXPECT_TRUE(tx.is_disconnected());
  EXPECT_EQ(tx.send(8), status::disconnected);
  EXPECT_EQ(other.send(8), status::disconnected);
  auto late = other;  // a sender made after the close gets a closed sub-queue
  EXPECT_EQ(late.send(9), status::disconnected);
  int v = 0;
  EXPECT_EQ(rx.recv(v), status::ok);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(rx.recv(v), status::disconnected);
}

TEST(Sharded, BlockedReceiversAreAllWokenByTheLastSender) {
  auto [tx, rx] = sharded_channel<int>();
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

TEST(Sharded, RecvTimesOutAndIntrospectionAnswers) {
  auto [tx, rx] = sharded_channel<int>();
  int v = 0;
  EXPECT_EQ(rx.try_recv(v), status::empty);
  EXPECT_EQ(rx.recv_for(v, 2ms), status::timeout);
  EXPECT_FALSE(tx.capacity().has_value());
  EXPECT_FALSE(tx.is_full());
  EXPECT_EQ(tx.send_for(1, 1ms), status::ok);
  EXPECT_EQ(tx.send_until(2, std::chrono::steady_clock::now()), status::ok);
  EXPECT_EQ(rx.len(), 2u);
  {
    auto tx2 = tx;
    auto rx2 = rx;
    EXPECT_EQ(rx.sender_count(), 2u);
    EXPECT_EQ(tx.receiver_count(), 2u);
  }
  EXPECT_EQ(rx.sender_count(), 1u);
  EXPECT_EQ(tx.receiver_count(), 1u);
}

// A new sender takes over the sub-queue a dropped one left: what both sent through it arrives
// in the order sent.
TEST(Sharded, ADroppedSendersSubQueueIsTakenOver) {
  auto [tx, rx] = sharded_channel<int>();
  {
    auto first = tx;
    for (int i = 0; i < 1500; ++i) ASSERT_EQ(first.send(i), status::ok);
  }
  {
    auto second = tx;  // the sub-queue `first` left, not a new one
    for (int i = 1500; i < 3000; ++i) ASSERT_EQ(second.send(i), status::ok);
  }
  int v = -1;
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(rx.try_recv(v), status::ok);
    ASSERT_EQ(v, i);
  }
}

// A lone receiver moves on after a run of messages from one sender, so one busy sender cannot
// keep it from another's messages.
TEST(Sharded, ABusySenderDoesNotStarveAnother) {
  auto [tx, rx] = sharded_channel<int>();
  auto other = tx;
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(tx.send(0), status::ok);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(other.send(1), status::ok);
  int from_other = 0;
  int v = 0;
  for (int k = 0; k < 1000; ++k) {
    ASSERT_EQ(rx.try_recv(v), status::ok);
    from_other += v;
  }
  EXPECT_GE(from_other, 250);
  EXPECT_LE(from_other, 750);
}

// The producer reuses a block once every slot of it is read: a sender and a receiver taking
// turns over many blocks get every message once, in order.
TEST(Sharded, ReusedBlocksKeepEveryMessage) {
  auto [tx, rx] = sharded_channel<std::uint64_t>();
  std::uint64_t next_sent = 0;
  std::uint64_t next_expected = 0;
  std::uint64_t v = 0;
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 700; ++i) ASSERT_EQ(tx.send(next_sent++), status::ok);
    while (rx.try_recv(v) == status::ok) ASSERT_EQ(v, next_expected++);
  }
  EXPECT_EQ(next_expected, next_sent);
}

TEST(Sharded, QueuedMessagesAreFreedWithTheChannel) {
  auto counter = std::make_shared<int>(0);
  {
    auto [tx, rx] = sharded_channel<std::shared_ptr<int>>();
    auto tx2 = tx;
    for (int i = 0; i < 1500; ++i) {
      ASSERT_EQ(tx.send(counter), status::ok);
      ASSERT_EQ(tx2.send(counter), status::ok);
    }
    std::shared_ptr<int> v;
    for (int i = 0; i < 1100; ++i) ASSERT_EQ(rx.try_recv(v), status::ok);
    v.reset();
    EXPECT_EQ(counter.use_count(), 1 + 1900);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

// A message whose copy throws when it is told to (its move never does).
struct fragile {
  int value = 0;
  bool copy_throws = false;
  fragile(int v, bool throws) : value(v), copy_throws(throws) {}
  fragile(const fragile& other) : value(other.value), copy_throws(other.copy_throws) {
    if (copy_throws) throw std::runtime_error("copy refused");
  }
  fragile(fragile&&) noexcept = default;
  fragile& operator=(const fragile&) = default;
  fragile& operator=(fragile&&) noexcept = default;
  ~fragile() = default;
};

TEST(Sharded, AThrowingCopyPublishesNothing) {
  auto [tx, rx] = sharded_channel<fragile>();
  const fragile bad(1, true);
  EXPECT_THROW((void)tx.send(bad), std::runtime_error);
  const fragile good(2, false);
  ASSERT_EQ(tx.send(good), status::ok);
  fragile v(0, false);
  ASSERT_EQ(rx.try_recv(v), status::ok);  // no slot left unwritten in front of it
  EXPECT_EQ(v.value, 2);
  EXPECT_EQ(rx.try_recv(v), status::empty);
  tx.close();  // returns: the failed send ended its push
  EXPECT_EQ(rx.try_recv(v), status::disconnected);
}

struct counted_waiter {
  int wakes = 0;
  flume_lock::waiter w{[](void* ctx) { ++static_cast<counted_waiter*>(ctx)->wakes; }, this};
};

TEST(Sharded, PollRecvIsWokenBySendAndByClose) {
  auto [tx, rx] = sharded_channel<int>();
  auto rx2 = rx;
  counted_waiter a;
  counted_waiter b;
  int v = 0;
  ASSERT_EQ(rx.poll_recv(v, a.w), status::empty);
  ASSERT_EQ(rx2.poll_recv(v, b.w), status::empty);
  ASSERT_EQ(tx.send(5), status::ok);
  EXPECT_EQ(a.wakes, 1);  // one wake per message, the first to wait first
  EXPECT_EQ(b.wakes, 0);
  ASSERT_EQ(rx.poll_recv(v, a.w), status::ok);
  EXPECT_EQ(v, 5);
  tx.close();
  EXPECT_EQ(b.wakes, 1);
  EXPECT_EQ(rx2.poll_recv(v, b.w), status::disconnected);
  rx.cancel_wait(a.w);
  rx2.cancel_wait(b.w);
}

}  // namespace
