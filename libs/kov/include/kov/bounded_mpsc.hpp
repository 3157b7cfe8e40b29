// kov::bounded_mpsc: a multi-producer channel of bounded capacity into one receiving task, on
// flume-lock's bounded queue. A full channel pushes back: send() waits for room.
//
//   auto [tx, rx] = kov::bounded_mpsc<int>(64);
//   co_await tx.send(1);                               // in a task: waits while 64 are queued
//   std::thread([tx] { (void)tx.send_blocking(2); }).detach();   // other threads: block
//   kov::result<int> v = co_await rx.recv();           // errc::closed once closed and drained
//
// Waiting senders are woken in the order they started waiting, one per freed slot; a sender
// woken for a slot that another sender took first keeps its place at the head. A sender that is
// abandoned (aborted, timed out, lost a when_any) while woken passes its wake to the next one:
// a freed slot is never stranded. Its value is dropped (it was never queued). New senders may
// take a free slot ahead of waiting ones (send's fast path does not look at the queue of
// waiters). The receiving half is kov::mpsc_receiver: its recv() is cancel-safe.
#pragma once

#include <flume_lock/channel.hpp>
#include <flume_lock/waiter.hpp>
#include <kov/detail/room_wait.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/detail/try_then_task.hpp>
#include <kov/mpsc.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <coroutine>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>

namespace kov {

namespace detail {

// Converts a flume-lock send status that is not `full` into kov's result.
inline result<void> sent(flume_lock::status s) {
  if (s == flume_lock::status::ok) return {};
  return errc::closed;
}

// Awaits one room_wait::poll() of `what` (the value to send, or the permit to fill), sleeping
// when it queued the task; `status` tells which.
template <class T, class What>
class room_attempt {
 public:
  room_attempt(room_wait<T>& w, What& value, flume_lock::status& status) noexcept
      : w_(w), value_(value), status_(status) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) {
    status_ = w_.poll(value_);
    return status_ == flume_lock::status::full;  // queued: sleep until woken
  }
  void await_resume() const noexcept {}

 private:
  room_wait<T>& w_;
  What& value_;
  flume_lock::status& status_;
};

// The current task's wake slot (a reference the wait keeps while it may be woken).
inline slot_ref current_wake_slot() {
  slot_ref slot = task_ref::current().wake_slot();
  KOV_ASSERT(slot, "sending outside a kov task");
  return slot;
}

}  // namespace detail

/// One slot of a bounded_mpsc's capacity (bounded_mpsc_sender::reserve): `permit.send(v)` cannot
/// fail; dropping an unused permit gives the slot back, waking the next waiting sender once the
/// receiver passes it. See flume_lock::send_permit.
template <class T>
using bounded_mpsc_permit = flume_lock::send_permit<T>;

// Invariant: tx_ is a live flume-lock sender of a bounded channel (copies share the channel;
// the channel closes when the last one is gone).
template <class T>
/// The sending end of a `bounded_mpsc()` channel. Copyable, and usable from any thread (the
/// awaiting `send()` and `reserve()` only in a kov task); the copies share the channel, which
/// closes when the last of them is gone. Waiting senders get room in FIFO order.
class bounded_mpsc_sender {
 public:
  /// Wraps a flume-lock sender of a bounded channel (used by `bounded_mpsc()`).
  explicit bounded_mpsc_sender(flume_lock::sender<T> tx) noexcept : tx_(std::move(tx)) {}

  class send_op;

  /// Queues `value`, waiting while the channel is full. errc::closed if the receiver is gone or
  /// the channel was closed. Abandoned while waiting: `value` is dropped, the wait's place and
  /// any wake it got pass to the next waiting sender. Only in a kov task. A send that finds
  /// room completes without a coroutine frame; nothing happens before it is awaited.
  send_op send(T value) const { return send_op(*this, std::move(value)); }

