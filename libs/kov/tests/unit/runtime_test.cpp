// runtime: block_on, spawn/join, detach, abort, yield_now, FIFO order, the cooperative budget.

#include <kov/runtime.hpp>
#include <kov/waker.hpp>

#include <gtest/gtest.h>

#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

kov::task<int> value(int v) {
  co_return v;
}

TEST(runtime, spawn_and_join) {
  kov::runtime rt;
  auto main_task = []() -> kov::task<int> {
    auto h = kov::spawn(value(5));
    auto r = co_await h;
    co_return r.value() * 2;
  };
  EXPECT_EQ(rt.block_on(main_task()), 10);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(runtime, tasks_run_in_fifo_order) {
  kov::runtime rt;
  std::vector<int> order;
  auto record = [](std::vector<int>& out, int id) -> kov::task<void> {
    out.push_back(id);
    co_await kov::yield_now();
    out.push_back(id + 10);
  };
  auto main_task = [&]() -> kov::task<void> {
    auto a = kov::spawn(record(order, 1));
    auto b = kov::spawn(record(order, 2));
    auto c = kov::spawn(record(order, 3));
    (void)co_await a;
    (void)co_await b;
    (void)co_await c;
  };
  rt.block_on(main_task());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 11, 12, 13}));
}

TEST(runtime, detached_task_still_runs) {
  kov::runtime rt;
  int ran = 0;
  auto child = [](int& r) -> kov::task<void> {
    co_await kov::yield_now();
    ++r;
  };
  auto main_task = [&]() -> kov::task<void> {
    kov::spawn(child(ran)).detach();
    for (int i = 0; i < 3; ++i) co_await kov::yield_now();
  };
  rt.block_on(main_task());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

struct count_destructor {
  int* count;
  explicit count_destructor(int* c) : count(c) {}
  count_destructor(count_destructor&& o) noexcept : count(std::exchange(o.count, nullptr)) {}
  ~count_destructor() {
    if (count != nullptr) ++*count;
  }
};

TEST(runtime, abort_destroys_a_suspended_task_and_runs_destructors) {
  kov::runtime rt;
  int destroyed = 0;
  bool reached_end = false;
  auto victim = [](int* d, bool& end) -> kov::task<int> {
    count_destructor guard(d);
    for (int i = 0; i < 1000; ++i) co_await kov::yield_now();
    end = true;
    co_return 1;
  };
  auto main_task = [&]() -> kov::task<std::error_code> {
    auto h = kov::spawn(victim(&destroyed, reached_end));
    co_await kov::yield_now();
    co_await kov::yield_now();
    h.abort();
    EXPECT_EQ(destroyed, 1);  // synchronously, before abort() returned
    auto r = co_await h;
    co_return r.error();
  };
  EXPECT_EQ(rt.block_on(main_task()), kov::errc::cancelled);
  EXPECT_FALSE(reached_end);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(runtime, self_abort_takes_effect_at_the_next_suspension) {
  kov::runtime rt;
  int after = 0;
  kov::join_handle<void> self;
  auto victim = [](kov::join_handle<void>& me, int& steps) -> kov::task<void> {
    co_await kov::yield_now();
    me.abort();
    ++steps;  // still running: cancellation is delivered when it next suspends
    co_await kov::yield_now();
    ++steps;
  };
  auto main_task = [&]() -> kov::task<void> {
    self = kov::spawn(victim(self, after));
    while (!self.is_finished()) co_await kov::yield_now();
  };
  rt.block_on(main_task());
  EXPECT_EQ(after, 1);
  self.detach();
}

TEST(runtime, join_rethrows_the_task_exception) {
  kov::runtime rt;
  auto thrower = []() -> kov::task<int> {
    co_await kov::yield_now();
    throw std::logic_error("bad");
  };
  auto main_task = [&]() -> kov::task<std::string> {
    auto h = kov::spawn(thrower());
    try {
      (void)co_await h;
    } catch (const std::logic_error& e) {
      co_return e.what();
    }
    co_return "";
  };
  EXPECT_EQ(rt.block_on(main_task()), "bad");
}

TEST(runtime, void_task_exception_survives_until_joined) {
  kov::runtime rt;
  auto thrower = []() -> kov::task<void> {
    throw std::logic_error("late");
    co_return;
  };
  auto quiet = []() -> kov::task<void> { co_return; };
  auto main_task = [&]() -> kov::task<std::string> {
    auto bad = kov::spawn(thrower());
    auto good = kov::spawn(quiet());
    for (int i = 0; i < 3; ++i) co_await kov::yield_now();  // both finished long ago
    EXPECT_TRUE(bad.is_finished());
    EXPECT_TRUE(good.is_finished());
    EXPECT_TRUE((co_await good).has_value());  // its frame was recycled at completion
    try {
      (void)co_await bad;
    } catch (const std::logic_error& e) {
      co_return e.what();
    }
    co_return "";
  };
  EXPECT_EQ(rt.block_on(main_task()), "late");
}

TEST(runtime, an_always_ready_task_cannot_starve_others) {
  kov::runtime rt;
  // `spinner` never awaits anything that suspends by itself; only the budget sends it to the
  // back of the queue. `other` must still get to run and stop it.
  bool stop = false;
  auto spinner = [](bool& s) -> kov::task<int> {
    int spins = 0;
    while (!s) {
      co_await value(1);  // completes synchronously
      if (!kov::detail::coop_proceed()) co_await kov::yield_now();
      ++spins;
    }
    co_return spins;
  };
  auto other = [](bool& s) -> kov::task<void> {
    s = true;
    co_return;
  };
  auto main_task = [&]() -> kov::task<int> {
    auto a = kov::spawn(spinner(stop));
    auto b = kov::spawn(other(stop));
    co_return (co_await a).value();
  };
  EXPECT_GT(rt.block_on(main_task()), 0);
}

TEST(runtime, wake_after_completion_is_harmless) {
  kov::runtime rt;
  kov::waker kept;
  auto child = [](kov::waker& out) -> kov::task<void> {
    out = kov::waker::current();
    co_return;
  };
  auto main_task = [&]() -> kov::task<void> {
    (void)co_await kov::spawn(child(kept));
    kept.wake();
    kept.wake();
  };
  rt.block_on(main_task());
  kept.wake();
  EXPECT_TRUE(kept.valid());
}

// Suspends with no wake registered: only an explicit waker brings the task back.
struct park {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

TEST(runtime, repeated_wakes_resume_a_task_once) {
  kov::runtime rt;
  int resumed = 0;
  kov::waker w;
  auto sleeper = [](kov::waker& out, int& r) -> kov::task<void> {
    out = kov::waker::current();
    for (;;) {
      co_await park{};
      ++r;
    }
  };
  auto body = [&]() -> kov::task<void> {
    auto h = kov::spawn(sleeper(w, resumed));
    co_await kov::yield_now();  // the sleeper parks
    w.wake();
    w.wake();
    w.wake();
    for (int i = 0; i < 5; ++i) co_await kov::yield_now();
    EXPECT_EQ(resumed, 1);
    w.wake();
    for (int i = 0; i < 5; ++i) co_await kov::yield_now();
    EXPECT_EQ(resumed, 2);
    h.abort();
  };
  rt.block_on(body());
}

TEST(runtime, cross_thread_wakes_are_serviced_while_the_queue_is_never_empty) {
  // The main task never stops yielding; the parked task can only be woken through the inject
  // channel, which the runtime must drain at a bounded interval even under this load.
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    bool woke = false;
    kov::remote_waker remote;
    auto parked = [](bool& w, kov::remote_waker& out) -> kov::task<void> {
      out = kov::waker::current().to_remote();
      co_await park{};
      w = true;
    };
    auto h = kov::spawn(parked(woke, remote));
    co_await kov::yield_now();  // let it park and publish its waker
    std::thread t([r = remote] { r.wake(); });
    while (!woke) co_await kov::yield_now();
    t.join();
    (void)co_await h;
  };
  rt.block_on(body());
  SUCCEED();
}

TEST(runtime, names_its_reactor_backend) {
  kov::runtime_options epoll;
  epoll.backend = kov::io_backend::epoll;
  EXPECT_STREQ(kov::runtime(epoll).core().reactor().name(), "epoll");
  kov::runtime_options uring;
  uring.backend = kov::io_backend::io_uring;
  try {
    EXPECT_STREQ(kov::runtime(uring).core().reactor().name(), "io_uring");
  } catch (const std::system_error& e) {
    // Forcing an unavailable backend is an error that says why.
    EXPECT_NE(std::string(e.what()).find("io_uring"), std::string::npos);
  }
  const std::string automatic = kov::runtime().core().reactor().name();
  EXPECT_TRUE(automatic == "epoll" || automatic == "io_uring") << automatic;
}

TEST(runtime, waker_outliving_its_runtime_is_safe) {
  kov::waker local;
  kov::remote_waker remote;
  {
    kov::runtime rt;
    auto sleeper = [](kov::waker& l, kov::remote_waker& r) -> kov::task<void> {
      l = kov::waker::current();
      r = l.to_remote();
      for (;;) co_await kov::yield_now();
    };
    auto main_task = [&]() -> kov::task<void> {
      kov::spawn(sleeper(local, remote)).detach();
      co_await kov::yield_now();
      co_await kov::yield_now();
    };
    rt.block_on(main_task());
    EXPECT_EQ(rt.live_tasks(), 1u);
  }
  local.wake();
  remote.wake();
  SUCCEED();
}

TEST(runtime, dropping_the_runtime_destroys_pending_tasks) {
  int destroyed = 0;
  {
    kov::runtime rt;
    auto pending = [](int* d) -> kov::task<void> {
      count_destructor guard(d);
      for (;;) co_await kov::yield_now();
    };
    auto h = rt.spawn(pending(&destroyed));
    rt.block_on([]() -> kov::task<void> { co_await kov::yield_now(); }());
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 1);
}

}  // namespace
