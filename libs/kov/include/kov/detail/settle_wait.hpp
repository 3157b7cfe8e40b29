// The await shared by kov's "wait until something is true" primitives (watch's changed(),
// broadcast's recv(), once_cell's wait): complete at once if the condition holds, otherwise
// queue on the primitive's wait_list until a wake, and leave the list if abandoned.
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/waker.hpp>

#include <coroutine>

namespace kov::detail {

// Derived provides `bool settled() const noexcept` (the await would complete now) and
// await_resume(). A woken waiter re-checks nothing here: await_resume reads the state.
template <class Derived>
class settle_wait {
 public:
  explicit settle_wait(wait_list& list) noexcept : list_(list) {}
  // Movable until awaited (so when_any can take the awaitable by value).
  settle_wait(settle_wait&& other) noexcept : list_(other.list_) {
    KOV_ASSERT(!other.node_.linked_, "moving an await that is waiting");
  }
  settle_wait& operator=(const settle_wait&) = delete;
  ~settle_wait() {
    if (node_.linked_) list_.remove(node_);
  }

  bool await_ready() const noexcept { return derived().settled() && coop_proceed(); }
  void await_suspend(std::coroutine_handle<>) noexcept {
    if (derived().settled()) {  // but out of budget
      yield_current();
      return;
    }
    node_.waker_ = waker::current();
    list_.push_back(node_);
  }

 protected:
  wait_node node_;

 private:
  const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }

  wait_list& list_;
};

}  // namespace kov::detail
