// broadcast: every receiver sees every message, exact lag counts, closing, cancel-safe recv().

#include <kov/runtime.hpp>
#include <kov/sync/broadcast.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

kov::task<void> collect(kov::broadcast::receiver<int> rx, std::vector<int>& out) {
  while (auto m = co_await rx.recv()) out.push_back(*m);
}

TEST(broadcast, every_receiver_sees_every_message_in_order) {
  kov::runtime rt;
  std::vector<std::vector<int>> got(3);
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::broadcast::channel<int>(4).value();
    std::vector<kov::join_handle<void>> hs;
    hs.push_back(kov::spawn(collect(std::move(rx), got[0])));
    hs.push_back(kov::spawn(collect(tx.subscribe(), got[1])));
    hs.push_back(kov::spawn(collect(tx.subscribe(), got[2])));
    for (int v = 0; v < 100; ++v) {
      EXPECT_EQ(tx.send(v).value(), 3u);
      co_await kov::yield_now();  // the receivers keep up: no lag
    }
    { auto gone = std::move(tx); }
    for (auto& h : hs) (void)co_await h;
  };
  rt.block_on(body());
  std::vector<int> all(100);
  for (int v = 0; v < 100; ++v) all[static_cast<std::size_t>(v)] = v;
  for (const auto& g : got) EXPECT_EQ(g, all);
}

TEST(broadcast, lag_counts_are_exact) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    for (std::size_t capacity : {1u, 2u, 3u, 4u, 7u, 16u}) {
      for (int sent = 0; sent <= 40; sent += 3) {
        auto [tx, rx] = kov::broadcast::channel<int>(capacity).value();
        for (int v = 0; v < sent; ++v) (void)tx.send(v);
        const auto cap = static_cast<int>(capacity);
        int expect_next = 0;
        if (sent > cap) {
          auto lag = co_await rx.recv();
          EXPECT_TRUE(lag.lagged());
          EXPECT_EQ(lag.missed(), static_cast<std::uint64_t>(sent - cap));
          expect_next = sent - cap;
        }
        for (int v = expect_next; v < sent; ++v) EXPECT_EQ((co_await rx.recv()).value(), v);
        EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);
      }
    }
  };
  rt.block_on(body());
}

TEST(broadcast, lag_in_the_middle_of_a_stream) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::broadcast::channel<int>(3).value();
    (void)tx.send(0);
    EXPECT_EQ((co_await rx.recv()).value(), 0);
    for (int v = 1; v <= 10; ++v) (void)tx.send(v);  // 1..7 overwritten, 8..10 held
    auto lag = rx.try_recv();
    EXPECT_TRUE(lag.lagged());
    EXPECT_EQ(lag.missed(), 7u);
    EXPECT_EQ(rx.try_recv().value(), 8);
    (void)tx.send(11);
    EXPECT_EQ(rx.try_recv().value(), 9);  // no second lag: 9 is still held
    EXPECT_EQ(rx.try_recv().value(), 10);
    EXPECT_EQ(rx.try_recv().value(), 11);
  };
  rt.block_on(body());
}

TEST(broadcast, closes_when_every_sender_is_gone_after_the_held_messages) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::broadcast::channel<std::string>(8).value();
    auto tx2 = tx;
    (void)tx.send("a");
    { auto gone = std::move(tx); }
    (void)tx2.send("b");
    EXPECT_EQ(rx.try_recv().value(), "a");
    { auto gone = std::move(tx2); }
    EXPECT_EQ((co_await rx.recv()).value(), "b");
    auto end = co_await rx.recv();
    EXPECT_TRUE(end.closed());
  };
  rt.block_on(body());
}

TEST(broadcast, send_without_receivers_and_zero_capacity_are_errors) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    EXPECT_EQ(kov::broadcast::channel<int>(0).error(), std::errc::invalid_argument);
    auto [tx, rx] = kov::broadcast::channel<int>(2).value();
    { auto gone = std::move(rx); }
    EXPECT_EQ(tx.send(1).error(), kov::errc::closed);
    auto late = tx.subscribe();  // sees what is sent from now on
    EXPECT_EQ(tx.send(2).value(), 1u);
    EXPECT_EQ(late.try_recv().value(), 2);
    co_return;
  };
  rt.block_on(body());
}

TEST(broadcast, aborted_waiter_leaves_the_channel_consistent) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::broadcast::channel<int>(4).value();
    auto other = tx.subscribe();
    auto one = [](kov::broadcast::receiver<int>& r) -> kov::task<int> {
      co_return (co_await r.recv()).value();
    };
    auto a = kov::spawn(one(rx));
    auto b = kov::spawn(one(other));
    co_await kov::yield_now();
    a.abort();  // withdrawn while waiting
    (void)tx.send(1);
    EXPECT_EQ((co_await b).value(), 1);
    EXPECT_EQ((co_await kov::spawn(one(rx))).value(), 1);  // the abandoned wait left 1 in place
    auto d = kov::spawn(one(rx));
    co_await kov::yield_now();
    (void)tx.send(2);
    d.abort();  // woken with 2 ready, aborted before it ran: it took nothing
    EXPECT_EQ(rx.try_recv().value(), 2);
    EXPECT_EQ(other.try_recv().value(), 2);
  };
  rt.block_on(body());
  EXPECT_EQ(rt.live_tasks(), 0u);
}

}  // namespace
