// Select's send arms: ready when the channel has room (a rendezvous channel: when its receiver
// waits) or is closed; the value is moved only when the send completes.
#include <flume_lock/channel.hpp>
#include <flume_lock/select.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using flume_lock::select_none;
using flume_lock::status;
using namespace std::chrono_literals;

static_assert(flume_lock::selectable_sender<flume_lock::sender<int>, int>);
static_assert(flume_lock::selectable_sender<flume_lock::sender<std::string>, std::string>);

const std::string long_value = "a value too long for the small-string buffer";

TEST(SelectSend, CompletesWhenTheRingHasRoom) {
  auto [tx, rx] = flume_lock::bounded<std::string>(1);
  std::string value = long_value;
  flume_lock::selector sel;
  ASSERT_EQ(sel.send(tx, value), 0U);
  const auto r = sel.try_select();
  EXPECT_EQ(r.index, 0U);
  EXPECT_EQ(r.result, status::ok);
  std::string got;
  ASSERT_EQ(rx.try_recv(got), status::ok);
  EXPECT_EQ(got, long_value);
}

TEST(SelectSend, FullRingIsNotReadyAndTheValueStays) {
  auto [tx, rx] = flume_lock::bounded<std::string>(1);
  ASSERT_EQ(tx.try_send("first"), status::ok);
  std::string value = long_value;
  flume_lock::selector sel;
  sel.send(tx, value);
  const auto r = sel.try_select();
  EXPECT_EQ(r.index, select_none);
  EXPECT_EQ(r.result, status::empty);
  EXPECT_EQ(value, long_value);
  const auto timed = sel.select_for(2ms);  // registers on the full ring, then gives up
  EXPECT_EQ(timed.result, status::timeout);
  EXPECT_EQ(value, long_value);
  // Withdrawn: the ring works on its own, and a plain send fills the freed slot.
  std::string got;
  ASSERT_EQ(rx.try_recv(got), status::ok);
  EXPECT_EQ(tx.try_send("second"), status::ok);
  ASSERT_EQ(rx.try_recv(got), status::ok);
  EXPECT_EQ(got, "second");
}

TEST(SelectSend, AReceiveThatWinsLeavesTheValueWithTheCaller) {
  auto [tx_in, rx_in] = flume_lock::channel<int>();
  auto [tx_out, rx_out] = flume_lock::bounded<std::string>(1);
  ASSERT_EQ(tx_out.try_send("occupied"), status::ok);
  int in = 0;
  std::string value = long_value;
  flume_lock::selector sel;
  const std::size_t on_in = sel.recv(rx_in, in);
  sel.send(tx_out, value);
  ASSERT_EQ(tx_in.send(5), status::ok);
  const auto r = sel.select();
  EXPECT_EQ(r.index, on_in);
  EXPECT_EQ(r.result, status::ok);
  EXPECT_EQ(in, 5);
  EXPECT_EQ(value, long_value);
  std::string got;
  ASSERT_EQ(rx_out.try_recv(got), status::ok);
  EXPECT_EQ(got, "occupied");
  EXPECT_EQ(rx_out.try_recv(got), status::empty);
}

TEST(SelectSend, AParkedSendArmIsWokenWhenASlotFrees) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  auto [tx_idle, rx_idle] = flume_lock::channel<int>();
  ASSERT_EQ(tx.try_send(1), status::ok);
  int idle = 0;
  int value = 2;
  flume_lock::selector sel;
  sel.recv(rx_idle, idle);
  const std::size_t on_send = sel.send(tx, value);
  std::thread receiver([&rx = rx] {
    std::this_thread::sleep_for(5ms);  // let the selector park (not needed for correctness)
    int got = 0;
    ASSERT_EQ(rx.recv(got), status::ok);
    ASSERT_EQ(got, 1);
    ASSERT_EQ(rx.recv(got), status::ok);
    ASSERT_EQ(got, 2);
  });
  const auto r = sel.select();
  receiver.join();
  EXPECT_EQ(r.index, on_send);
  EXPECT_EQ(r.result, status::ok);
}

TEST(SelectSend, ClosedChannelIsReportedAndTheValueStays) {
  auto [tx, rx] = flume_lock::bounded<std::string>(4);
  std::string value = long_value;
  flume_lock::selector sel;
  const std::size_t on_send = sel.send(tx, value);
  { auto gone = std::move(rx); }  // the receiver's drop closes the channel
  const auto r = sel.select();
  EXPECT_EQ(r.index, on_send);
  EXPECT_EQ(r.result, status::disconnected);
  EXPECT_EQ(value, long_value);
}

