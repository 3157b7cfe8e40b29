#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "flume_lock/channel.hpp"

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
