// task<T>: laziness, results, exceptions, and a flat stack across long chains of awaits.

#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

kov::task<int> forty_two() {
  co_return 42;
}

kov::task<std::unique_ptr<int>> boxed(int v) {
  co_return std::make_unique<int>(v);
}

kov::task<void> throws() {
  throw std::runtime_error("boom");
  co_return;
}

kov::task<int> add_one(int v) {
  co_return v + 1;
}

// The deepest stack address seen by a synchronously completing task: if awaiting grew the
// stack, this would drift down (x86 stacks grow downwards) with every await.
std::uintptr_t lowest_frame = UINTPTR_MAX;

[[gnu::noinline]] void probe_stack() {
  volatile char marker = 0;
  auto here = reinterpret_cast<std::uintptr_t>(&marker);
  if (here < lowest_frame) lowest_frame = here;
}

kov::task<void> leaf() {
  probe_stack();
  co_return;
}

kov::task<std::uintptr_t> million_awaits() {
  probe_stack();
  const std::uintptr_t start = lowest_frame;
  for (int i = 0; i < 1'000'000; ++i) co_await leaf();
  co_return start - lowest_frame;
}

kov::task<int> recurse(int depth) {
  if (depth == 0) {
    probe_stack();
    co_return 0;
  }
  co_return 1 + co_await recurse(depth - 1);
}

TEST(task, is_lazy_until_awaited) {
  bool ran = false;
  auto body = [](bool& flag) -> kov::task<void> {
    flag = true;
    co_return;
  };
  kov::runtime rt;
  {
    auto t = body(ran);
    EXPECT_FALSE(ran);
    rt.block_on(std::move(t));
  }
  EXPECT_TRUE(ran);
}

TEST(task, value_reaches_the_awaiter) {
  kov::runtime rt;
  EXPECT_EQ(rt.block_on(forty_two()), 42);
  auto chained = []() -> kov::task<int> { co_return co_await add_one(co_await forty_two()); };
  EXPECT_EQ(rt.block_on(chained()), 43);
}

TEST(task, move_only_value) {
  kov::runtime rt;
  auto p = rt.block_on(boxed(7));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

TEST(task, exception_reaches_the_awaiter) {
  kov::runtime rt;
  auto catcher = []() -> kov::task<std::string> {
    try {
      co_await throws();
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "nothing thrown";
  };
  EXPECT_EQ(rt.block_on(catcher()), "boom");
  EXPECT_THROW(rt.block_on(throws()), std::runtime_error);
}

TEST(task, unawaited_task_is_destroyed_without_running) {
  struct flag_on_destroy {
    bool* flag;
    ~flag_on_destroy() { *flag = true; }
  };
  bool destroyed = false;
  bool ran = false;
  {
    auto body = [](flag_on_destroy f, bool& r) -> kov::task<void> {
      r = true;
      (void)f;
      co_return;
    };
    auto t = body(flag_on_destroy{&destroyed}, ran);
    destroyed = false;  // the temporary argument's destructor ran already
  }
  EXPECT_TRUE(destroyed);  // the frame's copy of the argument
  EXPECT_FALSE(ran);
}

TEST(task, million_synchronous_awaits_keep_the_stack_flat) {
  kov::runtime rt;
  lowest_frame = UINTPTR_MAX;
  const std::uintptr_t growth = rt.block_on(million_awaits());
  // Without symmetric transfer each await would add at least one frame (~32+ bytes), i.e.
  // tens of megabytes; a flat stack varies by a few frames at most.
  EXPECT_LT(growth, 4096u);
}

TEST(task, deep_recursion_unwinds_without_growing_the_stack) {
  kov::runtime rt;
  lowest_frame = UINTPTR_MAX;
  std::uintptr_t top = 0;
  {
    volatile char marker = 0;
    top = reinterpret_cast<std::uintptr_t>(&marker);
  }
  EXPECT_EQ(rt.block_on(recurse(100'000)), 100'000);
  EXPECT_LT(top - lowest_frame, std::uintptr_t{64} * 1024);
}

}  // namespace