TEST(SelectSend, CloseWakesAParkedSendArm) {
  auto [tx, rx] = flume_lock::bounded<int>(1);
  ASSERT_EQ(tx.try_send(1), status::ok);
  int value = 2;
  flume_lock::selector sel;
  const std::size_t on_send = sel.send(tx, value);
  std::thread closer([&rx = rx] {
    std::this_thread::sleep_for(5ms);
    rx.close();
  });
  const auto r = sel.select();
  closer.join();
  EXPECT_EQ(r.index, on_send);
  EXPECT_EQ(r.result, status::disconnected);
  EXPECT_EQ(value, 2);
}

TEST(SelectSend, UnboundedSendArmIsAlwaysReady) {
  auto [tx, rx] = flume_lock::channel<std::unique_ptr<int>>();
  auto value = std::make_unique<int>(3);
  flume_lock::selector sel;
  sel.send(tx, value);
  EXPECT_EQ(sel.try_select().result, status::ok);
  EXPECT_EQ(value, nullptr);  // moved into the channel
  std::unique_ptr<int> got;
  ASSERT_EQ(rx.try_recv(got), status::ok);
  EXPECT_EQ(*got, 3);
}

TEST(SelectSend, RendezvousNeedsAWaitingReceiver) {
  auto [tx, rx] = flume_lock::bounded<std::string>(0);
  std::string value = long_value;
  flume_lock::selector sel;
  const std::size_t on_send = sel.send(tx, value);
  EXPECT_EQ(sel.try_select().result, status::empty);
  EXPECT_EQ(sel.select_for(1ms).result, status::timeout);
  EXPECT_EQ(value, long_value);
  std::string got;
  std::thread receiver([&rx = rx, &got] { ASSERT_EQ(rx.recv(got), status::ok); });
  const auto r = sel.select();  // woken by the receiver's announcement
  receiver.join();
  EXPECT_EQ(r.index, on_send);
  EXPECT_EQ(r.result, status::ok);
  EXPECT_EQ(got, long_value);
}

TEST(SelectSend, RendezvousAsyncSendMeetsAnAsyncReceiver) {
  auto [tx, rx] = flume_lock::bounded<int>(0);
  int woken = 0;
  flume_lock::waiter sw([](void* ctx) { ++*static_cast<int*>(ctx); }, &woken);
  ASSERT_EQ(tx.poll_send(4, sw), status::full);  // queued: nobody waits to receive
  int got = 0;
  flume_lock::waiter rw([](void*) {}, nullptr);
  ASSERT_EQ(rx.poll_recv(got, rw), status::empty);  // the announcement wakes the sender
  EXPECT_EQ(woken, 1);
  ASSERT_EQ(tx.poll_send(4, sw), status::ok);  // into the receiver's slot
  rx.cancel_wait(rw);
  ASSERT_EQ(rx.try_recv(got), status::ok);
  EXPECT_EQ(got, 4);
  tx.cancel_send(sw);  // harmless when idle
}

// Several threads select over a send arm and a receive arm of shared channels: every value
// a select reports sent arrives exactly once, every value it did not send stays with it.
TEST(SelectSend, ManySelectorsShareOneRing) {
  constexpr int threads = 4;
  constexpr int per_thread = 2000;
  auto [tx, rx] = flume_lock::bounded<int>(2);
  std::vector<std::thread> senders;
  senders.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    senders.emplace_back([&tx = tx, t] {
      auto [tx_idle, rx_idle] = flume_lock::channel<int>();  // this thread's; never ready
      flume_lock::selector sel;
      int idle = 0;
      int value = 0;
      sel.recv(rx_idle, idle);
      sel.send(tx, value);
      for (int i = 0; i < per_thread; ++i) {
        value = t * per_thread + i;
        const auto r = sel.select();
        ASSERT_EQ(r.index, 1U);
        ASSERT_EQ(r.result, status::ok);
      }
    });
  }
  std::vector<int> seen(std::size_t{threads} * per_thread, 0);
  int v = 0;
  for (int n = 0; n < threads * per_thread; ++n) {
    ASSERT_EQ(rx.recv(v), status::ok);
    ++seen.at(static_cast<std::size_t>(v));
  }
  for (auto& s : senders) s.join();
  for (int count : seen) ASSERT_EQ(count, 1);
  EXPECT_EQ(rx.try_recv(v), status::empty);
}

}  // namespace
