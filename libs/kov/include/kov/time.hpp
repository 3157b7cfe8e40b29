// Timers on the runtime's timing wheel: sleep_for, sleep_until, interval, timeout.
//
// A timer fires at the first wheel tick at or after its deadline (runtime_options::timer_tick,
// 1 ms by default), so it is never early and late by at most a tick plus scheduling delay.
// Cancel-safety: abandoning any of these awaits loses nothing (the timer is unlinked).
#pragma once

#include <kov/as_task.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/detail/timer_waker.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <chrono>
#include <type_traits>
#include <utility>

namespace kov {

using clock = std::chrono::steady_clock;

// Completes at `deadline`. Returned by sleep_until/sleep_for; await it once.
//
// Invariant: entry_ is linked in a runtime's wheel only between await_suspend and the wake (or
// the destructor), so a linked entry never moves.
class [[nodiscard]] sleep_awaitable {
 public:
  explicit sleep_awaitable(clock::time_point deadline) noexcept : deadline_(deadline) {}
  sleep_awaitable(sleep_awaitable&& other) noexcept : deadline_(other.deadline_) {
    KOV_ASSERT(!other.entry_.linked(), "moving a sleep that is being awaited");
  }
  sleep_awaitable& operator=(sleep_awaitable&&) = delete;

  bool await_ready() const noexcept { return clock::now() >= deadline_ && detail::coop_proceed(); }
  void await_suspend(std::coroutine_handle<>) noexcept {
    // Already due (and out of budget, or aborted): go round the queue once.
    if (!entry_.arm(deadline_)) detail::yield_current();
  }
  void await_resume() noexcept { entry_.disarm(); }

  clock::time_point deadline() const noexcept { return deadline_; }

 private:
  clock::time_point deadline_;
  detail::timer_waker entry_;
};

inline sleep_awaitable sleep_until(clock::time_point deadline) noexcept {
  return sleep_awaitable(deadline);
}

template <class Rep, class Period>
sleep_awaitable sleep_for(std::chrono::duration<Rep, Period> d) noexcept {
  return sleep_awaitable(clock::now() + std::chrono::duration_cast<clock::duration>(d));
}

// Ticks every `period`, starting at `start` (now by default: the first tick is immediate).
// When the consumer falls behind by more than a period, the missed ticks are skipped: the next
// one lands on the schedule's next point after now (no burst of catch-up ticks).
// Invariant: period_ > 0; next_ is the deadline the next tick() hands out.
class interval {
 public:
  explicit interval(clock::duration period, clock::time_point start = clock::now()) noexcept
      : period_(period), next_(start) {
    KOV_ASSERT(period.count() > 0, "an interval needs a positive period");
  }

  sleep_awaitable tick() noexcept {
    const clock::time_point at = next_;
    next_ += period_;
    if (const clock::time_point now = clock::now(); next_ <= now) {
      next_ += ((now - next_) / period_ + 1) * period_;
    }
    return sleep_awaitable(at);
  }
  clock::duration period() const noexcept { return period_; }

 private:
  clock::duration period_;
  clock::time_point next_;
};

namespace detail {

// Awaits a task's end or a deadline, whichever comes first; yields true if the task finished.
//
// Invariant: wait_ is registered and timer_ armed only while suspended.
class join_until {
 public:
  join_until(const task_ref& t, clock::time_point deadline) noexcept : t_(t), deadline_(deadline) {}
  join_until(const join_until&) = delete;
  join_until& operator=(const join_until&) = delete;

  bool await_ready() const noexcept { return t_.finished() || clock::now() >= deadline_; }
  void await_suspend(std::coroutine_handle<>) noexcept {
    wait_.arm(t_);
    if (!timer_.arm(deadline_)) yield_current();
  }
  bool await_resume() noexcept {
    timer_.disarm();
    wait_.disarm();
    return t_.finished();
  }

 private:
  const task_ref& t_;
  clock::time_point deadline_;
  join_wait wait_;
  timer_waker timer_;
};

}  // namespace detail

// Runs `t` as a child task with a deadline: its result, or errc::timed_out after which the child
// is aborted (its destructors run before this returns). Aborting the awaiting task aborts the
// child too. Cancel-safety is the child's: whatever it had taken when aborted is dropped.
template <class T>
task<result<T>> timeout_at(clock::time_point deadline, task<T> t) {
  join_handle<T> child = spawn(std::move(t), "timeout");
  struct abort_on_exit {
    join_handle<T>& h;
    ~abort_on_exit() { h.abort(); }
  } guard{child};
  if (!co_await detail::join_until(child.ref(), deadline)) co_return errc::timed_out;
  co_return co_await child;
}

template <class Rep, class Period, class T>
task<result<T>> timeout(std::chrono::duration<Rep, Period> d, task<T> t) {
  return timeout_at(clock::now() + std::chrono::duration_cast<clock::duration>(d), std::move(t));
}

// Any other awaitable (a kov awaitable, or one with await_ready/suspend/resume) is run in a task.
template <class Rep, class Period, class Awaitable>
auto timeout(std::chrono::duration<Rep, Period> d, Awaitable a)
    -> task<result<detail::await_result_t<Awaitable>>> {
  return timeout(d, as_task(std::move(a)));
}

}  // namespace kov
