// sleep_for, sleep_until, interval, timeout on a runtime. The tests of ordering and timeouts
// run on the paused test clock (exact, and no real waiting); the ones about the real clock (never
// early, the tick option, timers under load) assert no duration beyond "never early".

#include <kov/mpsc.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace {

using namespace std::chrono_literals;

// The test clock with auto-advance: time jumps to the next deadline whenever the runtime idles.
kov::runtime_options paused() {
  kov::runtime_options opts;
  opts.start_paused = true;
  return opts;
}

TEST(time, sleep_for_is_never_early) {
  kov::runtime rt;
  auto body = []() -> kov::task<bool> {
    const auto start = kov::clock::now();
    co_await kov::sleep_for(3ms);
    co_return kov::clock::now() - start >= 3ms;
  };
  EXPECT_TRUE(rt.block_on(body()));
}

TEST(time, sleepers_wake_in_deadline_order) {
  kov::runtime rt(paused());
  std::vector<int> order;
  auto sleeper = [](std::vector<int>& out, int id, std::chrono::milliseconds d) -> kov::task<void> {
    co_await kov::sleep_for(d);
    out.push_back(id);
  };
  auto body = [&]() -> kov::task<void> {
    auto a = kov::spawn(sleeper(order, 3, 9ms));
    auto b = kov::spawn(sleeper(order, 1, 1ms));
    auto c = kov::spawn(sleeper(order, 2, 5ms));
    (void)co_await a;
    (void)co_await b;
    (void)co_await c;
  };
  rt.block_on(body());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(time, sleep_until_in_the_past_completes) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<int> {
    co_await kov::sleep_until(kov::clock::now() - 1s);
    co_return 1;
  };
  EXPECT_EQ(rt.block_on(body()), 1);
}

TEST(time, fine_tick_is_configurable) {
  kov::runtime_options opts;
  opts.timer_tick = 100us;
  kov::runtime rt(opts);
  auto body = []() -> kov::task<bool> {
    const auto start = kov::clock::now();
    for (int i = 0; i < 10; ++i) co_await kov::sleep_for(200us);
    co_return kov::clock::now() - start >= 2ms;
  };
  EXPECT_TRUE(rt.block_on(body()));
}

TEST(time, interval_ticks_on_schedule_and_skips_missed_ticks) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<void> {
    const auto start = kov::clock::now();
    kov::interval iv(2ms, start);
    EXPECT_EQ(co_await iv.tick(), start);  // immediate
    EXPECT_EQ(co_await iv.tick(), start + 2ms);
    EXPECT_EQ(co_await iv.tick(), start + 4ms);
    EXPECT_EQ(kov::clock::now(), start + 4ms);
    co_await kov::time::advance(7ms);             // stall to 11 ms: ticks 6, 8 and 10 are missed
    EXPECT_EQ(co_await iv.tick(), start + 6ms);   // one late tick, not a burst
    EXPECT_EQ(co_await iv.tick(), start + 12ms);  // then back on the 2ms grid, after now
    EXPECT_EQ(kov::clock::now(), start + 12ms);
  };
  rt.block_on(body());
}

kov::task<int> slow(int v, std::chrono::milliseconds d) {
  co_await kov::sleep_for(d);
  co_return v;
}

TEST(time, timeout_returns_the_value_in_time) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<kov::result<int>> {
    co_return co_await kov::timeout(1s, slow(4, 1ms));
  };
  auto r = rt.block_on(body());
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 4);
}

TEST(time, timeout_expires_and_cancels_the_operation) {
  kov::runtime rt(paused());
  struct on_destroy {
    bool* flag;
    ~on_destroy() { *flag = true; }
  };
  bool destroyed = false;
  auto stuck = [](bool* d) -> kov::task<int> {
    on_destroy guard{d};
    co_await kov::sleep_for(1h);
    co_return 0;
  };
  auto body = [&]() -> kov::task<kov::result<int>> {
    auto r = co_await kov::timeout(2ms, stuck(&destroyed));
    EXPECT_TRUE(destroyed);  // the child was destroyed before timeout returned
    co_return r;
  };
  auto r = rt.block_on(body());
  EXPECT_EQ(r.error(), kov::errc::timed_out);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(time, timeout_on_a_plain_awaitable) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<kov::result<void>> {
    co_return co_await kov::timeout(1ms, kov::sleep_for(1h));
  };
  EXPECT_EQ(rt.block_on(body()).error(), kov::errc::timed_out);
}

TEST(time, timeout_on_recv_keeps_the_message_for_the_next_recv) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<int> {
    auto [tx, rx] = kov::mpsc<int>();
    auto first = co_await kov::timeout(1ms, rx.recv());
    EXPECT_EQ(first.error(), kov::errc::timed_out);
    (void)tx.send(9);
    auto second = co_await kov::timeout(1s, rx.recv());
    co_return second ? second->value() : -1;
  };
  EXPECT_EQ(rt.block_on(body()), 9);
}

TEST(time, timers_fire_while_the_run_queue_is_never_empty) {
  // A task that always yields keeps the queue busy; the sleeper must still wake, which it can
  // only do if timers are serviced at a bounded interval under load.
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    bool done = false;
    auto sleeper = [](bool& d) -> kov::task<void> {
      co_await kov::sleep_for(2ms);
      d = true;
    };
    auto h = kov::spawn(sleeper(done));
    while (!done) co_await kov::yield_now();
    (void)co_await h;
  };
  rt.block_on(body());
  SUCCEED();
}

}  // namespace
