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
/// wakes are hints, poll again). A bounded channel's poll_recv that meets a message still being
/// published makes that call itself, as a notifier, before it returns: poll again soon.
/// `receiver::cancel_wait(w)` withdraws it: once it returns, no call will start and no notifier
/// touches the node, which may be destroyed. A call a notifier already took may still be running:
/// `wake` receives a copy of `ctx` taken before the node is released, so `ctx` (not the node) must
/// outlive the call; `taken()` says whether there is one.
struct waiter {
  waiter() = default;
  /// A node whose registration, once woken, calls `wake_fn(context)`.
  waiter(void (*wake_fn)(void*), void* context) noexcept : wake(wake_fn), ctx(context) {}
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;

  void (*wake)(void* ctx) = nullptr;  ///< Called once with `ctx` to wake the registered task.
  void* ctx = nullptr;                ///< Argument passed to `wake`; must outlive the call.

  /// After `cancel_wait(w)` has returned: true if a notifier took the node, so its `wake(ctx)`
  /// call is running or done (the call's end is the last use of `ctx`); false if the
  /// registration was withdrawn unused or there was none.
  bool taken() const noexcept {
    // Ordering: relaxed: cancel_wait has just read released_ (acquire) when a notifier took
    // the node; otherwise it is the owner's own 0.
    return released_.load(detail::order::relaxed) != 0;
  }

  /// Internal: 1 once a notifier has copied wake/ctx and let go of the node.
  detail::atomic<std::uint32_t> released_{0};
  /// Internal: lets the model checker see registration and hand-over as plain accesses.
  [[no_unique_address]] detail::race_probe probe_;

  // Internal, for the senders' waiter list (detail/send_waiters.hpp). queued_ and the links are
  // guarded by the list's lock; in_list_ is the owner's own note that it may be queued.
  waiter* next_ = nullptr;   ///< Internal: next node in the senders' waiter list.
  waiter* prev_ = nullptr;   ///< Internal: previous node in the senders' waiter list.
  std::uint8_t queued_ = 0;  ///< Internal: send_waiters::idle, linked or woken
  bool in_list_ = false;     ///< Internal: the owner's note that the node may be queued.
};

}  // namespace flume_lock
