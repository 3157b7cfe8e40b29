// What every kov I/O type is built from: an owned fd registered with the runtime's reactor
// (io_handle), and the awaitable that runs one operation on it (io_awaitable).
#pragma once

#include <kov/detail/io_op.hpp>
#include <kov/detail/reactor_backend.hpp>
#include <kov/export.hpp>
#include <kov/result.hpp>
#include <kov/time.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>
#include <utility>

namespace kov::detail {

static_assert(std::is_same_v<clock::duration, std::chrono::nanoseconds>,
              "io_op::deadline_ns counts steady_clock ticks as nanoseconds");

// Owns one fd and its registration. Closing deregisters first, then closes the fd exactly once.
//
// Invariant: fd_ >= 0 <=> the handle owns an fd; src_ is then its source (registered with
// src_->owner, or an orphan whose backend is gone).
class KOV_API io_handle {
 public:
  io_handle() noexcept = default;
  io_handle(io_handle&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), src_(std::exchange(other.src_, nullptr)) {}
  io_handle& operator=(io_handle&& other) noexcept {
    io_handle moved(std::move(other));
    std::swap(fd_, moved.fd_);
    std::swap(src_, moved.src_);
    return *this;
  }
  ~io_handle() { close(); }

  // Takes ownership of `fd`, makes it non-blocking and registers it with the reactor of the
  // runtime running on this thread. On failure the fd is closed and the error returned.
  static result<io_handle> adopt(int fd, bool stream) noexcept;

  bool valid() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  io_source* source() const noexcept { return src_; }

  // Deregisters and closes. A pending operation on it completes with errc::cancelled.
  void close() noexcept;
  // Deregisters and hands the fd back to the caller (-1 if none).
  int release() noexcept;

 private:
  io_handle(int fd, io_source* src) noexcept : fd_(fd), src_(src) {}
  int fd_ = -1;
  io_source* src_ = nullptr;
};

// An errno value as kov returns it: ECANCELED (an operation taken back when its fd was closed or
// its runtime went away) reads as errc::cancelled, everything else as std::system_category.
KOV_API std::error_code io_error(long negative_errno) noexcept;

// One operation on a source, awaited once: its result goes through `finish(const io_op&)`.
// An optional deadline (with_timeout / with_deadline) ends it with errc::timed_out.
//
// Invariant: op_ is pending on src_ only between a start that did not complete and the wake
// (or the destructor, which takes it back): the awaitable never moves while that holds, since
// it is the operand of a co_await in the suspended frame.
template <class Finish>
class [[nodiscard]] io_awaitable {
 public:
  io_awaitable(io_source* src, const io_op& op, Finish finish) noexcept
      : src_(src), op_(op), finish_(std::move(finish)) {}
  io_awaitable(io_awaitable&& other) noexcept
      : src_(other.src_),
        op_(other.op_),
        finish_(std::move(other.finish_)),
        deadline_ns_(other.deadline_ns_),
        handed_over_(std::exchange(other.handed_over_, true)) {
    // A completed result now belongs to this awaitable only: the moved-from one discards nothing.
    KOV_ASSERT(other.op_.state != io_state::pending, "moving an I/O operation in flight");
  }
  io_awaitable& operator=(io_awaitable&&) = delete;
  ~io_awaitable() {
    take_back();
    end_io_wait();
    // Completed, but the task was aborted before it resumed to take the result: a result that
    // owns something (an accepted connection's fd) is released by the Finish's discard.
    if constexpr (requires { finish_.discard(op_); }) {
      if (op_.state == io_state::done && !handed_over_) finish_.discard(op_);
    }
  }

  // Gives up with errc::timed_out when the operation has not completed by `deadline` (none:
  // no limit).
  io_awaitable&& with_deadline(std::optional<clock::time_point> deadline) && noexcept {
    deadline_ns_ = deadline ? deadline->time_since_epoch().count() : 0;
    return std::move(*this);
  }
  template <class Rep, class Period>
  io_awaitable&& with_timeout(std::chrono::duration<Rep, Period> d) && noexcept {
    return std::move(*this).with_deadline(clock::now() +
                                          std::chrono::duration_cast<clock::duration>(d));
  }

  bool await_ready() noexcept {
    if (src_ == nullptr || src_->owner == nullptr) {
      // A closed handle, or one whose runtime is gone.
      op_.result = src_ == nullptr ? -EBADF : -ECANCELED;
      op_.state = io_state::done;
    } else if (has_deadline() && clock::now() >= deadline()) {
      op_.result = -ETIMEDOUT;
      op_.state = io_state::done;
    } else if (op_.all && op_.len == 0) {
      // All of nothing is through before it starts (and its buffer may be null).
      op_.result = 0;
      op_.state = io_state::done;
    } else {
      // A result conversion that owns storage (an address to fill in) points the op at it now
      // that the awaitable sits where it will stay.
      if constexpr (requires { finish_.prepare(op_); }) finish_.prepare(op_);
      // A paused clock's deadline is virtual: only the runtime's timer, which advance() and
      // auto-advance move, can enforce it. The backend (io_uring's kernel timeout) is not told.
      op_.deadline_ns = time::is_paused() ? 0 : deadline_ns_;
      backend_keeps_deadline_ = src_->owner->start(*src_, op_);
    }
    return op_.state == io_state::done && coop_proceed();
  }

  void await_suspend(std::coroutine_handle<>) noexcept {
    if (op_.state == io_state::done) {
      yield_current();  // completed, but the task's budget is spent: go round the queue once
      return;
    }
    op_.task = current_task();
    KOV_ASSERT(op_.task != nullptr, "awaiting I/O outside a kov task");
    // Parked in the reactor: the paused clock's auto-advance waits for it (runtime_core).
    waiting_in_ = op_.task->rt_;
    waiting_in_->io_wait_begin();
    if (has_deadline() && !backend_keeps_deadline_ && !timer_.arm(deadline())) yield_current();
  }

  auto await_resume() {
    timer_.disarm();
    end_io_wait();
    if (op_.state == io_state::pending) {
      // Woken by the deadline.
      take_back();
      op_.result = -ETIMEDOUT;
      op_.state = io_state::done;
    }
    handed_over_ = true;
    return finish_(op_);
  }

 private:
  void take_back() noexcept {
    if (op_.state == io_state::pending) src_->owner->cancel(*src_, op_);
  }
  void end_io_wait() noexcept {
    if (runtime_core* rt = std::exchange(waiting_in_, nullptr)) rt->io_wait_end();
  }
  bool has_deadline() const noexcept { return deadline_ns_ != 0; }
  clock::time_point deadline() const noexcept {
    return clock::time_point(clock::duration(deadline_ns_));
  }

  io_source* src_;
  io_op op_;  // its deadline_ns is deadline_ns_ when the backend may enforce it, else 0
  Finish finish_;
  std::int64_t deadline_ns_ = 0;         // the awaitable's deadline on kov's clock (0: none)
  bool handed_over_ = false;             // await_resume gave the result to the task
  bool backend_keeps_deadline_ = false;  // start() said the backend enforces the deadline
  timer_waker timer_;
  runtime_core* waiting_in_ = nullptr;  // counted in its io_wait_begin while suspended
};

}  // namespace kov::detail
