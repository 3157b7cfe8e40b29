// Wakers: handles that put a suspended task back on its runtime's run queue.
//
// kov::waker is the local one: use it on the runtime's thread; waking costs no atomic operation.
// kov::remote_waker may be used from any thread: the wake travels through the runtime's inject
// channel and eventfd and is never lost. Both are safe to call after the task finished or its
// runtime was destroyed (the call does nothing), and waking a task that is already queued or
// running does not run it twice.
#pragma once

#include <kov/detail/remote.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>

#include <utility>

namespace kov {

// Invariant: slot_ is empty or one counted reference to the task's remote slot.
class remote_waker {
 public:
  remote_waker() noexcept = default;
  explicit remote_waker(detail::slot_ref slot) noexcept : slot_(std::move(slot)) {}

  // Thread-safe. Coalesces: wakes racing with each other queue the task once.
  void wake() const noexcept {
    if (slot_) detail::remote_wake(*slot_.get());
  }
  bool valid() const noexcept { return static_cast<bool>(slot_); }

 private:
  detail::slot_ref slot_;
};

// Invariant: t_ is empty or a reference to the task to wake.
class waker {
 public:
  waker() noexcept = default;
  explicit waker(detail::task_ref t) noexcept : t_(std::move(t)) {}

  // The waker of the task being polled on this thread (empty outside a task).
  static waker current() noexcept { return waker(detail::task_ref::current()); }

  // Queues the task if it is suspended. Call on the runtime's thread.
  void wake() const noexcept { t_.wake(); }

  // A thread-safe waker for the same task; empty if the task has finished. Call on the
  // runtime's thread.
  remote_waker to_remote() const { return t_ ? remote_waker(t_.wake_slot()) : remote_waker(); }

  bool valid() const noexcept { return static_cast<bool>(t_); }

  void reset() noexcept { t_.reset(); }
  void swap(waker& other) noexcept { t_.swap(other.t_); }

 private:
  detail::task_ref t_;
};

}  // namespace kov
