// Select over several receivers: which operation completes, what stays queued, disconnects,
// deadlines, fairness and reuse of one selector.
#include <flume_lock/channel.hpp>
#include <flume_lock/mpmc/channel.hpp>
#include <flume_lock/select.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using flume_lock::select_none;
using flume_lock::status;
using namespace std::chrono_literals;

static_assert(flume_lock::selectable_receiver<flume_lock::receiver<int>, int>);

// Two unbounded channels of int and a selector over both: operation 0 receives from a into
// `a`, operation 1 from b into `b`.
struct two_channels {
  std::pair<flume_lock::sender<int>, flume_lock::receiver<int>> ends_a = flume_lock::channel<int>();
  std::pair<flume_lock::sender<int>, flume_lock::receiver<int>> ends_b = flume_lock::channel<int>();
  flume_lock::sender<int>& tx_a = ends_a.first;
  flume_lock::sender<int>& tx_b = ends_b.first;
  flume_lock::receiver<int>& rx_a = ends_a.second;
  flume_lock::receiver<int>& rx_b = ends_b.second;
  int a = -1;
  int b = -1;
  flume_lock::selector sel;
  static constexpr std::size_t on_a = 0;
  static constexpr std::size_t on_b = 1;
  two_channels() {
    EXPECT_EQ(sel.recv(rx_a, a), on_a);
    EXPECT_EQ(sel.recv(rx_b, b), on_b);
  }
};

TEST(Select, TrySelectOnEmptyChannelsReportsEmpty) {
  auto [tx_a, rx_a] = flume_lock::channel<int>();
  auto [tx_b, rx_b] = flume_lock::bounded<int>(4);
  int a = 0;
  int b = 0;
  flume_lock::selector sel;
  EXPECT_EQ(sel.recv(rx_a, a), 0U);
  EXPECT_EQ(sel.recv(rx_b, b), 1U);
  const auto r = sel.try_select();
  EXPECT_EQ(r.index, select_none);
  EXPECT_EQ(r.result, status::empty);
}

TEST(Select, CompletesExactlyOneAndLeavesTheOthersQueued) {
  auto [tx_a, rx_a] = flume_lock::channel<int>();
  auto [tx_b, rx_b] = flume_lock::channel<std::string>();
  int a = 0;
  std::string b;
  flume_lock::selector sel;
  const std::size_t on_a = sel.recv(rx_a, a);
  const std::size_t on_b = sel.recv(rx_b, b);
  ASSERT_EQ(tx_a.send(1), status::ok);
  ASSERT_EQ(tx_b.send("two"), status::ok);
  const auto r = sel.select();
  ASSERT_EQ(r.result, status::ok);
  if (r.index == on_a) {
    EXPECT_EQ(a, 1);
    std::string left;
    EXPECT_EQ(rx_b.try_recv(left), status::ok);
    EXPECT_EQ(left, "two");
  } else {
    ASSERT_EQ(r.index, on_b);
    EXPECT_EQ(b, "two");
    int left = 0;
    EXPECT_EQ(rx_a.try_recv(left), status::ok);
    EXPECT_EQ(left, 1);
  }
}

TEST(Select, BlocksUntilAnyChannelReceives) {
  two_channels t;
  std::thread sender([tx = t.tx_b] {
    std::this_thread::sleep_for(5ms);  // let the selector park (not needed for correctness)
    ASSERT_EQ(tx.send(42), status::ok);
  });
  const auto r = t.sel.select();
  sender.join();
  EXPECT_EQ(r.index, t.on_b);
  EXPECT_EQ(r.result, status::ok);
  EXPECT_EQ(t.b, 42);
  // Every waiter was withdrawn: the receivers work on their own again.
  ASSERT_EQ(t.tx_a.send(7), status::ok);
  EXPECT_EQ(t.rx_a.try_recv(t.a), status::ok);
  EXPECT_EQ(t.a, 7);
  EXPECT_EQ(t.rx_b.try_recv(t.b), status::empty);
}

TEST(Select, DisconnectOfOneChannelIsReportedWhileOthersLive) {
  two_channels t;
  ASSERT_EQ(t.tx_a.send(1), status::ok);
  { auto gone = std::move(t.tx_a); }  // closes a: its queued message still comes first
  auto r = t.sel.select();
  EXPECT_EQ(r.index, t.on_a);
  EXPECT_EQ(r.result, status::ok);
  r = t.sel.select();
  EXPECT_EQ(r.index, t.on_a);
  EXPECT_EQ(r.result, status::disconnected);
  EXPECT_TRUE(t.sel.remove(t.on_a));
  EXPECT_FALSE(t.sel.remove(t.on_a));
  std::thread sender([tx = t.tx_b] { ASSERT_EQ(tx.send(2), status::ok); });
  r = t.sel.select();
  sender.join();
  EXPECT_EQ(r.index, t.on_b);
  EXPECT_EQ(r.result, status::ok);
  EXPECT_EQ(t.b, 2);
}

TEST(Select, DisconnectWakesAParkedSelector) {
  auto [tx_a, rx_a] = flume_lock::channel<int>();
  auto [tx_b, rx_b] = flume_lock::bounded<int>(1);
  int a = 0;
  int b = 0;
  flume_lock::selector sel;
  sel.recv(rx_a, a);
  const std::size_t on_b = sel.recv(rx_b, b);
  std::thread closer([tx = std::move(tx_b)]() mutable {
    std::this_thread::sleep_for(5ms);
    auto gone = std::move(tx);
  });
  const auto r = sel.select();
  closer.join();
  EXPECT_EQ(r.index, on_b);
  EXPECT_EQ(r.result, status::disconnected);
}