  /// Waits for room and holds one slot of it in the returned permit, whose send() cannot fail.
  /// errc::closed if the receiver is gone or the channel was closed. Waiting reservers and
  /// senders share one FIFO. Abandoned while waiting: nothing was claimed, and a wake it got
  /// passes to the next waiting sender. Only in a kov task.
  task<result<bounded_mpsc_permit<T>>> reserve() const {
    if (!detail::coop_proceed()) co_await yield_now();
    bounded_mpsc_permit<T> permit;
    flume_lock::status s = tx_.try_reserve(permit);
    if (s == flume_lock::status::full) {
      detail::room_wait<T> wait(tx_, detail::current_wake_slot());
      do {
        co_await detail::room_attempt<T, bounded_mpsc_permit<T>>(wait, permit, s);
      } while (s == flume_lock::status::full);
    }
    if (s != flume_lock::status::ok) co_return errc::closed;
    co_return std::move(permit);
  }

  /// A permit if there is room now: errc::would_block if full, errc::closed if closed. Any
  /// thread.
  result<bounded_mpsc_permit<T>> try_reserve() const {
    bounded_mpsc_permit<T> permit;
    const flume_lock::status s = tx_.try_reserve(permit);
    if (s == flume_lock::status::full) return errc::would_block;
    if (s != flume_lock::status::ok) return errc::closed;
    return permit;
  }

  /// Queues `value` if there is room now: errc::would_block if full, errc::closed if closed; in
  /// both cases `value` is left untouched. Any thread.
  result<void> try_send(T&& value) const {
    const flume_lock::status s = tx_.try_send(std::move(value));
    if (s == flume_lock::status::full) return errc::would_block;
    return detail::sent(s);
  }

  /// Queues `value`, blocking the calling thread while the channel is full (for threads that are
  /// not kov tasks). errc::closed as send().
  result<void> send_blocking(T value) const { return detail::sent(tx_.send(std::move(value))); }

  /// Stops further sends; what is queued can still be received.
  void close() const noexcept { tx_.close(); }
  /// True once the channel is closed (`close()` from either end, or the receiver gone).
  bool is_closed() const noexcept { return tx_.is_closed(); }

 private:
  flume_lock::sender<T> tx_;
};

/// The awaitable of bounded_mpsc_sender::send(); the sender must outlive it.
template <class T>
class bounded_mpsc_sender<T>::send_op
    : public detail::try_then_task<bounded_mpsc_sender<T>::send_op, result<void>> {
 public:
  /// A send of `value` on `sender`'s channel; nothing happens before it is awaited.
  send_op(const bounded_mpsc_sender& sender, T value)
      : sender_(&sender), value_(std::move(value)) {}

  /// try_then_task's fast half: done unless the channel is full (try_send moves only on ok).
  std::optional<result<void>> try_now() {
    const flume_lock::status s = sender_->tx_.try_send(std::move(value_));
    if (s == flume_lock::status::full) return std::nullopt;
    return detail::sent(s);
  }

  /// The waiting half: waits for room in FIFO order. After a failed try_now it goes straight
  /// to the wait, whose first poll tries again before it queues.
  task<result<void>> wait(bool yield_first) {
    const flume_lock::sender<T>& tx = sender_->tx_;
    flume_lock::status s = flume_lock::status::full;
    if (yield_first) {
      co_await yield_now();
      s = tx.try_send(std::move(value_));
      if (s != flume_lock::status::full) co_return detail::sent(s);
    }
    detail::room_wait<T> wait(tx, detail::current_wake_slot());
    for (;;) {
      // try_send and poll_send move from `value_` only when they return ok (and then we return).
      co_await detail::room_attempt<T, T>(wait, value_, s);  // NOLINT(bugprone-use-after-move)
      if (s != flume_lock::status::full) co_return detail::sent(s);
    }
  }

 private:
  const bounded_mpsc_sender* sender_;
  T value_;
};

/// A channel holding at most `capacity` (>= 1) messages; capacity 0 throws std::invalid_argument
/// (as tokio's bounded channel refuses it: a send awaiting room needs at least one slot).
template <class T>
std::pair<bounded_mpsc_sender<T>, mpsc_receiver<T>> bounded_mpsc(std::size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("kov::bounded_mpsc: capacity must be at least 1");
  auto [tx, rx] = flume_lock::bounded<T>(capacity);
  return {bounded_mpsc_sender<T>(std::move(tx)), mpsc_receiver<T>(std::move(rx))};
}

}  // namespace kov
