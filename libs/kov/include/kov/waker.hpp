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

/// Wakes a task from any thread: the wake goes through the runtime's inject channel and eventfd
/// and is never lost. Safe to use after the task finished or its runtime was destroyed (does
/// nothing then). Copyable.
///
/// Invariant: slot_ is empty or one counted reference to the task's remote slot.
class remote_waker {
 public:
  /// An empty waker (valid() is false; wake() does nothing).
  remote_waker() noexcept = default;
  /// Holds a reference to a task's remote wake slot (made by waker::to_remote).
  explicit remote_waker(detail::slot_ref slot) noexcept : slot_(std::move(slot)) {}

  /// Thread-safe. Coalesces: wakes racing with each other queue the task once.
  void wake() const noexcept {
    if (slot_) detail::remote_wake(*slot_.get());
  }
  /// Whether it refers to a task.
  bool valid() const noexcept { return static_cast<bool>(slot_); }

 private:
  detail::slot_ref slot_;
};

/// Wakes a task from the runtime's own thread (no atomic operation). Safe to use after the task
/// finished or its runtime was destroyed (does nothing then); waking a task already queued or
/// running does not run it twice. Copyable.
///
/// Invariant: t_ is empty or a reference to the task to wake.
class waker {
 public:
  /// An empty waker (valid() is false; wake() does nothing).
  waker() noexcept = default;
  /// Holds a reference to task `t`.
  explicit waker(detail::task_ref t) noexcept : t_(std::move(t)) {}

  /// The waker of the task being polled on this thread (empty outside a task).
  static waker current() noexcept { return waker(detail::task_ref::current()); }

  /// Queues the task if it is suspended. Call on the runtime's thread.
  void wake() const noexcept { t_.wake(); }

  /// A thread-safe waker for the same task; empty if the task has finished. Call on the
  /// runtime's thread.
  remote_waker to_remote() const { return t_ ? remote_waker(t_.wake_slot()) : remote_waker(); }

  /// Whether it refers to a task.
  bool valid() const noexcept { return static_cast<bool>(t_); }

  /// Drops the task reference (the waker becomes empty).
  void reset() noexcept { t_.reset(); }
  /// Exchanges the tasks of two wakers.
  void swap(waker& other) noexcept { t_.swap(other.t_); }

 private:
  detail::task_ref t_;
};

}  // namespace kov
