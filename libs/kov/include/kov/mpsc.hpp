// kov::mpsc: an unbounded multi-producer channel into one receiving task, on flume-lock.
//
//   auto [tx, rx] = kov::mpsc<int>();
//   std::thread([tx] { (void)tx.send(1); }).detach();   // senders: any thread, copyable
//   kov::result<int> v = co_await rx.recv();            // errc::closed once all senders are gone
//
// Cancel-safety of recv(): a message is taken off the queue only in the step that completes the
// receive, so abandoning a recv() (abort, timeout, losing a when_any) never drops a message: it
// stays queued for the next recv(). T must be default-constructible and movable.
#pragma once

#include <flume_lock/channel.hpp>
#include <flume_lock/waiter.hpp>
#include <kov/detail/remote.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/detail/try_then_task.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <concepts>
#include <optional>
#include <utility>

namespace kov {

// Invariant: tx_ is a live flume-lock sender (copies share the channel; the channel closes when
// the last one is gone).
template <class T>
/// A sending end of a `mpsc()` channel. Copyable, and usable from any thread; the copies share
/// the channel, which closes when the last of them is gone.
class mpsc_sender {
 public:
  /// Wraps a flume-lock sender (used by `mpsc()`).
  explicit mpsc_sender(flume_lock::sender<T> tx) noexcept : tx_(std::move(tx)) {}

  /// Queues `value` (never waits). errc::closed if the receiver is gone or closed the channel.
  result<void> send(T value) const {
    if (tx_.send(std::move(value)) == flume_lock::status::ok) return {};
    return errc::closed;
  }
  /// Closes the channel from this side: later sends fail; what is queued is still received.
  void close() const noexcept { tx_.close(); }

 private:
  flume_lock::sender<T> tx_;
};

namespace detail {

// Parks the receiving task on the channel through flume-lock's waiter hook.
//
// Invariant: while waiter_ may be registered, slot_ holds the reference that waiter_.ctx points
// at. A notifier that takes the node lets go of it before it calls wake, so cancel_wait may
// return while that call still runs: the reference then belongs to the wake call, which drops
// it after its last touch of the slot. The destructor drops it only if no notifier took the node.
template <class T>
class message_wait {
 public:
  message_wait(flume_lock::receiver<T>& rx, T& out, flume_lock::status& status) noexcept
      : rx_(rx), out_(out), status_(status) {}
  message_wait(const message_wait&) = delete;
  message_wait& operator=(const message_wait&) = delete;
  ~message_wait() {
    rx_.cancel_wait(waiter_);
    if (waiter_.taken()) (void)slot_.detach();  // the wake call owns the reference now
  }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) {
    slot_ = task_ref::current().wake_slot();
    KOV_ASSERT(slot_, "receiving outside a kov task");
    waiter_.wake = &wake;
    waiter_.ctx = slot_.get();
    status_ = rx_.poll_recv(out_, waiter_);
    return status_ == flume_lock::status::empty;  // registered: sleep until a send or close
  }
  void await_resume() const noexcept {}

 private:
  static void wake(void* ctx) noexcept {
    // Adopts the registration's reference (see the invariant): the slot outlives this call even
    // if the receive was abandoned and its task finished meanwhile on the runtime's thread.
    const slot_ref ref(static_cast<remote_slot*>(ctx));
    remote_wake(*ref.get());
  }

  flume_lock::receiver<T>& rx_;
  T& out_;
  flume_lock::status& status_;
  slot_ref slot_;
  flume_lock::waiter waiter_{};
};

}  // namespace detail

// Invariant: at most one recv() is in progress; a message leaves rx_ only in the recv() step
// that completes.
template <class T>
/// The receiving end of a `mpsc()` or `bounded_mpsc()` channel, for one receiving task.
/// `recv()` is cancel-safe: a message leaves the queue only in the step that completes the
/// receive, so an abandoned `recv()` drops nothing. `T` must be default-constructible and movable.
class mpsc_receiver {
  static_assert(std::default_initializable<T> && std::movable<T>,
                "kov::mpsc needs a default-constructible, movable message type");

 public:
  /// Wraps a flume-lock receiver (used by `mpsc()` and `bounded_mpsc()`).
  explicit mpsc_receiver(flume_lock::receiver<T> rx) noexcept : rx_(std::move(rx)) {}

  class recv_op;

  /// The next message; errc::closed once the channel is closed and drained. One recv at a time.
  /// A receive that finds a message ready completes without a coroutine frame; nothing is taken
  /// before it is awaited.
  recv_op recv() { return recv_op(*this); }

  /// A message if one is ready: errc::would_block if none, errc::closed if none ever will be.
  result<T> try_recv() {
    T out{};
    switch (rx_.try_recv(out)) {
      case flume_lock::status::ok:
        return result<T>(std::in_place, std::move(out));
      case flume_lock::status::empty:
        return errc::would_block;
      default:
        return errc::closed;
    }
  }

  /// Stops further sends; what is queued can still be received.
  void close() noexcept { rx_.close(); }

 private:
  flume_lock::receiver<T> rx_;
};

/// The awaitable of mpsc_receiver::recv(); the receiver must outlive it.
template <class T>
class mpsc_receiver<T>::recv_op
    : public detail::try_then_task<mpsc_receiver<T>::recv_op, result<T>> {
 public:
  /// A receive on `receiver`; nothing is taken before it is awaited.
  explicit recv_op(mpsc_receiver& receiver) noexcept : receiver_(&receiver) {}

  /// try_then_task's fast half: a message, or the end, if there is one now.
  std::optional<result<T>> try_now() {
    T out{};
    const flume_lock::status s = receiver_->rx_.try_recv(out);
    if (s == flume_lock::status::ok) return result<T>(std::in_place, std::move(out));
    if (s == flume_lock::status::empty) return std::nullopt;
    return result<T>(errc::closed);
  }

  /// The waiting half: parks on the channel until a message or the close. After a failed
  /// try_now it parks at once (the registration looks again before it sleeps).
  task<result<T>> wait(bool yield_first) {
    flume_lock::receiver<T>& rx = receiver_->rx_;
    T out{};
    for (bool just_tried = !yield_first;; just_tried = false) {
      flume_lock::status s = flume_lock::status::empty;
      if (!just_tried) {
        if (!detail::coop_proceed()) co_await yield_now();
        s = rx.try_recv(out);
      }
      if (s == flume_lock::status::empty) {
        co_await detail::message_wait<T>(rx, out, s);
        if (s == flume_lock::status::empty) continue;  // woken: look again
      }
      if (s == flume_lock::status::ok) co_return result<T>(std::in_place, std::move(out));
      co_return errc::closed;
    }
  }

 private:
  mpsc_receiver* receiver_;
};

template <class T>
/// Creates an unbounded multi-producer channel into one receiving task; returns its two ends.
std::pair<mpsc_sender<T>, mpsc_receiver<T>> mpsc() {
  auto [tx, rx] = flume_lock::channel<T>();
  return {mpsc_sender<T>(std::move(tx)), mpsc_receiver<T>(std::move(rx))};
}

}  // namespace kov
