// The timing wheel on its own: ordering, cascading, cancellation, far deadlines.

#include <kov/detail/timer_wheel.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace {

using kov::detail::timer_entry;
using kov::detail::timer_wheel;

struct recording_entry : timer_entry {
  recording_entry() : timer_entry(&on_fire) {}
  static void on_fire(timer_entry& e) noexcept {
    auto& self = static_cast<recording_entry&>(e);
    self.log->push_back(self.deadline_);
    self.fired_at = self.wheel->elapsed();
  }
  std::vector<std::uint64_t>* log = nullptr;
  timer_wheel* wheel = nullptr;
  std::uint64_t fired_at = 0;
};

TEST(timer_wheel, fires_in_deadline_order_at_the_right_tick) {
  timer_wheel wheel;
  std::vector<std::uint64_t> log;
  std::mt19937_64 rng(7);
  std::vector<std::unique_ptr<recording_entry>> entries;
  for (int i = 0; i < 2000; ++i) {
    auto e = std::make_unique<recording_entry>();
    e->deadline_ = 1 + rng() % 300'000;  // spans four levels
    e->log = &log;
    e->wheel = &wheel;
    ASSERT_TRUE(wheel.insert(*e));
    entries.push_back(std::move(e));
  }
  EXPECT_EQ(wheel.size(), 2000u);
  // Advance in uneven steps, as a runtime would.
  for (std::uint64_t now = 0; now <= 300'000; now += 1 + rng() % 5000) wheel.advance(now);
  wheel.advance(300'000);
  ASSERT_EQ(log.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(log.begin(), log.end()));
  for (const auto& e : entries) EXPECT_GE(e->fired_at, e->deadline_);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(timer_wheel, next_expiration_is_never_late) {
  timer_wheel wheel;
  std::vector<std::uint64_t> log;
  recording_entry a, b;
  a.log = b.log = &log;
  a.wheel = b.wheel = &wheel;
  a.deadline_ = 5000;  // level 2
  b.deadline_ = 70;    // level 1
  ASSERT_TRUE(wheel.insert(a));
  ASSERT_TRUE(wheel.insert(b));
  auto next = wheel.next_expiration();
  ASSERT_TRUE(next.has_value());
  EXPECT_LE(*next, 70u);
  // Sleeping until each reported expiry reaches every deadline without firing early.
  while (auto n = wheel.next_expiration()) wheel.advance(*n);
  EXPECT_EQ(log, (std::vector<std::uint64_t>{70, 5000}));
  EXPECT_EQ(b.fired_at, 70u);
  EXPECT_EQ(a.fired_at, 5000u);
}

TEST(timer_wheel, cancel_unlinks_in_constant_time) {
  timer_wheel wheel;
  std::vector<std::uint64_t> log;
  recording_entry a, b, c;
  for (auto* e : {&a, &b, &c}) {
    e->log = &log;
    e->wheel = &wheel;
  }
  a.deadline_ = 10;
  b.deadline_ = 10;
  c.deadline_ = 100'000;
  ASSERT_TRUE(wheel.insert(a));
  ASSERT_TRUE(wheel.insert(b));
  ASSERT_TRUE(wheel.insert(c));
  wheel.cancel(a);
  wheel.cancel(c);
  EXPECT_FALSE(a.linked());
  EXPECT_EQ(wheel.size(), 1u);
  wheel.advance(200'000);
  EXPECT_EQ(log, (std::vector<std::uint64_t>{10}));
}

TEST(timer_wheel, past_deadline_is_rejected) {
  timer_wheel wheel(100);
  recording_entry e;
  e.deadline_ = 100;
  EXPECT_FALSE(wheel.insert(e));
  EXPECT_FALSE(e.linked());
}

TEST(timer_wheel, deadlines_beyond_the_wheel_span_wait_and_fire) {
  timer_wheel wheel;
  std::vector<std::uint64_t> log;
  recording_entry far, near;
  far.log = near.log = &log;
  far.wheel = near.wheel = &wheel;
  far.deadline_ = timer_wheel::block_ticks * 3 + 12345;
  near.deadline_ = 3;
  ASSERT_TRUE(wheel.insert(far));
  ASSERT_TRUE(wheel.insert(near));
  wheel.advance(timer_wheel::block_ticks * 3);
  EXPECT_EQ(log, (std::vector<std::uint64_t>{3}));
  wheel.advance(timer_wheel::block_ticks * 3 + 12344);
  EXPECT_EQ(log.size(), 1u);
  wheel.advance(timer_wheel::block_ticks * 3 + 12345);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(far.fired_at, far.deadline_);
}

struct rearming_entry : timer_entry {
  rearming_entry() : timer_entry(&on_fire) {}
  static void on_fire(timer_entry& e) noexcept {
    auto& self = static_cast<rearming_entry&>(e);
    ++self.count;
    if (self.count < 5) {
      self.deadline_ = self.wheel->elapsed() + 10;
      self.wheel->insert(self);
    }
  }
  timer_wheel* wheel = nullptr;
  int count = 0;
};

TEST(timer_wheel, a_callback_may_reinsert_its_entry) {
  timer_wheel wheel;
  rearming_entry e;
  e.wheel = &wheel;
  e.deadline_ = 10;
  ASSERT_TRUE(wheel.insert(e));
  for (std::uint64_t t = 0; t <= 100; ++t) wheel.advance(t);
  EXPECT_EQ(e.count, 5);
}

}  // namespace
