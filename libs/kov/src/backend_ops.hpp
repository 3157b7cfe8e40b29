// What both reactor backends do to an operation: keep their own state in its backend slot,
// park it on its source, complete it (waking its task), and turn deadlines into timespecs.
//
// A backend's per-op state is a trivial type it constructs in start() and reads while the op
// is in flight:
//
//   auto& st = make_op_state<uring_op>(op);  // in start()
//   io_source& src = *op_state<uring_op>(op).source;  // on its completion
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/io_op.hpp>
#include <kov/detail/runtime_core.hpp>

#include <chrono>
#include <cstdint>
#include <new>
#include <type_traits>

namespace kov::detail {

// What a backend's op state must be: small enough for the slot, and trivial, so an op (copied
// while idle, as awaitables are) never needs its state destroyed or copied with care.
template <class S>
constexpr void check_op_state() noexcept {
  static_assert(sizeof(S) <= io_op_backend_bytes && alignof(S) <= alignof(io_op),
                "a backend's op state must fit io_op::backend");
  static_assert(std::is_trivially_copyable_v<S>, "a backend's op state must be trivial");
  static_assert(std::is_trivially_destructible_v<S>, "a backend's op state must be trivial");
}

// Starts the lifetime of a fresh S in the backend slot of `op`.
template <class S>
S& make_op_state(io_op& op) noexcept {
  check_op_state<S>();
  return *::new (static_cast<void*>(op.backend)) S{};
}

// The S that make_op_state<S> put in `op` (the backend that started it reads it back).
template <class S>
S& op_state(io_op& op) noexcept {
  check_op_state<S>();
  // Safety: the backend that started `op` constructed an S there (make_op_state), and only it
  // asks for its state.
  return *std::launder(reinterpret_cast<S*>(op.backend));
}

// The waiter field of `src` for the side `op` works on.
inline io_op*& waiter_of(io_source& src, const io_op& op) noexcept {
  return side_of(op.kind) == io_side::in ? src.reader : src.writer;
}

// Parks `op` on its side of `src`: the backend completes it later and wakes op.task.
inline void park(io_source& src, io_op& op) noexcept {
  op.state = io_state::pending;
  waiter_of(src, op) = &op;
}

// Forgets `op` as a waiter of `src`, on whichever side it waits.
inline void clear_waiter(io_source& src, const io_op& op) noexcept {
  if (src.reader == &op) src.reader = nullptr;
  if (src.writer == &op) src.writer = nullptr;
}

// Ends `op` with `r` (>= 0, or -errno) and wakes `t`: the task that awaits it, or null when
// the task gave it up (its runtime may be gone too).
inline void complete(io_op& op, long r, task_header* t) noexcept {
  op.result = r;
  op.state = io_state::done;
  if (t != nullptr && t->rt_ != nullptr) t->rt_->wake(*t);
}

// A duration or a steady_clock reading in nanoseconds as a timespec (timespec for glibc's
// calls, __kernel_timespec for io_uring's).
template <class Timespec>
Timespec to_timespec(std::chrono::nanoseconds ns) noexcept {
  Timespec ts{};
  ts.tv_sec = static_cast<decltype(ts.tv_sec)>(ns.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<decltype(ts.tv_nsec)>(ns.count() % 1'000'000'000);
  return ts;
}

}  // namespace kov::detail
