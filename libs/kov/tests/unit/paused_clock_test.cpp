// The test clock: a paused runtime's clock moves only by kov::time::advance and auto-advance;
// advance fires due timers in deadline order; interval's missed-tick behaviours under a task
// that stalls; a million timers through an hour of virtual time.

#include <kov/mpsc.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using namespace std::chrono_literals;

kov::runtime_options paused(bool auto_advance = true) {
  kov::runtime_options opts;
  opts.start_paused = true;
  opts.auto_advance = auto_advance;
  return opts;
}

TEST(paused_clock, stands_still_until_advanced) {
  kov::runtime rt(paused(false));
  auto body = []() -> kov::task<void> {
    EXPECT_TRUE(kov::time::is_paused());
    const auto start = kov::time::now();
    for (int i = 0; i < 10; ++i) co_await kov::yield_now();
    EXPECT_EQ(kov::time::now(), start);
    co_await kov::time::advance(10s);
    EXPECT_EQ(kov::time::now() - start, 10s);
    co_await kov::time::advance(250ms);
    EXPECT_EQ(kov::clock::now() - start, 10250ms);
  };
  rt.block_on(body());
}

TEST(paused_clock, a_runtime_without_it_reads_the_steady_clock) {
  kov::runtime rt;
  auto body = []() -> kov::task<bool> {
    const auto before = std::chrono::steady_clock::now();
    const auto now = kov::time::now();
    co_return !kov::time::is_paused() && now >= before && now <= std::chrono::steady_clock::now();
  };
  EXPECT_TRUE(rt.block_on(body()));
}

TEST(paused_clock, advance_fires_due_timers_in_deadline_order_and_runs_them_first) {
  kov::runtime rt(paused(false));
  std::vector<int> order;
  auto sleeper = [](std::vector<int>& out, int ms) -> kov::task<void> {
    co_await kov::sleep_for(std::chrono::milliseconds(ms));
    out.push_back(ms);
  };
  auto body = [&]() -> kov::task<void> {
    auto a = kov::spawn(sleeper(order, 30));
    auto b = kov::spawn(sleeper(order, 10));
    auto c = kov::spawn(sleeper(order, 50));
    auto d = kov::spawn(sleeper(order, 20));
    co_await kov::yield_now();  // every sleeper armed its timer
    co_await kov::time::advance(25ms);
    // The woken sleepers ran before advance returned; the later ones still wait.
    EXPECT_EQ(order, (std::vector<int>{10, 20}));
    co_await kov::time::advance(24ms);  // 49 ms: one short of the last
    EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
    co_await kov::time::advance(1ms);
    EXPECT_EQ(order, (std::vector<int>{10, 20, 30, 50}));
    (void)co_await a;
    (void)co_await b;
    (void)co_await c;
    (void)co_await d;
  };
  rt.block_on(body());
}

TEST(paused_clock, auto_advance_jumps_to_the_next_deadline) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<void> {
    const auto start = kov::time::now();
    co_await kov::sleep_for(1h);
    EXPECT_EQ(kov::time::now() - start, 1h);
    co_await kov::sleep_until(start + 2h + 3ms);
    EXPECT_EQ(kov::time::now() - start, 2h + 3ms);
  };
  rt.block_on(body());
}

TEST(paused_clock, a_thirty_minute_timeout_finishes_in_milliseconds) {
  const auto real_start = std::chrono::steady_clock::now();
  kov::runtime_options opts;
  opts.start_paused = true;
  kov::runtime rt(opts);
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::mpsc<int>();  // nothing is ever sent
    const auto start = kov::clock::now();
    auto r = co_await kov::timeout(30min, rx.recv());
    EXPECT_EQ(r.error(), kov::errc::timed_out);
    EXPECT_EQ(kov::clock::now() - start, 30min);
  };
  rt.block_on(body());
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 5s);
}

// One timer straight on the runtime's wheel: a million sleeping tasks would cost a frame each.
struct recorded_timer : kov::detail::timer_entry {
  recorded_timer() : timer_entry(&on_fire) {}
  static void on_fire(timer_entry& e) noexcept {
    auto& self = static_cast<recorded_timer&>(e);
    ++self.fired;
    self.fired_at = kov::clock::now();
    self.log->push_back(&self);
  }
  kov::clock::time_point deadline;
  kov::clock::time_point fired_at;
  int fired = 0;
  std::vector<recorded_timer*>* log = nullptr;
};

