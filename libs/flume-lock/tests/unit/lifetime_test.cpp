// Every message is destroyed exactly once, whoever goes first.
#include <flume_lock/channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using flume_lock::status;

std::atomic<int> live{0};

struct counted {
  counted() { ++live; }
  counted(const counted&) { ++live; }
  counted(counted&&) noexcept { ++live; }
  counted& operator=(const counted&) = default;
  counted& operator=(counted&&) noexcept = default;
  ~counted() { --live; }
};

template <class Make>
void receiver_dropped_with_messages_inside(Make make) {
  live = 0;
  {
    auto [tx, rx] = make();
    for (int i = 0; i < 3000; ++i) ASSERT_EQ(tx.try_send(counted{}), status::ok);
    EXPECT_EQ(live.load(), 3000);
    { auto gone = std::move(rx); }
    EXPECT_EQ(live.load(), 0);  // destroyed by the receiver's drop, not leaked until later
    EXPECT_EQ(tx.try_send(counted{}), status::disconnected);
  }
  EXPECT_EQ(live.load(), 0);
}

TEST(Lifetime, UnboundedReceiverDroppedWithMessagesInside) {
  receiver_dropped_with_messages_inside([] { return flume_lock::channel<counted>(); });
}

TEST(Lifetime, BoundedReceiverDroppedWithMessagesInside) {
  receiver_dropped_with_messages_inside([] { return flume_lock::bounded<counted>(4096); });
}

TEST(Lifetime, SendersDroppedLastDestroyWhatIsLeft) {
  live = 0;
  {
    auto [tx, rx] = flume_lock::channel<counted>();
    for (int i = 0; i < 10; ++i) ASSERT_EQ(tx.send(counted{}), status::ok);
    counted one;
    ASSERT_EQ(rx.try_recv(one), status::ok);
    EXPECT_EQ(live.load(), 10);  // 9 queued + one
  }
  EXPECT_EQ(live.load(), 0);
}

TEST(Lifetime, ConcurrentSendsRacingTheReceiverDrop) {
  for (int round = 0; round < 20; ++round) {
    live = 0;
    {
      auto [tx, rx] = flume_lock::channel<counted>();
      std::thread producers[2];
      for (auto& p : producers) {
        p = std::thread([tx = tx] {
          for (int i = 0; i < 2000; ++i) {
            if (tx.send(counted{}) == status::disconnected) return;
          }
        });
      }
      { auto gone = std::move(rx); }
      for (auto& p : producers) p.join();
    }
    ASSERT_EQ(live.load(), 0) << "round " << round;
  }
}

}  // namespace
