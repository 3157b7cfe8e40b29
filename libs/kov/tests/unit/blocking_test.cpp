// spawn_blocking: every result of many jobs delivered once, the pool growing to its limit and
// shrinking after the keep-alive, a job that throws, an abort while the job runs, and the
// runtime destroyed with jobs queued and running. Also the example of docs/kov.md.

#include <kov/blocking.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "tracked.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

// A door pool threads wait at until the test opens it.
class gate {
 public:
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

using kov_test::tracked;

// Waits (in a task, letting the runtime run) until `done()` holds; false after 10 s.
template <class Done>
kov::task<bool> eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    co_await kov::sleep_for(1ms);
  }
  co_return true;
}

// --- the example of docs/kov.md ("Blocking work and kov::handle") ---
std::size_t count_words(const std::string& text) {  // stands for any slow, blocking call
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool letter = c != ' ';
    words += (letter && !in_word) ? 1 : 0;
    in_word = letter;
  }
  return words;
}

kov::task<std::size_t> words_in(std::string text) {
  // Started now, on a pool thread; this task goes on until it awaits the handle.
  auto job = kov::spawn_blocking([text = std::move(text)] { return count_words(text); });
  kov::result<std::size_t> n = co_await job;  // or rethrows what count_words threw
  co_return n.value();
}
// --- end of the example ---

TEST(blocking, docs_example) {
  kov::runtime rt;
  EXPECT_EQ(rt.block_on(words_in("one blocking call per job")), 5u);
}

TEST(blocking, ten_thousand_jobs_from_hundred_tasks_deliver_every_result_once) {
  constexpr std::size_t tasks = 100;
  constexpr std::size_t per_task = 100;
  kov::runtime_options options;
  options.max_blocking_threads = 8;
  kov::runtime rt(options);
  std::vector<std::atomic<int>> ran(tasks * per_task);
  std::vector<int> delivered(tasks * per_task, 0);

  auto submitter = [&](std::size_t t) -> kov::task<void> {
    for (std::size_t i = 0; i < per_task; ++i) {
      const std::size_t id = t * per_task + i;
      kov::result<std::size_t> r = co_await kov::spawn_blocking([&ran, id] {
        ran[id].fetch_add(1);
        return id;
      });
      ++delivered[r.value()];
    }
  };
  auto main_task = [&]() -> kov::task<void> {
    std::vector<kov::join_handle<void>> all;
    for (std::size_t t = 0; t < tasks; ++t) all.push_back(kov::spawn(submitter(t)));
    for (auto& h : all) (co_await h).value();
  };
  rt.block_on(main_task());
  for (std::size_t id = 0; id < tasks * per_task; ++id) {
    ASSERT_EQ(ran[id].load(), 1) << "job " << id;
    ASSERT_EQ(delivered[id], 1) << "job " << id;
  }
  EXPECT_LE(rt.blocking_threads(), 8u);
}

TEST(blocking, pool_grows_to_its_limit_and_shrinks_after_keep_alive) {
  constexpr int limit = 4;
  constexpr int jobs = 8;
  kov::runtime_options options;
  options.max_blocking_threads = limit;
  options.blocking_keep_alive = 300ms;
  kov::runtime rt(options);
  EXPECT_EQ(rt.blocking_threads(), 0u);  // lazily started

  gate release;
  std::atomic<int> running{0};
  std::atomic<int> most_running{0};
  auto job = [&] {
    const int now = running.fetch_add(1) + 1;
    int seen = most_running.load();
    while (seen < now && !most_running.compare_exchange_weak(seen, now)) {
    }
    release.wait();
    running.fetch_sub(1);
    return now;
  };

  auto main_task = [&]() -> kov::task<void> {
    std::vector<kov::blocking_handle<int>> handles;
    for (int i = 0; i < jobs; ++i) handles.push_back(kov::spawn_blocking(job));
    // Every thread the limit allows is busy, the rest of the jobs queued behind them.
    EXPECT_TRUE(co_await eventually([&] { return running.load() == limit; }));
    EXPECT_EQ(rt.blocking_threads(), static_cast<std::size_t>(limit));
    const auto released_at = std::chrono::steady_clock::now();
    release.open();
    for (auto& h : handles) EXPECT_LE((co_await h).value(), limit);
    if (std::chrono::steady_clock::now() - released_at < options.blocking_keep_alive / 2) {
      EXPECT_EQ(rt.blocking_threads(), static_cast<std::size_t>(limit));  // idle, not gone
    }
    // Idle threads leave once the keep-alive has passed since they went idle.
    EXPECT_TRUE(co_await eventually([&] { return rt.blocking_threads() == 0; }));
    EXPECT_GE(std::chrono::steady_clock::now() - released_at, options.blocking_keep_alive);
    // The pool starts over on demand.
    EXPECT_EQ((co_await kov::spawn_blocking([] { return 7; })).value(), 7);
    EXPECT_EQ(rt.blocking_threads(), 1u);
  };
  rt.block_on(main_task());
  EXPECT_EQ(most_running.load(), limit);
}

