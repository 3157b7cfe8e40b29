// watch: the latest value, never the last one missed, closing, cancel-safe changed().

#include <kov/runtime.hpp>
#include <kov/sync/watch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

// Reads every change until the channel closes; records what it saw.
kov::task<void> observe(kov::watch::receiver<int> rx, int yields_between, std::vector<int>& seen) {
  while (co_await rx.changed()) {
    seen.push_back(rx.borrow());
    for (int i = 0; i < yields_between; ++i) co_await kov::yield_now();
  }
}

TEST(watch, receivers_never_miss_the_last_value) {
  kov::runtime rt;
  std::vector<std::vector<int>> seen(4);
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::watch::channel<int>(0);
    std::vector<kov::join_handle<void>> hs;
    // Slow and fast observers: the slow ones skip values but must end on the last.
    for (int i = 0; i < 4; ++i)
      hs.push_back(kov::spawn(observe(rx, i * 3, seen[static_cast<std::size_t>(i)])));
    for (int v = 1; v <= 1000; ++v) {
      tx.send(v);
      if (v % 7 == 0) co_await kov::yield_now();
    }
    { auto gone = std::move(tx); }  // closes after the last value
    for (auto& h : hs) (void)co_await h;
  };
  rt.block_on(body());
  for (const auto& s : seen) {
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.back(), 1000);
    for (std::size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1], s[i]);  // never backwards
  }
  EXPECT_EQ(seen[0].size(), 1000u / 7 + 1);  // the fastest sees one value per sender yield
}

TEST(watch, changed_after_close_gives_the_unseen_value_then_closed) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::watch::channel<std::string>("a");
    EXPECT_EQ(rx.borrow(), "a");
    EXPECT_FALSE(rx.has_changed().value());
    tx.send_modify([](std::string& s) { s += "b"; });
    EXPECT_EQ(tx.borrow(), "ab");
    { auto gone = std::move(tx); }
    EXPECT_TRUE(rx.has_changed().value());
    EXPECT_TRUE(co_await rx.changed());
    EXPECT_EQ(rx.borrow(), "ab");
    auto closed = co_await rx.changed();
    EXPECT_EQ(closed.error(), kov::errc::closed);
    EXPECT_EQ(rx.has_changed().error(), kov::errc::closed);
  };
  rt.block_on(body());
}

TEST(watch, copies_and_subscribers_track_their_own_view) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::watch::channel<int>(1);
    tx.send(2);
    auto copy = rx;  // has seen what rx has seen: not 2
    EXPECT_TRUE(copy.has_changed().value());
    auto fresh = tx.subscribe();  // has seen 2
    EXPECT_FALSE(fresh.has_changed().value());
    EXPECT_EQ(tx.receiver_count(), 3u);
    EXPECT_EQ(rx.borrow_and_update(), 2);
    EXPECT_FALSE(rx.has_changed().value());
    EXPECT_TRUE(copy.has_changed().value());
    co_return;
  };
  rt.block_on(body());
}

TEST(watch, aborted_waiter_leaves_the_channel_consistent) {
  kov::runtime rt;
  std::vector<int> seen;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::watch::channel<int>(0);
    auto waiter = [](kov::watch::receiver<int>& r) -> kov::task<void> {
      (void)co_await r.changed();
    };
    auto a = kov::spawn(waiter(rx));
    auto b = kov::spawn(observe(rx, 0, seen));
    co_await kov::yield_now();
    a.abort();  // withdrawn while waiting
    tx.send(5);
    auto c = kov::spawn(waiter(rx));
    co_await kov::yield_now();
    EXPECT_TRUE(c.is_finished());  // rx had not seen 5: the abandoned wait lost nothing
    tx.send(6);
    co_await kov::yield_now();
    { auto gone = std::move(tx); }
    (void)co_await b;
  };
  rt.block_on(body());
  EXPECT_EQ(seen, (std::vector<int>{5, 6}));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

}  // namespace
