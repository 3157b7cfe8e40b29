// join_set: results in completion order, abort_all, abort on destruction, cancel-safe join_next.

#include <kov/join_set.hpp>
#include <kov/notify.hpp>
#include <kov/runtime.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace {

// Counts the frames destroyed (completed or aborted).
struct count_on_exit {
  int& n;
  ~count_on_exit() { ++n; }
};

kov::task<int> yield_then_return(int yields, int v) {
  for (int i = 0; i < yields; ++i) co_await kov::yield_now();
  co_return v;
}

kov::task<int> wait_forever(kov::event& never, int& exited) {
  const count_on_exit bump{exited};
  co_await never.wait();
  co_return 0;
}

TEST(join_set, results_come_in_completion_order) {
  kov::runtime rt;
  std::vector<int> order;
  auto body = [&]() -> kov::task<void> {
    kov::join_set<int> set;
    EXPECT_TRUE(set.is_empty());
    // Task i finishes after 10 - i yields: spawned 0..9, finished 9..0.
    for (int i = 0; i < 10; ++i) set.spawn(yield_then_return(10 - i, i));
    EXPECT_EQ(set.len(), 10u);
    while (auto r = co_await set.join_next()) order.push_back(r->value());
    EXPECT_TRUE(set.is_empty());
    EXPECT_FALSE((co_await set.join_next()).has_value());  // empty: nothing to wait for
  };
  rt.block_on(body());
  EXPECT_EQ(order, (std::vector<int>{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
}

TEST(join_set, finished_tasks_count_until_joined) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::join_set<int> set;
    set.spawn(yield_then_return(0, 1));
    set.spawn(yield_then_return(0, 2));
    co_await kov::yield_now();
    co_await kov::yield_now();
    EXPECT_EQ(set.len(), 2u);  // both finished, neither joined
    EXPECT_EQ((co_await set.join_next())->value(), 1);
    EXPECT_EQ(set.len(), 1u);
    EXPECT_EQ((co_await set.join_next())->value(), 2);
    EXPECT_EQ(set.len(), 0u);
  };
  rt.block_on(body());
}

TEST(join_set, destruction_aborts_every_task) {
  kov::runtime rt;
  kov::event never;
  int exited = 0;
  auto body = [&]() -> kov::task<void> {
    {
      kov::join_set<int> set;
      for (int i = 0; i < 100; ++i) set.spawn(wait_forever(never, exited));
      set.spawn(yield_then_return(0, 7));  // one finished, never joined
      co_await kov::yield_now();
      co_await kov::yield_now();
      EXPECT_EQ(exited, 0);
    }
    EXPECT_EQ(exited, 100);  // destructors ran before the set was gone
  };
  rt.block_on(body());
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(join_set, abort_all_reports_each_task_cancelled) {
  kov::runtime rt;
  kov::event never;
  int exited = 0;
  int cancelled = 0;
  auto body = [&]() -> kov::task<void> {
    kov::join_set<int> set;
    for (int i = 0; i < 5; ++i) set.spawn(wait_forever(never, exited));
    co_await kov::yield_now();
    set.abort_all();
    EXPECT_EQ(exited, 5);
    EXPECT_EQ(set.len(), 5u);
    while (auto r = co_await set.join_next()) {
      if (r->error() == kov::errc::cancelled) ++cancelled;
    }
  };
  rt.block_on(body());
  EXPECT_EQ(cancelled, 5);
}

TEST(join_set, aborted_join_next_loses_no_result) {
  kov::runtime rt;
  kov::event go;
  auto finish_on = [](kov::event& e, int v) -> kov::task<int> {
    co_await e.wait();
    co_return v;
  };
  auto joiner = [](kov::join_set<int>& s) -> kov::task<int> {
    auto r = co_await s.join_next();
    co_return r->value();
  };
  auto body = [&]() -> kov::task<void> {
    kov::join_set<int> set;
    set.spawn(finish_on(go, 1));
    set.spawn(finish_on(go, 2));
    auto j = kov::spawn(joiner(set));
    co_await kov::yield_now();
    go.set();
    // Both tasks finish; the joiner is woken but aborted before it ran.
    co_await kov::yield_now();
    j.abort();
    EXPECT_EQ(set.len(), 2u);
    int sum = 0;
    while (auto r = co_await set.join_next()) sum += r->value();
    EXPECT_EQ(sum, 3);
  };
  rt.block_on(body());
}

TEST(join_set, exception_is_rethrown_by_join_next) {
  kov::runtime rt;
  auto thrower = []() -> kov::task<void> {
    co_await kov::yield_now();
    throw std::runtime_error("boom");
  };
  auto body = [&]() -> kov::task<void> {
    kov::join_set<void> set;
    set.spawn(thrower());
    EXPECT_THROW((void)co_await set.join_next(), std::runtime_error);
    EXPECT_TRUE(set.is_empty());
  };
  rt.block_on(body());
}

}  // namespace