TEST(blocking, a_job_that_throws_rethrows_in_the_awaiting_task) {
  kov::runtime rt;
  auto main_task = []() -> kov::task<std::string> {
    std::string what;
    try {
      (void)co_await kov::spawn_blocking([]() -> int { throw std::runtime_error("parse failed"); });
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    // The pool goes on serving (the thread that ran the throwing job included).
    kov::result<void> after = co_await kov::spawn_blocking([] {});
    EXPECT_TRUE(after.has_value());
    co_return what;
  };
  EXPECT_EQ(rt.block_on(main_task()), "parse failed");
}

TEST(blocking, abort_while_running_drops_the_result_on_the_pool_thread) {
  kov::runtime rt;
  gate started;
  gate release;
  std::atomic<int> live_results{0};
  std::atomic<bool> finished{false};
  bool resumed = false;

  auto waiter = [&]() -> kov::task<void> {
    kov::result<tracked> r = co_await kov::spawn_blocking([&] {
      started.open();
      release.wait();
      tracked out(live_results);
      finished.store(true);
      return out;
    });
    resumed = true;
  };
  auto main_task = [&]() -> kov::task<void> {
    kov::join_handle<void> h = kov::spawn(waiter());
    co_await kov::yield_now();  // the waiter submits its job and suspends
    started.wait();
    h.abort();  // the task goes now; the running function cannot be stopped
    EXPECT_TRUE(h.is_finished());
    EXPECT_EQ(rt.live_tasks(), 1u);  // main_task alone
    release.open();
    // The function returns; its result finds nobody waiting and is destroyed.
    EXPECT_TRUE(co_await eventually([&] { return finished.load() && live_results.load() == 0; }));
    EXPECT_FALSE((co_await h).has_value());  // errc::cancelled
  };
  rt.block_on(main_task());
  EXPECT_FALSE(resumed);
  EXPECT_EQ(live_results.load(), 0);
}

TEST(blocking, runtime_destroyed_drops_queued_jobs_and_waits_for_running_ones) {
  kov::runtime_options options;
  options.max_blocking_threads = 1;
  auto rt = std::make_unique<kov::runtime>(options);
  gate started;
  gate release;
  std::atomic<bool> running_job_returned{false};
  std::atomic<int> queued_ran{0};
  std::atomic<int> live_captures{0};

  auto running = [&]() -> kov::task<void> {
    (void)co_await kov::spawn_blocking([&] {
      started.open();
      release.wait();
      running_job_returned.store(true);
    });
  };
  auto queued = [&]() -> kov::task<void> {
    // A statement of its own: the closure given to spawn_blocking is gone before the await.
    auto job = kov::spawn_blocking([&, capture = tracked(live_captures)] { queued_ran++; });
    (void)co_await job;
  };
  auto main_task = [&]() -> kov::task<void> {
    kov::spawn(running()).detach();
    for (int i = 0; i < 4; ++i) kov::spawn(queued()).detach();
    co_await kov::yield_now();  // every task has submitted its job
    started.wait();             // the one pool thread runs the first; four are queued
    co_return;                  // leaves five tasks awaiting their jobs
  };
  rt->block_on(main_task());
  EXPECT_EQ(rt->live_tasks(), 5u);
  EXPECT_EQ(live_captures.load(), 4);

  std::thread opener([&] {
    std::this_thread::sleep_for(50ms);  // lets the destructor reach its wait first
    release.open();
  });
  rt.reset();
  // The destructor returned only after the running function had.
  EXPECT_TRUE(running_job_returned.load());
  EXPECT_EQ(queued_ran.load(), 0);     // dropped unrun
  EXPECT_EQ(live_captures.load(), 0);  // and destroyed
  opener.join();
}

TEST(blocking, outside_a_runtime_is_no_runtime) {
  try {
    (void)kov::spawn_blocking([] { return 1; });
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), kov::errc::no_runtime);
  }
}

TEST(blocking, a_handle_dropped_unawaited_still_runs_its_job) {
  kov::runtime rt;
  std::atomic<bool> ran{false};
  auto main_task = [&]() -> kov::task<void> {
    {
      auto dropped = kov::spawn_blocking([&] { ran.store(true); });
    }
    EXPECT_TRUE(co_await eventually([&] { return ran.load(); }));
  };
  rt.block_on(main_task());
}

}  // namespace
