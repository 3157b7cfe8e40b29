// SYSTIMER sleeps for tasks: `co_await sleep_until(t)`, `co_await sleep_for_ms(ms)`.
//
// Comparator 0 raises SYSTIMER_TARGET0; bind its handler once in the firmware's table:
//   ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::systimer_target0,
//                         esp_blink::async::on_systimer_alarm}, ...);
// Any number of tasks sleep at once: each sleep is an entry of one timer queue, sorted by
// deadline, and the comparator is armed for the earliest. The alarm's handler wakes every
// sleep whose deadline has passed and arms the comparator for the next one. A sleep joins the
// queue at its first poll (or completes at once if its deadline has already passed); a sleep
// destroyed early (the losing side of a select) leaves it, and re-arms the comparator if it
// was the earliest. Never early: a sleep completes once the counter has reached its deadline.
#pragma once

#include <esp_blink/async/platform.hpp>
#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/waker.hpp>
#include <esp_blink/systimer.hpp>

#include <stdint.h>

namespace esp_blink::async {

namespace detail {

// A sleep's place in the timer queue. It lives in the sleep awaitable, so in the sleeping
// task's frame; the awaitable takes it out of the queue before it is destroyed.
struct timer_entry {
  timer_entry* next = nullptr;
  uint64_t deadline = 0;
  waker w;
  bool queued = false;
  bool fired = false;
};

// Earliest deadline first (equal deadlines in the order they joined). Changed only inside a
// masked_section: by sleeps on the main flow and by the alarm's handler.
inline timer_entry* timer_queue = nullptr;

// Callers hold a masked_section.
inline void insert_timer(timer_entry& e) {
  timer_entry** at = &timer_queue;
  while (*at != nullptr && (*at)->deadline <= e.deadline) at = &(*at)->next;
  e.next = *at;
  *at = &e;
  e.queued = true;
}

// Callers hold a masked_section.
inline void remove_timer(timer_entry& e) {
  for (timer_entry** at = &timer_queue; *at != nullptr; at = &(*at)->next) {
    if (*at == &e) {
      *at = e.next;
      break;
    }
  }
  e.queued = false;
}

// Wakes every sleep whose deadline has passed, then arms comparator 0 for the earliest one
// left, or turns it off. Callers hold a masked_section.
inline void service_timers() {
  using regs = pac::systimer;
  for (;;) {
    const uint64_t now = systimer::now();
    while (timer_queue != nullptr && timer_queue->deadline <= now) {
      timer_entry& e = *timer_queue;
      timer_queue = e.next;
      e.queued = false;
      e.fired = true;
      e.w.wake();
    }
    if (timer_queue == nullptr) {
      // The comparator may still fire: unheard (arm_alarm0 reprograms it and clears the flag).
      regs::int_ena::modify(regs::int_ena::target0_int_ena::value<0>());
      return;
    }
    systimer::arm_alarm0(timer_queue->deadline);
    regs::int_ena::modify(regs::int_ena::target0_int_ena::value<1>());
    // Reached while arming, the comparator would never fire: look again.
    if (systimer::now() < timer_queue->deadline) return;
  }
}

}  // namespace detail

/// The SYSTIMER_TARGET0 handler: acknowledges the alarm, wakes the sleeps that are due.
inline void on_systimer_alarm() {
  using regs = pac::systimer;
  regs::int_clr::write(regs::int_clr::target0_int_clr::value<1>());
  detail::masked_section masked;
  detail::service_timers();
}

/// The pollable of a sleep (sleep_until(), sleep_for_ms()): joins the timer queue at its first
/// poll, ready once SYSTIMER unit 0 has reached its deadline (never early). Destroyed early, it
/// leaves the queue and re-arms the comparator if it was the earliest.
class sleep_until_op {
 public:
  /// A sleep until `deadline` (SYSTIMER ticks); nothing is armed before the first poll.
  explicit sleep_until_op(uint64_t deadline) noexcept { entry_.deadline = deadline; }
  /// Before the first poll only (a combinator taking its parts by value): not queued yet.
  sleep_until_op(sleep_until_op&& other) noexcept : sleep_until_op(other.entry_.deadline) {}
  sleep_until_op(const sleep_until_op&) = delete;
  sleep_until_op& operator=(const sleep_until_op&) = delete;
  sleep_until_op& operator=(sleep_until_op&&) = delete;
  ~sleep_until_op() {
    if (!entry_.queued) return;
    detail::masked_section masked;
    const bool earliest = detail::timer_queue == &entry_;
    detail::remove_timer(entry_);
    if (earliest) detail::service_timers();
  }

  /// Pollable protocol: ready if the deadline has passed, else queues the sleep and keeps `w`.
  bool poll(const waker& w) {
    detail::masked_section masked;
    if (entry_.fired) return true;
    if (!entry_.queued) {
      detail::insert_timer(entry_);
      // The new earliest: arm for it, or (deadline passed) complete it without arming.
      if (detail::timer_queue == &entry_) detail::service_timers();
      if (entry_.fired) return true;
    }
    entry_.w = w;
    return false;
  }
  /// Pollable protocol: a sleep has no result.
  none take() noexcept { return {}; }

 private:
  detail::timer_entry entry_;
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
