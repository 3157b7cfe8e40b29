// An awaitable that holds either a value ready now or a task that computes it. Buffered I/O
// answers most calls from its buffer: this lets those calls finish without a coroutine frame,
// and only the calls that must wait for the stream run a task.
#pragma once

#include <kov/task.hpp>

#include <coroutine>
#include <optional>
#include <utility>

namespace kov::detail {

// Invariant: exactly one of value_ and slow_ is set; awaiter_ is set once the task started.
template <class T>
class [[nodiscard]] ready_or_task {
 public:
  explicit ready_or_task(T value) : value_(std::move(value)) {}
  explicit ready_or_task(task<T> slow) noexcept : slow_(std::move(slow)) {}

  bool await_ready() const noexcept { return value_.has_value(); }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) noexcept {
    // slow_ keeps owning the frame while the awaiter runs it (task's rule for awaiting an lvalue).
    awaiter_.emplace(slow_.operator co_await());
    return awaiter_->await_suspend(caller);
  }
  T await_resume() { return value_ ? std::move(*value_) : awaiter_->await_resume(); }

 private:
  std::optional<T> value_;
  task<T> slow_;
  std::optional<typename task<T>::awaiter> awaiter_;
};

}  // namespace kov::detail
