// The unbounded channel's rules: order, segment growth and recycling, close and disconnect.
#include <flume_lock/channel.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using flume_lock::status;

TEST(Unbounded, DeliversInOrderAcrossManySegments) {
  auto [tx, rx] = flume_lock::channel<std::uint64_t>();
  constexpr std::uint64_t n = 10'000;  // about ten segments
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(tx.send(i), status::ok);
  std::uint64_t v = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    ASSERT_EQ(rx.try_recv(v), status::ok);
    ASSERT_EQ(v, i);
  }
  EXPECT_EQ(rx.try_recv(v), status::empty);
}

TEST(Unbounded, EmptyThenDisconnectedWhenLastSenderGoes) {
  auto [tx, rx] = flume_lock::channel<int>();
  int v = 0;
  EXPECT_EQ(rx.try_recv(v), status::empty);
  {
    auto second = tx;  // copies keep the channel open
    ASSERT_EQ(second.send(7), status::ok);
  }
  { auto gone = std::move(tx); }
  EXPECT_EQ(rx.try_recv(v), status::ok);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(rx.try_recv(v), status::disconnected);
  EXPECT_EQ(rx.recv(v), status::disconnected);
}

TEST(Unbounded, SendAfterReceiverDropIsDisconnectedAndKeepsTheValue) {
  auto [tx, rx] = flume_lock::channel<std::string>();
  { auto gone = std::move(rx); }
  std::string msg = "kept";
  EXPECT_EQ(tx.send(std::move(msg)), status::disconnected);
  EXPECT_EQ(msg, "kept");
  EXPECT_TRUE(tx.is_closed());
}

TEST(Unbounded, ExplicitCloseLetsTheReceiverDrain) {
  auto [tx, rx] = flume_lock::channel<int>();
  ASSERT_EQ(tx.send(1), status::ok);
  ASSERT_EQ(tx.send(2), status::ok);
  rx.close();
  EXPECT_EQ(tx.send(3), status::disconnected);
  int v = 0;
  EXPECT_EQ(rx.recv(v), status::ok);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(rx.recv(v), status::ok);
  EXPECT_EQ(v, 2);
  EXPECT_EQ(rx.recv(v), status::disconnected);
}

TEST(Unbounded, MoveOnlyMessages) {
  auto [tx, rx] = flume_lock::channel<std::unique_ptr<int>>();
  ASSERT_EQ(tx.send(std::make_unique<int>(41)), status::ok);
  std::unique_ptr<int> out;
  ASSERT_EQ(rx.recv(out), status::ok);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(*out, 41);
}

TEST(Unbounded, BulkSendClaimsInOrder) {
  auto [tx, rx] = flume_lock::channel<int>();
  std::vector<int> values(3000);
  for (int i = 0; i < 3000; ++i) values[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(tx.send_bulk(values.begin(), values.end()), values.size());
  std::vector<int> got;
  EXPECT_EQ(rx.drain([&](int&& v) { got.push_back(v); }), values.size());
  EXPECT_EQ(got, values);
  tx.close();
  EXPECT_EQ(tx.send_bulk(values.begin(), values.end()), 0u);
}

TEST(Unbounded, RecvForTimesOutOnAnOpenEmptyChannel) {
  auto [tx, rx] = flume_lock::channel<int>();
  int v = 0;
  EXPECT_EQ(rx.recv_for(v, std::chrono::milliseconds(5)), status::timeout);
  EXPECT_EQ(rx.recv_until(v, std::chrono::steady_clock::now() + std::chrono::milliseconds(1)),
            status::timeout);
  ASSERT_EQ(tx.send(3), status::ok);
  EXPECT_EQ(rx.recv_for(v, std::chrono::milliseconds(5)), status::ok);
  EXPECT_EQ(v, 3);
}

TEST(Unbounded, BlockingRecvWakesForAMessageFromAnotherThread) {
  auto [tx, rx] = flume_lock::channel<int>();
  std::thread producer([tx = tx] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the receiver park
    EXPECT_EQ(tx.send(99), status::ok);
  });
  int v = 0;
  EXPECT_EQ(rx.recv(v), status::ok);
  EXPECT_EQ(v, 99);
  producer.join();
}

TEST(Unbounded, BlockingRecvWakesOnDisconnect) {
  auto [tx, rx] = flume_lock::channel<int>();
  std::thread closer([tx = std::move(tx)]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto gone = std::move(tx);
  });
  int v = 0;
  EXPECT_EQ(rx.recv(v), status::disconnected);
  closer.join();
}

TEST(Status, Names) {
  EXPECT_STREQ(flume_lock::to_string(status::disconnected), "disconnected");
  EXPECT_STREQ(flume_lock::to_string(status::full), "full");
}

}  // namespace
