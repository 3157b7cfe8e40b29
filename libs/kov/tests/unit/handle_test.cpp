// kov::handle: tasks spawned and functions posted from other threads run once each on the
// runtime's thread; a handle that outlives its runtime fails with errc::closed.

#include <kov/handle.hpp>
#include <kov/oneshot.hpp>
#include <kov/runtime.hpp>

#include "tracked.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using kov_test::tracked;

TEST(handle, four_threads_spawn_ten_thousand_tasks_each_and_every_one_runs_once) {
  constexpr std::size_t threads = 4;
  constexpr std::size_t per_thread = 10'000;
  constexpr std::size_t total = threads * per_thread;
  kov::runtime rt;
  const kov::handle h = rt.handle();
  const std::thread::id runtime_thread = std::this_thread::get_id();
  std::vector<int> runs(total, 0);  // touched only on the runtime's thread
  std::size_t finished = 0;
  int foreign = 0;
  // Not a structured binding: Clang 14 cannot capture one in a lambda.
  auto channel = kov::oneshot<std::size_t>();
  kov::oneshot_receiver<std::size_t>& done_rx = channel.second;
  std::optional<kov::oneshot_sender<std::size_t>> done(std::move(channel.first));

  auto one = [&](std::size_t id) -> kov::task<void> {
    ++runs[id];
    if (std::this_thread::get_id() != runtime_thread) ++foreign;
    if (++finished == total) (void)done->send(finished);
    co_return;
  };
  std::vector<std::thread> spawners;
  for (std::size_t t = 0; t < threads; ++t) {
    spawners.emplace_back([&, h, t] {  // each thread its own copy of the handle
      for (std::size_t i = 0; i < per_thread; ++i) ASSERT_TRUE(h.spawn(one(t * per_thread + i)));
    });
  }
  auto main_task = [&]() -> kov::task<std::size_t> { co_return (co_await done_rx).value(); };
  EXPECT_EQ(rt.block_on(main_task()), total);
  for (auto& s : spawners) s.join();
  EXPECT_EQ(foreign, 0);
  for (std::size_t id = 0; id < total; ++id) ASSERT_EQ(runs[id], 1) << "task " << id;
}

TEST(handle, post_runs_functions_on_the_runtime_thread_in_order) {
  kov::runtime rt;
  const kov::handle h = rt.handle();
  const std::thread::id runtime_thread = std::this_thread::get_id();
  std::vector<int> order;
  bool all_on_runtime_thread = true;
  auto channel = kov::oneshot<int>();
  kov::oneshot_receiver<int>& done_rx = channel.second;
  std::optional<kov::oneshot_sender<int>> done(std::move(channel.first));
  std::thread poster([&] {
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(h.post([&, i] {
        all_on_runtime_thread &= std::this_thread::get_id() == runtime_thread;
        order.push_back(i);
        if (i == 99) (void)done->send(i);
      }));
    }
  });
  auto main_task = [&]() -> kov::task<int> { co_return (co_await done_rx).value(); };
  EXPECT_EQ(rt.block_on(main_task()), 99);
  poster.join();
  EXPECT_TRUE(all_on_runtime_thread);
  ASSERT_EQ(order.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(order[i], static_cast<int>(i));
}

TEST(handle, current_is_the_running_runtime_and_no_runtime_outside) {
  kov::runtime rt;
  auto main_task = []() -> kov::task<int> {
    int ran = 0;
    auto [tx, rx] = kov::oneshot<int>();
    std::optional<kov::oneshot_sender<int>> sender(std::move(tx));
    EXPECT_TRUE(kov::handle::current().post([&] {
      ran = 1;
      (void)sender->send(2);
    }));
    const int sent = (co_await rx).value();  // first: `ran` is set by then
    co_return ran + sent;
  };
  EXPECT_EQ(rt.block_on(main_task()), 3);
  EXPECT_THROW((void)kov::handle::current(), std::system_error);
  EXPECT_EQ(kov::handle().post([] {}).error(), kov::errc::no_runtime);
}

TEST(handle, a_posted_function_that_throws_does_not_stop_later_posts) {
  kov::runtime rt;
  const kov::handle h = rt.handle();
  auto channel = kov::oneshot<int>();
  kov::oneshot_receiver<int>& rx = channel.second;
  std::optional<kov::oneshot_sender<int>> done(std::move(channel.first));
  ASSERT_TRUE(h.post([] { throw std::runtime_error("posted work failed"); }));
  ASSERT_TRUE(h.post([&] { (void)done->send(1); }));
  auto main_task = [&]() -> kov::task<int> { co_return (co_await rx).value(); };
  EXPECT_EQ(rt.block_on(main_task()), 1);
}

kov::task<void> never_runs(tracked, bool& ran) {
  ran = true;
  co_return;
}

TEST(handle, outliving_its_runtime_returns_closed_and_drops_the_work) {
  std::atomic<int> live{0};
  bool ran = false;
  auto rt = std::make_unique<kov::runtime>();
  const kov::handle h = rt->handle();
  // Queued but never run: the runtime goes before any block_on.
  ASSERT_TRUE(h.post([&, keep = tracked(live)] { ran = true; }));
  ASSERT_TRUE(h.spawn(never_runs(tracked(live), ran)));
  EXPECT_EQ(live.load(), 2);
  rt.reset();
  EXPECT_EQ(live.load(), 0);  // what was queued is destroyed with the runtime

  EXPECT_EQ(h.post([&, keep = tracked(live)] { ran = true; }).error(), kov::errc::closed);
  EXPECT_EQ(h.spawn(never_runs(tracked(live), ran)).error(), kov::errc::closed);
  EXPECT_EQ(live.load(), 0);
  EXPECT_FALSE(ran);
}

}  // namespace
