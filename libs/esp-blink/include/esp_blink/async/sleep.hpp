// SYSTIMER sleeps for tasks: `co_await sleep_until(t)`, `co_await sleep_for_ms(ms)`.
//
// Comparator 0 raises SYSTIMER_TARGET0; bind its handler once in the firmware's table:
//   ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::systimer_target0,
//                         esp_blink::async::on_systimer_alarm}, ...);
// A sleep arms the comparator at its first poll and completes when the alarm's handler has
// run (or at once if the deadline has already passed). One comparator: one sleeping task at a
// time (a second is a panic); a sleep destroyed early (the losing side of a select) disarms it.
// Never early: the alarm fires when the counter reaches the deadline.
#pragma once

#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/signal.hpp>
#include <esp_blink/panic.hpp>
#include <esp_blink/systimer.hpp>

#include <stdint.h>

namespace esp_blink::async {

namespace detail {
inline interrupt_signal<> systimer_alarm0;
inline bool systimer_alarm0_taken = false;
}  // namespace detail

/// The SYSTIMER_TARGET0 handler: acknowledges the alarm and completes the waiting sleep.
inline void on_systimer_alarm() {
  using regs = pac::systimer;
  regs::int_clr::write(regs::int_clr::target0_int_clr::value<1>());
  detail::systimer_alarm0.complete();
}

class sleep_until_op {
 public:
  explicit sleep_until_op(uint64_t deadline) noexcept
      : deadline_(deadline), wait_(detail::systimer_alarm0.wait()) {}
  sleep_until_op(sleep_until_op&& other) noexcept
      : deadline_(other.deadline_), wait_(::esp_blink::detail::move(other.wait_)) {}
  sleep_until_op(const sleep_until_op&) = delete;
  sleep_until_op& operator=(const sleep_until_op&) = delete;
  sleep_until_op& operator=(sleep_until_op&&) = delete;
  ~sleep_until_op() { disarm(); }

  bool poll(const waker& w) {
    if (!armed_) {
      if (systimer::now() >= deadline_) return true;
      if (detail::systimer_alarm0_taken) panic("async: two tasks sleep on SYSTIMER comparator 0");
      detail::systimer_alarm0_taken = true;
      armed_ = true;
      detail::systimer_alarm0.reset();
      systimer::arm_alarm0(deadline_);
      using regs = pac::systimer;
      regs::int_ena::modify(regs::int_ena::target0_int_ena::value<1>());
      // Reached while arming: the comparator would never fire.
      if (systimer::now() >= deadline_) {
        disarm();
        return true;
      }
    }
    if (!wait_.poll(w)) return false;
    disarm();
    return true;
  }
  none take() noexcept { return {}; }

 private:
  void disarm() {
    if (!armed_) return;
    armed_ = false;
    detail::systimer_alarm0_taken = false;
    using regs = pac::systimer;
    regs::int_ena::modify(regs::int_ena::target0_int_ena::value<0>());
    regs::conf::modify(regs::conf::target0_work_en::value<0>());
    regs::int_clr::write(regs::int_clr::target0_int_clr::value<1>());
  }

  uint64_t deadline_;
  interrupt_signal<>::wait_op wait_;
  bool armed_ = false;
};

/// Completes when SYSTIMER unit 0 reaches `deadline` (ticks of 1/16 us, systimer::now()).
inline sleep_until_op sleep_until(uint64_t deadline) noexcept {
  return sleep_until_op(deadline);
}

/// Completes `ms` milliseconds from now.
inline sleep_until_op sleep_for_ms(uint32_t ms) {
  return sleep_until_op(systimer::now() + uint64_t{ms} * 1000u * systimer::ticks_per_us);
}

}  // namespace esp_blink::async
