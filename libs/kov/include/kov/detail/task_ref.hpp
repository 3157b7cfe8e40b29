// task_ref: one counted reference to a spawned task, and the only way kov's headers reach a
// task's control block. Join handles, wakers, scopes, combinators and timers hold task_refs;
// the reference count of a task_header changes nowhere else.
//
// The rules it keeps (see task_header for the fields):
// - a task_ref keeps the header alive, never the frame: the frame lives while the task runs and,
//   after it completed, until the join handle has taken or dropped the result (drop_result);
// - once the task can no longer be scheduled (finished, or its runtime gone) wake() and abort()
//   do nothing, and remote_slot() is empty;
// - join_wait registers the current task to be woken when another one finishes.
//
//   task_ref me = task_ref::current();   // inside a kov task
//   ... later, on the runtime's thread: me.wake();
//
// Only the runtime's thread may use a task_ref (it is not atomic); remote_waker is the
// thread-safe handle.
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/context.hpp>
#include <kov/detail/remote.hpp>
#include <kov/detail/task_header.hpp>

#include <coroutine>
#include <cstdint>
#include <utility>

namespace kov::detail {

// Invariant: t_ is null (empty) or holds one of t_->refs_.
class task_ref {
 public:
  task_ref() noexcept = default;
  explicit task_ref(task_header& t) noexcept : t_(&t) { ++t.refs_; }  // adds a reference
  task_ref(const task_ref& other) noexcept : t_(other.t_) {
    if (t_ != nullptr) ++t_->refs_;
  }
  task_ref(task_ref&& other) noexcept : t_(std::exchange(other.t_, nullptr)) {}
  task_ref& operator=(task_ref other) noexcept {
    std::swap(t_, other.t_);
    return *this;
  }
  ~task_ref() { reset(); }

  // Takes over a reference that `t` already counts for the caller (a new header's first one,
  // or one parked on a list with into_raw).
  static task_ref from_raw(task_header& t) noexcept {
    task_ref r;
    r.t_ = &t;
    return r;
  }
  // Gives the reference up to the caller, who must hand it back to from_raw exactly once.
  task_header& into_raw() && noexcept {
    KOV_ASSERT(t_ != nullptr, "into_raw on an empty task_ref");
    return *std::exchange(t_, nullptr);
  }

  // The task being polled on this thread (empty outside a task).
  static task_ref current() noexcept {
    task_header* t = tls_context.current;
    return t != nullptr ? task_ref(*t) : task_ref();
  }

  void reset() noexcept {
    task_header* t = std::exchange(t_, nullptr);
    if (t != nullptr && --t->refs_ == 0) {
      // Safety: the count was the last reference, so nothing can reach the header any more;
      // the runtime's reference outlives the frame, so the frame is gone already.
      t->~task_header();
      pool_deallocate(t, sizeof(task_header));
    }
  }
  void swap(task_ref& other) noexcept { std::swap(t_, other.t_); }

  explicit operator bool() const noexcept { return t_ != nullptr; }
  task_header* get() const noexcept { return t_; }  // identity, and the runtime's own use

  // State. The ref must not be empty.
  bool finished() const noexcept { return t_->finished(); }
  bool cancelled() const noexcept { return t_->state_ == task_state::cancelled; }
  std::uint64_t id() const noexcept { return t_->id_; }
  // The runtime that can still schedule the task, or null once it cannot.
  runtime_core* runtime() const noexcept { return t_->rt_; }

  // The promise of the task's outermost frame as `Promise` (the type it was spawned with), or
  // null once the frame is gone.
  template <class Promise>
  Promise* promise() const noexcept {
    // Safety: the caller names the promise type the task was spawned with.
    return static_cast<Promise*>(t_->promise_);
  }

  // Replaces the completion hook (an empty one clears it).
  void set_hook(completion_hook hook) const noexcept { t_->hook_ = hook; }

  // Queues the task if it is suspended (runtime_core::wake).
  void wake() const noexcept;
  // Cancels the task (runtime_core::abort). True if it has finished by the time this returns;
  // false if it stops later (it is running) or its runtime is gone.
  bool abort() const noexcept;
  // The result is no longer wanted: a completed task's frame can go.
  void drop_result() const noexcept;
  // A counted reference to the task's thread-safe wake identity; empty once it cannot be
  // scheduled. May throw std::bad_alloc (the slot is made on first use).
  slot_ref wake_slot() const;

 private:
  task_header* t_ = nullptr;
};

// The current task waiting for another task to finish: arm() registers it as that task's
// joiner (at most one at a time), so the target's end wakes it; disarm() or the destructor
// withdraws the registration if the target has not consumed it. Cancel-safe.
//
// Invariant: waiter_ is non-null only between arm and disarm; while target_->joiner_ ==
// waiter_, that field holds a reference to the waiter.
class join_wait {
 public:
  join_wait() noexcept = default;
  join_wait(const join_wait&) = delete;
  join_wait& operator=(const join_wait&) = delete;
  ~join_wait() { disarm(); }

  void arm(const task_ref& target) noexcept {
    task_ref me = task_ref::current();
    KOV_ASSERT(me, "joining outside a kov task");
    KOV_ASSERT(target.get()->joiner_ == nullptr, "two tasks joining one task");
    waiter_ = me.get();
    target_ = target;
    target_.get()->joiner_ = &std::move(me).into_raw();
  }

  void disarm() noexcept {
    if (waiter_ == nullptr) return;
    task_header& t = *target_.get();
    if (t.joiner_ == waiter_) task_ref::from_raw(*std::exchange(t.joiner_, nullptr)).reset();
    waiter_ = nullptr;
    target_.reset();
  }

 private:
  task_ref target_;                // kept alive until disarm
  task_header* waiter_ = nullptr;  // identity only
};

// Records where the current task resumes on its next wake: the frame suspending in a co_await
// (a nested frame of the task, or the task's own).
inline void set_resume_point(std::coroutine_handle<> h) noexcept {
  if (task_header* t = tls_context.current) t->resume_point_ = h;
}

}  // namespace kov::detail

// runtime_core holds task_refs; the operations above that go through the runtime are defined
// after it, at the end of runtime_core.hpp, which this brings in.
#include <kov/detail/runtime_core.hpp>
