// SYSTIMER unit 0 (16 MHz, counting from reset) as a clock and a delay.
//
// A delay arms comparator 0 and waits for its raw interrupt bit instead of comparing the
// counter in a loop: the wait has one obvious meaning to a reader and to the emulator, which
// skips idle time to the alarm instead of executing millions of polls. Very short delays poll
// the counter instead (see alarm_threshold_ticks).
#pragma once

#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/systimer.hpp>

#include <stdint.h>

namespace esp_blink::systimer {

/// The SYSTIMER register block.
using regs = pac::systimer;

inline constexpr uint32_t ticks_per_us = 16;  ///< 16 MHz: docs/esp32c3.md, "SYSTIMER"

/// Unit 0's counter (52 bits) in ticks of 1/16 us.
inline uint64_t now() {
  regs::unit0_op::write(regs::unit0_op::timer_unit0_update::value<1>());
  while (regs::unit0_op::timer_unit0_value_valid::read() == 0) {
  }
  // The update latched one snapshot; hi then lo of the same snapshot.
  const uint64_t hi = regs::unit0_value_hi::timer_unit0_value_hi::read();
  const uint32_t lo = regs::unit0_value_lo::read();
  return (hi << 32) | lo;
}

/// Below this many ticks (4 us) a delay polls the counter: arming the alarm takes a few
/// hundred nanoseconds itself, and an alarm loaded after its target has passed would not fire.
inline constexpr uint64_t alarm_threshold_ticks = 64;

/// Arms comparator 0 one-shot at `target` (unit 0 ticks) with its raw bit cleared. The raw bit
/// rises when the counter reaches the target; an already passed target never fires.
inline void arm_alarm0(uint64_t target) {
  regs::conf::modify(regs::conf::target0_work_en::value<0>());
  regs::target0_conf::write_raw(0);  // one-shot, counts unit 0
  regs::target0_hi::write_raw(static_cast<uint32_t>(target >> 32));
  regs::target0_lo::write_raw(static_cast<uint32_t>(target));
  regs::comp0_load::write(regs::comp0_load::timer_comp0_load::value<1>());
  regs::int_clr::write(regs::int_clr::target0_int_clr::value<1>());
  regs::conf::modify(regs::conf::target0_work_en::value<1>());
}

/// Returns once `ticks` ticks have elapsed (alarm 0 is used and left armed for long delays).
inline void delay_ticks(uint64_t ticks) {
  if (ticks < alarm_threshold_ticks) {
    const uint64_t end = now() + ticks;
    while (now() < end) {
    }
    return;
  }
  arm_alarm0(now() + ticks);
  while (regs::int_raw::target0_int_raw::read() == 0) {
  }
}

/// Returns once at least `us` microseconds have elapsed.
inline void delay_us(uint32_t us) {
  delay_ticks(uint64_t{us} * ticks_per_us);
}
/// Returns once at least `ms` milliseconds have elapsed.
inline void delay_ms(uint32_t ms) {
  delay_ticks(uint64_t{ms} * 1000u * ticks_per_us);
}

/// The delays as an object, for drivers written against hal::delay_ns. Nanoseconds round up
/// to whole ticks (62.5 ns), so a delay is never shorter than asked.
struct delay {
  /// Waits at least `ns` nanoseconds (rounded up to whole ticks).
  void delay_ns(uint32_t ns) { delay_ticks((uint64_t{ns} * ticks_per_us + 999u) / 1000u); }
  /// Waits at least `us` microseconds.
  void delay_us(uint32_t us) { systimer::delay_us(us); }
  /// Waits at least `ms` milliseconds.
  void delay_ms(uint32_t ms) { systimer::delay_ms(ms); }
};
static_assert(hal::delay_ns<delay>);

}  // namespace esp_blink::systimer
