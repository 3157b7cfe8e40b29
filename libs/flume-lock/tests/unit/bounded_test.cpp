// The bounded channel's rules: capacity, blocking and timed send, close and disconnect.
#include <flume_lock/channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace {

using flume_lock::status;

TEST(Bounded, TrySendReportsFullAndKeepsTheValue) {
  auto [tx, rx] = flume_lock::bounded<std::string>(2);
  EXPECT_EQ(tx.try_send(std::string("a")), status::ok);
  EXPECT_EQ(tx.try_send(std::string("b")), status::ok);
  std::string c = "c";
  EXPECT_EQ(tx.try_send(std::move(c)), status::full);
  EXPECT_EQ(c, "c");
  std::string v;
  EXPECT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, "a");
  EXPECT_EQ(tx.try_send(std::move(c)), status::ok);
  EXPECT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, "b");
  EXPECT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, "c");
  EXPECT_EQ(rx.try_recv(v), status::empty);
}

TEST(Bounded, CapacityOneWrapsManyLaps) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  int v = 0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(tx.try_send(i), status::ok);
    ASSERT_EQ(tx.try_send(i), status::full);
    ASSERT_EQ(rx.try_recv(v), status::ok);
    ASSERT_EQ(v, i);
  }
}

TEST(Bounded, SendWaitsForSpace) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  ASSERT_EQ(tx.send(1), status::ok);
  std::thread consumer([rx = std::move(rx)]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the sender parks meanwhile
    int v = 0;
    EXPECT_EQ(rx.recv(v), status::ok);
    EXPECT_EQ(v, 1);
    EXPECT_EQ(rx.recv(v), status::ok);
    EXPECT_EQ(v, 2);
  });
  EXPECT_EQ(tx.send(2), status::ok);
  consumer.join();
}

// Parked senders are woken in batches (every capacity / 2 messages taken). A receiver that
// takes one message and then stops still lets a parked sender through: it looks again within a
// millisecond (tx_poll_interval), so the send completes although no wake is due.
TEST(Bounded, ParkedSenderFindsRoomTheReceiverLeftWithoutAWake) {
  auto [tx, rx] = flume_lock::bounded<int>(64);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(tx.send(i), status::ok);
  std::atomic<bool> sent{false};
  std::thread sender([&, tx = tx] {
    // Parks: the ring is full. A bound on the wait keeps a regression from hanging the test.
    EXPECT_EQ(tx.send_for(64, std::chrono::seconds(10)), status::ok);
    sent = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(sent.load());
  int v = 0;
  ASSERT_EQ(rx.recv(v), status::ok);  // one slot free: below the batch, so no wake
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!sent.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(sent.load());
  sender.join();
}

TEST(Bounded, SendForTimesOutWhenFull) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  ASSERT_EQ(tx.send(1), status::ok);
  EXPECT_EQ(tx.send_for(2, std::chrono::milliseconds(5)), status::timeout);
}

TEST(Bounded, ParkedSenderSeesDisconnect) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  ASSERT_EQ(tx.send(1), status::ok);
  std::thread dropper([rx = std::move(rx)]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto gone = std::move(rx);
  });
  EXPECT_EQ(tx.send(2), status::disconnected);
  dropper.join();
}

TEST(Bounded, DrainsThenDisconnects) {
  auto [tx, rx] = flume_lock::bounded<int>(4);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(tx.send(i), status::ok);
  { auto gone = std::move(tx); }
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(rx.recv(v), status::ok);
    EXPECT_EQ(v, i);
  }
  EXPECT_EQ(rx.recv(v), status::disconnected);
}

}  // namespace
