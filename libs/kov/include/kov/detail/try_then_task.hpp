// An awaitable operation that usually completes at once (a channel send with room, a receive
// with a message ready): it tries when awaited, and only an operation that must wait starts a
// task to do the waiting, so the common case costs no coroutine frame. Unlike ready_or_task it
// does nothing before it is awaited: raced (when_any) and never run, it has taken nothing.
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/task.hpp>

#include <coroutine>
#include <memory>
#include <optional>
#include <utility>

namespace kov::detail {

// Op provides `std::optional<R> try_now()` (a result, or nullopt to wait) and
// `task<R> wait(bool yield_first)` (the waiting half; `yield_first` when the task's budget is
// spent and it must go round the run queue before trying). Movable until awaited (when_any
// moves awaitables into its branches).
//
// The result and the waiting task share one union tagged by phase_ (rather than an optional of
// each): on the fast path this is a flag store and one test at the end, per message.
template <class Op, class R>
class try_then_task {
 public:
  try_then_task() noexcept {}
  // Only an awaitable not yet awaited moves (when_any moves its branches): it holds nothing yet.
  try_then_task(const try_then_task& other) = delete;
  try_then_task([[maybe_unused]] try_then_task&& other) noexcept {
    KOV_ASSERT(other.phase_ == phase::fresh, "moving an awaitable that was awaited");
  }
  try_then_task& operator=(const try_then_task&) = delete;
  try_then_task& operator=(try_then_task&&) = delete;
  ~try_then_task() {
    if (phase_ == phase::ready) std::destroy_at(&value_);
    if (phase_ == phase::waiting) std::destroy_at(&waiting_);
  }

  bool await_ready() {
    if (!coop_proceed()) return false;  // budget spent or abort asked: the task yields first
    phase_ = phase::tried;
    std::optional<R> now = static_cast<Op&>(*this).try_now();
    if (!now) return false;
    std::construct_at(&value_, std::move(*now));
    phase_ = phase::ready;
    return true;
  }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) {
    const bool yield_first = phase_ == phase::fresh;
    std::construct_at(&waiting_, static_cast<Op&>(*this).wait(yield_first));
    phase_ = phase::waiting;
    return waiting_.awaiter.await_suspend(caller);
  }
  R await_resume() {
    if (phase_ == phase::ready) return std::move(value_);
    return waiting_.awaiter.await_resume();
  }

 private:
  // The waiting task's frame (owned until the await ends) and its awaiter.
  struct waiting {
    explicit waiting(task<R> t)
        : frame(std::move(t)), awaiter(std::move(frame).operator co_await()) {}
    task<R> frame;
    typename task<R>::awaiter awaiter;
  };
  enum class phase : unsigned char { fresh, tried, ready, waiting };

  phase phase_ = phase::fresh;
  union {
    R value_;          // phase_ == ready
    waiting waiting_;  // phase_ == waiting
  };
};

}  // namespace kov::detail
