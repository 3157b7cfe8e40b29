// cancellation_token: the tree (down, never up), cancelled() from this and other threads,
// callbacks (once, at once after cancel, deregistered by RAII) and aborted awaits.

#include <kov/runtime.hpp>
#include <kov/sync/cancellation_token.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

namespace {

kov::task<int> wait_for(kov::cancellation_token token, int& woken) {
  co_await token.cancelled();
  ++woken;
  co_return 1;
}

TEST(cancellation_token, cancelling_a_parent_cancels_children_but_not_the_reverse) {
  kov::cancellation_token root;
  auto a = root.child_token();
  auto b = root.child_token();
  auto a1 = a.child_token();
  a.cancel();
  EXPECT_TRUE(a.is_cancelled());
  EXPECT_TRUE(a1.is_cancelled());
  EXPECT_FALSE(root.is_cancelled());
  EXPECT_FALSE(b.is_cancelled());
  root.cancel();
  EXPECT_TRUE(b.is_cancelled());
  EXPECT_TRUE(root.child_token().is_cancelled());  // born cancelled
  kov::cancellation_token copy;
  copy = b;  // shares b's state
  EXPECT_TRUE(copy.is_cancelled());
}

TEST(cancellation_token, cancellation_reaches_ten_thousand_children_and_grandchildren) {
  kov::runtime rt;
  int woken = 0;
  int callbacks = 0;
  auto body = [&]() -> kov::task<void> {
    kov::cancellation_token root;
    std::vector<kov::cancellation_token> children;
    std::vector<kov::cancellation_token> grandchildren;
    for (std::size_t i = 0; i < 10'000; ++i) {
      children.push_back(root.child_token());
      grandchildren.push_back(children.back().child_token());
    }
    const auto count = [&callbacks] { ++callbacks; };
    std::vector<std::optional<kov::cancel_callback<decltype(count)>>> regs(10'000);
    for (std::size_t i = 0; i < 10'000; ++i) regs[i].emplace(grandchildren[i], count);
    std::vector<kov::join_handle<int>> waiters;
    for (std::size_t i = 0; i < 10'000; i += 100)
      waiters.push_back(kov::spawn(wait_for(grandchildren[i], woken)));
    co_await kov::yield_now();
    EXPECT_EQ(woken, 0);
    EXPECT_EQ(callbacks, 0);
    root.cancel();
    EXPECT_EQ(callbacks, 10'000);
    for (std::size_t i = 0; i < 10'000; ++i) {
      EXPECT_TRUE(children[i].is_cancelled());
      EXPECT_TRUE(grandchildren[i].is_cancelled());
    }
    for (auto& w : waiters) EXPECT_EQ((co_await w).value(), 1);
    EXPECT_EQ(woken, 100);
    root.cancel();  // a second cancel does nothing
    EXPECT_EQ(callbacks, 10'000);
  };
  rt.block_on(body());
}

TEST(cancellation_token, a_deep_chain_is_cancelled_without_recursion) {
  kov::cancellation_token root;
  std::vector<kov::cancellation_token> chain{root.child_token()};
  for (int i = 0; i < 100'000; ++i) chain.push_back(chain.back().child_token());
  root.cancel();
  EXPECT_TRUE(chain.back().is_cancelled());
  chain.clear();  // each drops its reference on its parent, also iteratively enough
}

TEST(cancellation_token, cancel_from_another_thread_wakes_the_awaiting_task) {
  for (int round = 0; round < 200; ++round) {
    kov::runtime rt;
    int written = 0;  // plain: the token's cancel must publish it
    auto body = [&]() -> kov::task<void> {
      kov::cancellation_token token;
      int woken = 0;
      auto h = kov::spawn(wait_for(token.child_token(), woken));
      if (round % 2 == 0) {
        co_await kov::yield_now();  // sometimes before the wait registers
      }
      std::thread t([token, &written] {
        written = 42;
        token.cancel();
      });
      EXPECT_EQ((co_await h).value(), 1);
      EXPECT_EQ(written, 42);
      EXPECT_TRUE(token.is_cancelled());
      t.join();
    };
    rt.block_on(body());
  }
}

TEST(cancellation_token, callbacks_run_once_in_order_and_drop_deregisters) {
  kov::cancellation_token token;
  std::vector<int> ran;
  auto first = [&ran] { ran.push_back(1); };
  auto second = [&ran] { ran.push_back(2); };
  auto dropped = [&ran] { ran.push_back(3); };
  auto r1 = token.on_cancel(first);
  auto r2 = token.on_cancel(second);
  { auto r3 = token.on_cancel(dropped); }
  token.cancel();
  token.cancel();
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
}

TEST(cancellation_token, a_callback_registered_after_cancel_runs_at_once) {
  kov::cancellation_token token;
  auto child = token.child_token();
  token.cancel();
  int ran = 0;
  auto count = [&ran] { ++ran; };
  auto reg = child.on_cancel(count);
  EXPECT_EQ(ran, 1);
  child.cancel();
  EXPECT_EQ(ran, 1);
}

TEST(cancellation_token, a_callback_may_use_the_token_and_deregister_itself) {
  kov::cancellation_token token;
  std::optional<kov::cancellation_token> made;
  std::optional<kov::cancel_callback<std::function<void()>>> reg;
  bool ran = false;
  reg.emplace(token, [&] {
    made = token.child_token();  // takes the lock the cancel released
    token.cancel();              // a nested cancel: nothing more to do
    ran = true;
    reg.reset();  // deregistering from inside: returns at once
  });
  token.cancel();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(made->is_cancelled());
}

TEST(cancellation_token, dropping_a_registration_waits_for_its_callback_on_another_thread) {
  kov::cancellation_token token;
  std::atomic<bool> started{false};
  std::atomic<bool> go{false};
  std::atomic<bool> finished{false};
  auto slow = [&] {
    started = true;
    while (!go) std::this_thread::yield();
    for (int i = 0; i < 1000; ++i) std::this_thread::yield();
    finished = true;
  };
  std::optional<kov::cancel_callback<decltype(slow)>> reg;
  reg.emplace(token, slow);
  std::thread t([token] { token.cancel(); });
  while (!started) std::this_thread::yield();
  go = true;
  reg.reset();  // must not return while the callback runs
  EXPECT_TRUE(finished);
  t.join();
}

TEST(cancellation_token, dropped_children_leave_their_parent) {
  kov::cancellation_token root;
  int ran = 0;
  auto count = [&ran] { ++ran; };
  for (int i = 0; i < 1000; ++i) {
    auto child = root.child_token();
    auto grandchild = child.child_token();
    auto reg = grandchild.on_cancel(count);
  }
  auto kept = root.child_token();
  auto reg = kept.on_cancel(count);
  root.cancel();  // touches only the live child (asan would see a freed one)
  EXPECT_EQ(ran, 1);
}

TEST(cancellation_token, aborting_a_task_awaiting_cancelled_leaves_the_token_consistent) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::cancellation_token token;
    int woken = 0;
    auto aborted = kov::spawn(wait_for(token, woken));
    auto kept = kov::spawn(wait_for(token, woken));
    co_await kov::yield_now();
    aborted.abort();  // withdraws its registration
    EXPECT_FALSE(token.is_cancelled());
    token.cancel();
    // Woken by the cancel, aborted before it ran again.
    auto late = kov::spawn(wait_for(token.child_token(), woken));
    EXPECT_EQ((co_await kept).value(), 1);
    EXPECT_EQ((co_await late).value(), 1);
    EXPECT_EQ(woken, 2);
    EXPECT_EQ((co_await aborted).error(), kov::errc::cancelled);

    kov::cancellation_token second;
    auto woken_then_aborted = kov::spawn(wait_for(second, woken));
    co_await kov::yield_now();
    second.cancel();
    woken_then_aborted.abort();
    EXPECT_EQ((co_await woken_then_aborted).error(), kov::errc::cancelled);
    co_await second.cancelled();  // still cancelled, and awaitable again
  };
  rt.block_on(body());
}

}  // namespace
