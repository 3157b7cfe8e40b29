// timer_waker: a timer wheel entry that wakes the task that armed it, the building block of
// kov's sleeps, intervals and timeouts (time.hpp).
//
//   timer_waker t;                           // in the awaitable (the coroutine frame)
//   if (!t.arm(deadline)) yield_current();   // in await_suspend: false when already due
//   t.disarm();                              // in await_resume; the destructor does it too
//
// A linked entry must not move: keep it in the frame from arm() until disarm().
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/detail/timer_wheel.hpp>
#include <kov/waker.hpp>

#include <chrono>

namespace kov::detail {

// Invariant: while linked, rt_ is the runtime whose wheel holds it and waker_ the task to wake.
struct timer_waker : timer_entry {
  timer_waker() noexcept : timer_entry(&fire) {}
  ~timer_waker() { disarm(); }
  timer_waker(const timer_waker&) = delete;
  timer_waker& operator=(const timer_waker&) = delete;

  // Links the entry for the current task; false if the deadline has already passed.
  bool arm(std::chrono::steady_clock::time_point deadline) noexcept {
    task_ref t = task_ref::current();
    KOV_ASSERT(t && t.runtime() != nullptr, "awaiting a timer outside a kov task");
    if (!t.runtime()->add_timer(*this, deadline)) return false;
    rt_ = t.runtime();
    waker_ = waker(std::move(t));
    return true;
  }
  void disarm() noexcept {
    if (linked()) rt_->cancel_timer(*this);
    waker_.reset();
  }

  static void fire(timer_entry& e) noexcept {
    // Safety: every entry linked with `fire` as its callback is a timer_waker.
    static_cast<timer_waker&>(e).waker_.wake();
  }

  runtime_core* rt_ = nullptr;
  waker waker_;
};

}  // namespace kov::detail
