// interrupt_signal: an event an interrupt handler completes and one task awaits.
//
//   esp_blink::async::interrupt_signal<> button;          // in the handler: button.complete();
//   co_await button.wait();                               // in a task
//
// The building block of the hardware awaitables (SYSTIMER alarm, GPIO edge, UART bytes, I2C
// completion): the handler clears its peripheral's status, completes the signal, and the
// waiting task resumes. The signal latches: a completion before the wait is not lost, and the
// next wait takes it at once. Completions that pile up before a wait take them merge into one
// (the latest value wins), as a level or edge flag in a register does; use an isr_channel
// when every event counts. One task waits at a time.
#pragma once

#include <esp_blink/async/platform.hpp>
#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/waker.hpp>

namespace esp_blink::async {

/// An event an interrupt handler completes (with a `T`) and one task awaits. Latches: a
/// completion before the wait is taken at once; completions before a wait merge (the latest
/// value wins). One task waits at a time. Every access to the shared state is masked.
template <typename T = none>
class interrupt_signal {
 public:
  class wait_op;

  /// Completes the signal and wakes its waiter. Legal in an interrupt handler.
  void complete(T value = T{}) noexcept {
    detail::masked_section masked;
    value_ = value;
    complete_ = true;
    waiter_.wake();
  }

  /// Forgets a completion no wait has taken (before arming a new event).
  void reset() noexcept {
    detail::masked_section masked;
    complete_ = false;
  }

  /// Whether a completion is waiting to be taken by a wait.
  bool is_complete() const noexcept { return complete_; }
  /// Whether a pending wait has parked its task's waker here.
  bool has_waiter() const noexcept { return waiter_.valid(); }

  /// The awaitable: completes with the value of the completion it takes.
  wait_op wait() noexcept { return wait_op(*this); }

  /// The pollable wait() returns; it forgets its waker when destroyed (e.g. losing a select).
  class wait_op {
   public:
    /// A wait on `s`.
    explicit wait_op(interrupt_signal& s) noexcept : signal_(&s), claim_(s.waiter_) {}

    /// Pollable protocol: takes a pending completion, or parks `w` on the signal.
    bool poll(const waker& w) noexcept {
      detail::masked_section masked;
      if (signal_->complete_) {
        signal_->complete_ = false;
        value_ = signal_->value_;
        claim_.release();
        return true;
      }
      claim_.park(w);
      return false;
    }
    /// Pollable protocol: the value of the completion taken.
    T take() noexcept { return value_; }

   private:
    interrupt_signal* signal_;
    detail::waker_claim claim_;
    T value_{};
  };

 private:
  T value_{};
  bool complete_ = false;
  waker waiter_;
};

}  // namespace esp_blink::async
