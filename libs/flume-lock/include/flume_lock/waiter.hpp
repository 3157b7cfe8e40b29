// The async hook: an intrusive, caller-owned waiter node that a receiver (or a sender of a full
// bounded channel) can register instead of blocking a thread. kov's mpsc is built on it.
#pragma once

#include <flume_lock/detail/atomic.hpp>

#include <cstdint>

namespace flume_lock {

/// A wake-up request from an async receiver. The caller owns the node (typically inside a
/// coroutine frame); registering it allocates nothing.
///
/// Contract (no lost wakeup): when `receiver::poll_recv(out, w)` returns `status::empty`, `w` is
/// registered and `w.wake(w.ctx)` is called exactly once, on the thread that next publishes a
/// message or closes the channel (possibly for a message the receiver then finds already taken:
/// wakes are hints, poll again). `receiver::cancel_wait(w)` withdraws it: once it returns, no
/// call is running or will start, and the node may be destroyed. `wake` receives a copy of `ctx`
/// taken before the node is released, so `ctx` (not the node) must outlive the call.
struct waiter {
  waiter() = default;
  waiter(void (*wake_fn)(void*), void* context) noexcept : wake(wake_fn), ctx(context) {}
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;

  void (*wake)(void* ctx) = nullptr;
  void* ctx = nullptr;

  // Internal: 1 once a notifier has copied wake/ctx and let go of the node.
  detail::atomic<std::uint32_t> released_{0};
  // Internal: lets the model checker see registration and hand-over as plain accesses.
  [[no_unique_address]] detail::race_probe probe_;

  // Internal, for the senders' waiter list (detail/send_waiters.hpp). queued_ and the links are
  // guarded by the list's lock; in_list_ is the owner's own note that it may be queued.
  waiter* next_ = nullptr;
  waiter* prev_ = nullptr;
  std::uint8_t queued_ = 0;  // send_waiters::idle, linked or woken
  bool in_list_ = false;
};

}  // namespace flume_lock
