// Timers on the runtime's timing wheel: sleep_for, sleep_until, interval, timeout; kov's clock
// and the test clock (kov::time::advance).
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
#include <cstdint>
#include <type_traits>
#include <utility>

namespace kov {

/// The clock every kov timer reads: the steady clock, except inside a runtime whose clock is
/// paused (runtime_options::start_paused), where it reads that runtime's test clock. Its
/// time_point is the steady clock's, so the two mix freely.
struct clock {
  /// Tick length of the steady clock.
  using duration = std::chrono::steady_clock::duration;
  /// Tick count type.
  using rep = duration::rep;
  /// Tick period as a std::ratio.
  using period = duration::period;
  /// Same type as the steady clock's, so kov and steady time points mix freely.
  using time_point = std::chrono::steady_clock::time_point;
  /// Never goes backwards (a paused clock only moves forward by time::advance).
  static constexpr bool is_steady = true;

  /// The paused runtime's test clock if this thread runs one, else the steady clock.
  static time_point now() noexcept {
    const detail::runtime_core* rt = detail::current_runtime();
    return rt != nullptr ? rt->now() : std::chrono::steady_clock::now();
  }
};

/// Completes at `deadline`. Returned by sleep_until/sleep_for; await it once.
///
/// Invariant: entry_ is linked in a runtime's wheel only between await_suspend and the wake (or
/// the destructor), so a linked entry never moves.
class [[nodiscard]] sleep_awaitable {
 public:
  /// A sleep that completes once clock::now() reaches `deadline`.
  explicit sleep_awaitable(clock::time_point deadline) noexcept : deadline_(deadline) {}
  /// Moves a sleep that is not being awaited (asserted).
  sleep_awaitable(sleep_awaitable&& other) noexcept : deadline_(other.deadline_) {
    KOV_ASSERT(!other.entry_.linked(), "moving a sleep that is being awaited");
  }
  sleep_awaitable& operator=(sleep_awaitable&&) = delete;

  /// Awaitable protocol: ready when the deadline has passed and the task still has budget.
  bool await_ready() const noexcept { return clock::now() >= deadline_ && detail::coop_proceed(); }
  /// Awaitable protocol: arms the timer (or yields once if already due).
  void await_suspend(std::coroutine_handle<>) noexcept {
    // Already due (and out of budget, or aborted): go round the queue once.
    if (!entry_.arm(deadline_)) detail::yield_current();
  }
  /// Awaitable protocol: unlinks the timer.
  void await_resume() noexcept { entry_.disarm(); }

  /// The instant this sleep completes at.
  clock::time_point deadline() const noexcept { return deadline_; }

 private:
  clock::time_point deadline_;
  detail::timer_waker entry_;
};

/// Sleeps until `deadline` (completes at once if it has passed).
inline sleep_awaitable sleep_until(clock::time_point deadline) noexcept {
  return sleep_awaitable(deadline);
}

/// Sleeps for `d` from now (`d` truncated to clock::duration).
template <class Rep, class Period>
sleep_awaitable sleep_for(std::chrono::duration<Rep, Period> d) noexcept {
  return sleep_awaitable(clock::now() + std::chrono::duration_cast<clock::duration>(d));
}

/// What an interval does when a tick is handed out late (the consumer stalled), as tokio's
/// MissedTickBehavior. Scheduled at 0, 10, 20, ... ms, tick 10 handed out at 25 ms:
///   burst: the missed ticks come at once (20 now), then the schedule goes on (30, 40, ...);
///   delay: the schedule restarts from now (35, 45, ...);
///   skip:  the missed ticks are dropped and the schedule goes on from now (30, 40, ...).
enum class missed_tick : std::uint8_t { burst, delay, skip };

class interval;

/// One interval tick: completes at the tick's scheduled instant and yields that instant. Abandoned
/// before it completes, it leaves the interval's schedule as it was (the tick is not lost).
class [[nodiscard]] tick_awaitable {
 public:
  /// The tick of `owner` scheduled at `at`; made by interval::tick().
  tick_awaitable(interval& owner, clock::time_point at) noexcept : owner_(&owner), sleep_(at) {}

  /// Awaitable protocol: ready when the tick's instant has passed.
  bool await_ready() const noexcept { return sleep_.await_ready(); }
  /// Awaitable protocol: arms the tick's timer.
  void await_suspend(std::coroutine_handle<> h) noexcept { sleep_.await_suspend(h); }
  /// Awaitable protocol: moves the interval's schedule on and returns the tick's instant.
  clock::time_point await_resume() noexcept;

 private:
  interval* owner_;
  sleep_awaitable sleep_;
};

/// Ticks every `period`, starting at `start` (now by default: the first tick is immediate).
/// tick() completes at the next scheduled instant and yields it. A tick handed out after the
/// next one was already due is late: `missed` says what happens then (skip by default).
/// A tick counts as late for `delay` when handed out more than `late_after` after its instant
/// (timer resolution and scheduling noise stay below that).
/// Invariant: period_ > 0; next_ is the instant the next tick() completes at.
class interval {
 public:
  /// How late a tick may be handed out before missed_tick::delay restarts the schedule.
  static constexpr clock::duration late_after = std::chrono::milliseconds(5);