TEST(paused_clock, a_million_timers_through_an_hour_fire_once_in_deadline_order) {
  const std::size_t count = 1'000'000;
  kov::runtime rt(paused(false));
  std::vector<recorded_timer> timers(count);
  std::vector<recorded_timer*> log;
  log.reserve(count);
  auto body = [&]() -> kov::task<void> {
    std::mt19937_64 rng(16);
    const auto start = kov::clock::now();
    for (recorded_timer& t : timers) {
      // 1 ns to 1 h after start (a timer due now would not be inserted).
      t.deadline =
          start + std::chrono::nanoseconds(1 + rng() % std::chrono::nanoseconds(1h).count());
      t.log = &log;
      EXPECT_TRUE(kov::detail::current_runtime()->add_timer(t, t.deadline));
    }
    // Steps of 0 to 20 s: several timers per tick, cascades from every level in use.
    while (kov::clock::now() - start <= 1h + 1ms) {
      co_await kov::time::advance(std::chrono::milliseconds(rng() % 20'000));
    }
    EXPECT_EQ(kov::detail::current_runtime()->timer_count(), 0u);
  };
  rt.block_on(body());

  ASSERT_EQ(log.size(), count);
  std::size_t out_of_order = 0;
  std::size_t wrong_count = 0;
  std::size_t early = 0;
  for (std::size_t i = 0; i < count; ++i) {
    // The wheel orders by tick (1 ms): a timer never fires before one of an earlier tick.
    if (i > 0 && log[i - 1]->deadline_ > log[i]->deadline_) ++out_of_order;
    if (log[i]->fired_at < log[i]->deadline) ++early;
  }
  for (const recorded_timer& t : timers) {
    if (t.fired != 1) ++wrong_count;
  }
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(early, 0u);
  EXPECT_EQ(wrong_count, 0u);
}

// Ticks every 10 ms from `start`; the consumer stalls for 25 ms after the first tick. Returns
// (scheduled instant, time handed out) in ms after start for the five ticks.
kov::task<std::vector<std::pair<int, int>>> stalled_ticks(kov::missed_tick missed) {
  const auto start = kov::clock::now();
  kov::interval iv(10ms, start, missed);
  auto ms = [&](kov::clock::time_point t) {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(t - start).count());
  };
  std::vector<std::pair<int, int>> got;
  for (int i = 0; i < 5; ++i) {
    const kov::clock::time_point at = co_await iv.tick();
    got.emplace_back(ms(at), ms(kov::clock::now()));
    if (i == 0) co_await kov::time::advance(25ms);  // the stall: ticks 10 and 20 are missed
  }
  co_return got;
}

using ticks = std::vector<std::pair<int, int>>;

void expect_stalled_ticks(kov::missed_tick missed, const ticks& expected) {
  kov::runtime rt(paused());
  EXPECT_EQ(rt.block_on(stalled_ticks(missed)), expected);
}

TEST(paused_clock, interval_burst_catches_up_at_once) {
  expect_stalled_ticks(kov::missed_tick::burst, {{0, 0}, {10, 25}, {20, 25}, {30, 30}, {40, 40}});
}

TEST(paused_clock, interval_delay_restarts_the_schedule_from_the_late_tick) {
  expect_stalled_ticks(kov::missed_tick::delay, {{0, 0}, {10, 25}, {35, 35}, {45, 45}, {55, 55}});
}

TEST(paused_clock, interval_skip_drops_the_missed_ticks) {
  expect_stalled_ticks(kov::missed_tick::skip, {{0, 0}, {10, 25}, {30, 30}, {40, 40}, {50, 50}});
}

TEST(paused_clock, an_abandoned_tick_is_not_lost) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<void> {
    const auto start = kov::clock::now();
    kov::interval iv(1s, start + 1s);
    auto r = co_await kov::timeout(300ms, iv.tick());
    EXPECT_EQ(r.error(), kov::errc::timed_out);
    EXPECT_EQ(iv.next_tick(), start + 1s);
    EXPECT_EQ(co_await iv.tick(), start + 1s);
    EXPECT_EQ(kov::clock::now(), start + 1s);
  };
  rt.block_on(body());
}

}  // namespace
