// An awaitable operation that usually completes at once (a channel send with room, a receive
// with a message ready): it tries when awaited, and only an operation that must wait starts a
// task to do the waiting, so the common case costs no coroutine frame. Unlike ready_or_task it
// does nothing before it is awaited: raced (when_any) and never run, it has taken nothing.
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/task.hpp>

#include <coroutine>
#include <optional>
#include <utility>

namespace kov::detail {

// Op provides `std::optional<R> try_now()` (a result, or nullopt to wait) and
// `task<R> wait(bool yield_first)` (the waiting half; `yield_first` when the task's budget is
// spent and it must go round the run queue before trying). Movable until awaited (when_any
// moves awaitables into its branches).
template <class Op, class R>
class try_then_task {
 public:
  bool await_ready() {
    if (!coop_proceed()) return false;  // budget spent or abort asked: the task yields first
    tried_ = true;
    value_ = static_cast<Op&>(*this).try_now();
    return value_.has_value();
  }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) {
    slow_.emplace(static_cast<Op&>(*this).wait(!tried_));
    awaiter_.emplace(std::move(*slow_).operator co_await());
    return awaiter_->await_suspend(caller);
  }
  R await_resume() { return value_ ? std::move(*value_) : awaiter_->await_resume(); }

 private:
  bool tried_ = false;
  std::optional<R> value_;
  std::optional<task<R>> slow_;  // owns the waiting frame until the await ends
  std::optional<typename task<R>::awaiter> awaiter_;
};

}  // namespace kov::detail