  /// Ticks every `period` (> 0, asserted) from `start`, handling late ticks as `missed` says.
  explicit interval(clock::duration period, clock::time_point start = clock::now(),
                    missed_tick missed = missed_tick::skip) noexcept
      : period_(period), next_(start), missed_(missed) {
    KOV_ASSERT(period.count() > 0, "an interval needs a positive period");
  }

  /// The next tick; awaiting it completes at next_tick() and yields that instant.
  tick_awaitable tick() noexcept { return tick_awaitable(*this, next_); }

  /// The time between two scheduled ticks.
  clock::duration period() const noexcept { return period_; }
  /// What a late tick does to the schedule.
  missed_tick missed_tick_behavior() const noexcept { return missed_; }
  /// Changes what a late tick does to the schedule from the next tick on.
  void set_missed_tick_behavior(missed_tick m) noexcept { missed_ = m; }
  /// The instant the next tick() completes at.
  clock::time_point next_tick() const noexcept { return next_; }

 private:
  friend class tick_awaitable;

  // The tick scheduled at next_ is handed out at `now`: moves the schedule on, returns next_.
  clock::time_point hand_out(clock::time_point now) noexcept {
    const clock::time_point at = next_;
    next_ = at + period_;
    switch (missed_) {
      case missed_tick::burst:
        break;
      case missed_tick::delay:
        if (now - at > late_after) next_ = now + period_;
        break;
      case missed_tick::skip:
        if (next_ <= now) next_ += ((now - next_) / period_ + 1) * period_;
        break;
    }
    return at;
  }

  clock::duration period_;
  clock::time_point next_;
  missed_tick missed_;
};

inline clock::time_point tick_awaitable::await_resume() noexcept {
  sleep_.await_resume();
  return owner_->hand_out(clock::now());
}

namespace time {

/// The current runtime's clock (kov::clock::now()).
inline clock::time_point now() noexcept {
  return clock::now();
}

/// Whether the runtime running on this thread has a paused clock.
inline bool is_paused() noexcept {
  const detail::runtime_core* rt = detail::current_runtime();
  return rt != nullptr && rt->clock_paused();
}

/// Moves the paused clock forward by `d` (tokio's time::advance): the timers due by then fire in
/// deadline order (their tasks are queued in that order), then the calling task goes to the back
/// of the run queue once, so the woken tasks run before it continues. The runtime's clock must be
/// paused (runtime_options::start_paused) and d >= 0: checked by KOV_ASSERT; otherwise the clock
/// does not move. Cancel-safety: the clock moves in await_suspend, so an abandoned advance has
/// either not moved it at all or already moved it completely.
class [[nodiscard]] advance_awaitable {
 public:
  /// Advances the paused clock by `d` when awaited.
  explicit advance_awaitable(clock::duration d) noexcept : d_(d) {}
  /// Awaitable protocol: never ready (the clock moves in await_suspend).
  bool await_ready() const noexcept { return false; }
  /// Awaitable protocol: moves the clock forward, then yields to the woken tasks.
  void await_suspend(std::coroutine_handle<>) noexcept {
    detail::task_header* t = detail::current_task();
    KOV_ASSERT(t != nullptr && t->rt_ != nullptr, "kov::time::advance outside a kov task");
    t->rt_->advance_clock(d_);
    detail::yield_current();
  }
  /// Awaitable protocol: yields nothing.
  void await_resume() const noexcept {}

 private:
  clock::duration d_;
};

/// Moves the paused clock forward by `d` and lets the timers due by then fire; see
/// advance_awaitable.
template <class Rep, class Period>
advance_awaitable advance(std::chrono::duration<Rep, Period> d) noexcept {
  return advance_awaitable(std::chrono::duration_cast<clock::duration>(d));
}

}  // namespace time

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

/// Runs `t` as a child task with a deadline: its result, or errc::timed_out after which the child
/// is aborted (its destructors run before this returns). Aborting the awaiting task aborts the
/// child too. Cancel-safety is the child's: whatever it had taken when aborted is dropped.
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

/// Runs `t` with a deadline `d` from now; see timeout_at.
template <class Rep, class Period, class T>
task<result<T>> timeout(std::chrono::duration<Rep, Period> d, task<T> t) {
  return timeout_at(clock::now() + std::chrono::duration_cast<clock::duration>(d), std::move(t));
}

/// Any other awaitable (a kov awaitable, or one with await_ready/suspend/resume) is run in a task.
template <class Rep, class Period, class Awaitable>
auto timeout(std::chrono::duration<Rep, Period> d, Awaitable a)
    -> task<result<detail::await_result_t<Awaitable>>> {
  return timeout(d, as_task(std::move(a)));
}

}  // namespace kov
