// when_all, when_any and scope: results, exceptions, structured cancellation, no lost message.

#include <kov/as_task.hpp>
#include <kov/mpsc.hpp>
#include <kov/runtime.hpp>
#include <kov/scope.hpp>
#include <kov/time.hpp>
#include <kov/when_all.hpp>
#include <kov/when_any.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace {

using namespace std::chrono_literals;

kov::task<int> after(int v, int yields) {
  for (int i = 0; i < yields; ++i) co_await kov::yield_now();
  co_return v;
}

kov::task<void> nothing() {
  co_return;
}

struct destroy_counter {
  int* n;
  explicit destroy_counter(int* c) : n(c) {}
  destroy_counter(destroy_counter&& o) noexcept : n(std::exchange(o.n, nullptr)) {}
  ~destroy_counter() {
    if (n != nullptr) ++*n;
  }
};

kov::task<int> forever(int* destroyed) {
  destroy_counter guard(destroyed);
  for (;;) co_await kov::sleep_for(1h);
}

TEST(when_all, yields_every_value) {
  kov::runtime rt;
  auto body = []() -> kov::task<int> {
    auto [a, b, c] = co_await kov::when_all(after(1, 3), after(2, 0), nothing());
    (void)c;
    co_return a * 10 + b;
  };
  EXPECT_EQ(rt.block_on(body()), 12);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(when_all, rethrows_after_all_finished) {
  kov::runtime rt;
  bool other_finished = false;
  auto thrower = []() -> kov::task<int> {
    co_await kov::yield_now();
    throw std::runtime_error("x");
  };
  auto slow = [](bool& f) -> kov::task<int> {
    for (int i = 0; i < 5; ++i) co_await kov::yield_now();
    f = true;
    co_return 1;
  };
  auto body = [&]() -> kov::task<void> {
    (void)co_await kov::when_all(thrower(), slow(other_finished));
  };
  EXPECT_THROW(rt.block_on(body()), std::runtime_error);
  EXPECT_TRUE(other_finished);
}

TEST(when_any, first_wins_and_losers_are_destroyed) {
  kov::runtime rt;
  int destroyed = 0;
  auto body = [&]() -> kov::task<std::size_t> {
    auto r = co_await kov::when_any(forever(&destroyed), after(7, 2), forever(&destroyed));
    EXPECT_EQ(destroyed, 2);  // both losers gone before when_any returned
    EXPECT_EQ(std::get<1>(r), 7);
    co_return r.index();
  };
  EXPECT_EQ(rt.block_on(body()), 1u);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(when_any, never_drops_a_message_a_losing_branch_was_woken_for) {
  kov::runtime rt;
  auto body = []() -> kov::task<int> {
    auto [tx1, rx1] = kov::mpsc<int>();
    auto [tx2, rx2] = kov::mpsc<int>();
    auto fire_both = [](kov::mpsc_sender<int>& a, kov::mpsc_sender<int>& b) -> kov::task<int> {
      co_await kov::yield_now();
      // Both receivers are parked; both are woken in the same turn. Whichever branch wins,
      // the other has been woken with a message ready.
      (void)a.send(1);
      (void)b.send(2);
      for (;;) co_await kov::sleep_for(1h);
    };
    auto r = co_await kov::when_any(rx1.recv(), rx2.recv(), fire_both(tx1, tx2));
    // The winner took its message; the loser's message is still queued.
    int total = r.index() == 0 ? std::get<0>(r).value() : std::get<1>(r).value();
    auto left1 = rx1.try_recv();
    auto left2 = rx2.try_recv();
    if (left1) total += *left1;
    if (left2) total += *left2;
    co_return total;
  };
  EXPECT_EQ(rt.block_on(body()), 3);
}

TEST(when_any, with_a_timer_branch) {
  kov::runtime rt;
  auto body = []() -> kov::task<std::size_t> {
    auto [tx, rx] = kov::mpsc<int>();
    auto r = co_await kov::when_any(rx.recv(), kov::as_task(kov::sleep_for(1ms)));
    co_return r.index();
  };
  EXPECT_EQ(rt.block_on(body()), 1u);
}

TEST(when_any, aborting_the_awaiter_aborts_every_branch) {
  kov::runtime rt;
  int destroyed = 0;
  auto racer = [](int* d) -> kov::task<void> {
    (void)co_await kov::when_any(forever(d), forever(d));
  };
  auto body = [&]() -> kov::task<void> {
    auto h = kov::spawn(racer(&destroyed));
    co_await kov::yield_now();
    co_await kov::yield_now();
    h.abort();
    EXPECT_EQ(destroyed, 2);
  };
  rt.block_on(body());
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(scope, join_waits_for_every_child) {
  kov::runtime rt;
  int done = 0;
  auto child = [](int& d, int yields) -> kov::task<void> {
    for (int i = 0; i < yields; ++i) co_await kov::yield_now();
    ++d;
  };
  auto body = [&]() -> kov::task<void> {
    kov::scope s;
    for (int i = 0; i < 5; ++i) s.spawn(child(done, i));
    EXPECT_EQ(s.size(), 5u);
    co_await s.join();
    EXPECT_EQ(s.size(), 0u);
  };
  rt.block_on(body());
  EXPECT_EQ(done, 5);
}

TEST(scope, leaving_the_scope_cancels_children) {
  kov::runtime rt;
  int destroyed = 0;
  auto child = [](int* d) -> kov::task<void> { (void)co_await forever(d); };
  auto body = [&]() -> kov::task<void> {
    {
      kov::scope s;
      s.spawn(child(&destroyed));
      s.spawn(child(&destroyed));
      co_await kov::yield_now();
      co_await kov::yield_now();
    }
    EXPECT_EQ(destroyed, 2);  // cancelled and destroyed when the scope closed
  };
  rt.block_on(body());
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(scope, aborting_the_owner_cancels_children) {
  kov::runtime rt;
  int destroyed = 0;
  auto owner = [](int* d) -> kov::task<void> {
    kov::scope s;
    auto child = [](int* dd) -> kov::task<void> { (void)co_await forever(dd); };
    s.spawn(child(d));
    co_await s.join();
  };
  auto body = [&]() -> kov::task<void> {
    auto h = kov::spawn(owner(&destroyed));
    co_await kov::yield_now();
    co_await kov::yield_now();
    h.abort();
    EXPECT_EQ(destroyed, 1);
  };
  rt.block_on(body());
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(scope, join_rethrows_a_child_exception) {
  kov::runtime rt;
  auto bad = []() -> kov::task<void> {
    co_await kov::yield_now();
    throw std::runtime_error("child");
  };
  auto body = [&]() -> kov::task<std::string> {
    kov::scope s;
    s.spawn(bad());
    s.spawn(nothing());
    try {
      co_await s.join();
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "";
  };
  EXPECT_EQ(rt.block_on(body()), "child");
}

}  // namespace
