#pragma once
// Wakers: handles that put a suspended task back on its runtime's run queue.
//
// kov::waker is the local one: use it on the runtime's thread; waking costs no atomic operation.
// kov::remote_waker may be used from any thread: the wake travels through the runtime's inject
// channel and eventfd and is never lost. Both are safe to call after the task finished or its
// runtime was destroyed (the call does nothing), and waking a task that is already queued or
// running does not run it twice.

#include <kov/detail/remote.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_header.hpp>

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

// Invariant: t_ is null or holds one reference to its header.
class waker {
 public:
  waker() noexcept = default;
  explicit waker(detail::task_header& t) noexcept : t_(&t) { detail::retain(t); }
  waker(const waker& other) noexcept : t_(other.t_) {
    if (t_ != nullptr) detail::retain(*t_);
  }
  waker(waker&& other) noexcept : t_(std::exchange(other.t_, nullptr)) {}
  waker& operator=(waker other) noexcept {
    std::swap(t_, other.t_);
    return *this;
  }
  ~waker() {
    if (t_ != nullptr) detail::release(*t_);
  }

  // The waker of the task being polled on this thread (empty outside a task).
  static waker current() noexcept {
    detail::task_header* t = detail::current_task();
    return t != nullptr ? waker(*t) : waker();
  }

  // Queues the task if it is suspended. Call on the runtime's thread.
  void wake() const noexcept {
    if (t_ != nullptr && t_->rt_ != nullptr) t_->rt_->wake(*t_);
  }

  // A thread-safe waker for the same task; empty if the task has finished. Call on the
  // runtime's thread.
  remote_waker to_remote() const {
    if (t_ == nullptr || t_->rt_ == nullptr) return {};
    detail::remote_slot& s = t_->rt_->remote_slot_of(*t_);
    detail::retain(s);
    return remote_waker(detail::slot_ref(&s));
  }

  bool valid() const noexcept { return t_ != nullptr; }
  detail::task_header* header() const noexcept { return t_; }

  void reset() noexcept { waker().swap(*this); }
  void swap(waker& other) noexcept { std::swap(t_, other.t_); }

 private:
  detail::task_header* t_ = nullptr;
};

}  // namespace kov