TEST(Select, DeadlinePassesWithNothingReady) {
  two_channels t;
  const auto start = std::chrono::steady_clock::now();
  const auto r = t.sel.select_for(20ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(r.index, select_none);
  EXPECT_EQ(r.result, status::timeout);
  // A message sent after the timeout is neither lost nor taken.
  ASSERT_EQ(t.tx_b.send(3), status::ok);
  EXPECT_EQ(t.rx_b.try_recv(t.b), status::ok);
  EXPECT_EQ(t.b, 3);
}

TEST(Select, PastDeadlineStillTakesAReadyMessage) {
  auto [tx, rx] = flume_lock::channel<int>();
  int v = 0;
  flume_lock::selector sel;
  sel.recv(rx, v);
  ASSERT_EQ(tx.send(9), status::ok);
  const auto r = sel.select_until(std::chrono::steady_clock::now() - 1s);
  EXPECT_EQ(r.index, 0U);
  EXPECT_EQ(r.result, status::ok);
  EXPECT_EQ(v, 9);
}

// A send racing the deadline: either select returns it, or it times out and the message is
// still queued. Counted over many rounds, nothing is lost or taken twice.
TEST(Select, SendRacingTheDeadlineIsNeverLost) {
  two_channels t;
  constexpr int rounds = 300;
  for (int i = 0; i < rounds; ++i) {
    std::thread sender([&t, i] {
      std::this_thread::sleep_for(std::chrono::microseconds(i % 40));
      ASSERT_EQ(t.tx_b.send(i), status::ok);
    });
    const auto r = t.sel.select_for(std::chrono::microseconds(20));
    sender.join();
    if (r.result == status::ok) {
      ASSERT_EQ(r.index, t.on_b);
      ASSERT_EQ(t.b, i);
    } else {
      ASSERT_EQ(r.result, status::timeout);
      ASSERT_EQ(t.rx_b.try_recv(t.b), status::ok);  // still queued
      ASSERT_EQ(t.b, i);
    }
    ASSERT_EQ(t.rx_b.try_recv(t.b), status::empty);
  }
  EXPECT_EQ(t.rx_a.try_recv(t.a), status::empty);
}

TEST(Select, BusyChannelDoesNotStarveTheOthers) {
  auto [tx_busy, rx_busy] = flume_lock::channel<int>();
  auto [tx_x, rx_x] = flume_lock::channel<int>();
  auto [tx_y, rx_y] = flume_lock::channel<int>();
  int busy = 0;
  int x = 0;
  int y = 0;
  flume_lock::selector sel;
  const std::size_t on_busy = sel.recv(rx_busy, busy);
  sel.recv(rx_x, x);
  sel.recv(rx_y, y);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(tx_busy.send(i), status::ok);
  ASSERT_EQ(tx_x.send(1), status::ok);
  ASSERT_EQ(tx_y.send(2), status::ok);
  std::vector<bool> seen(3, false);
  for (int i = 0; i < 3; ++i) {
    const auto r = sel.try_select();
    ASSERT_EQ(r.result, status::ok);
    seen.at(r.index) = true;
  }
  EXPECT_TRUE(seen[0] && seen[1] && seen[2]) << "three selects must visit all three channels";
  // With only the busy channel ready, it is served every time.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sel.try_select().index, on_busy);
}

TEST(Select, NothingToWaitOn) {
  flume_lock::selector sel;
  EXPECT_EQ(sel.try_select().result, status::disconnected);
  EXPECT_EQ(sel.select().result, status::disconnected);
  const auto r = sel.select_for(1ms);
  EXPECT_EQ(r.index, select_none);
  EXPECT_EQ(r.result, status::timeout);
}

TEST(Select, AFullSelectorRejectsMoreOperations) {
  auto [tx, rx] = flume_lock::channel<int>();
  int v = 0;
  flume_lock::basic_selector<2> sel;
  EXPECT_EQ(sel.recv(rx, v), 0U);
  EXPECT_EQ(sel.recv(rx, v), 1U);
  EXPECT_EQ(sel.recv(rx, v), select_none);
  EXPECT_EQ(sel.size(), 2U);
  EXPECT_FALSE(sel.remove(5));
}

// MPMC receivers join select too (their wakes run under the waiter list's lock): a selector
// parked on two of them is woken by a send, and each message goes to one operation.
TEST(Select, OverMpmcReceivers) {
  auto [tx_a, rx_a] = flume_lock::mpmc::channel<int>();
  auto [tx_b, rx_b] = flume_lock::mpmc::bounded<int>(2);
  int a = -1;
  int b = -1;
  flume_lock::selector sel;
  sel.recv(rx_a, a);
  const std::size_t on_b = sel.recv(rx_b, b);
  EXPECT_EQ(sel.try_select().result, status::empty);
  std::thread sender([tx = tx_b] {
    std::this_thread::sleep_for(5ms);  // let the selector park (not needed for correctness)
    ASSERT_EQ(tx.send(8), status::ok);
  });
  const auto r = sel.select();
  sender.join();
  EXPECT_EQ(r.index, on_b);
  EXPECT_EQ(r.result, status::ok);
  EXPECT_EQ(b, 8);
  EXPECT_EQ(rx_b.try_recv(b), status::empty);
  EXPECT_EQ(sel.select_for(1ms).result, status::timeout);
}

}  // namespace
