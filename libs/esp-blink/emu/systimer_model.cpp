// SYSTIMER registers: docs/esp32c3.md, "SYSTIMER".
#include "systimer_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t conf = 0x00, unit0_op = 0x04, target0_hi = 0x1C, target0_lo = 0x20,
                   unit0_value_hi = 0x40, unit0_value_lo = 0x44, comp0_load = 0x50, int_ena = 0x64,
                   int_raw = 0x68, int_st = 0x70;
constexpr uint32_t target0_work_en = bit(24), update = bit(30), target0_int = bit(0);

}  // namespace

uint64_t systimer_model::ticks(uint64_t cycles) const {
  const uint64_t cpu_hz = ctx_.clocks.cpu_hz, hz = ctx_.clocks.systimer_hz;
  return cycles / cpu_hz * hz + cycles % cpu_hz * hz / cpu_hz;
}

bool systimer_model::armed() const {
  return (ctx_.regs.peek(systimer_base + conf) & target0_work_en) != 0;
}

void systimer_model::advance(uint64_t now) {
  if (armed() && !target0_fired_ && ticks(now) >= target0_loaded_) {
    target0_fired_ = true;
    ctx_.regs.poke(systimer_base + int_raw, ctx_.regs.peek(systimer_base + int_raw) | target0_int);
  }
}

bool systimer_model::interrupt() const {
  return (ctx_.regs.peek(systimer_base + int_raw) & ctx_.regs.peek(systimer_base + int_ena) &
          target0_int) != 0;
}

uint64_t systimer_model::next_alarm_cycle() const {
  if (!armed() || target0_fired_) return UINT64_MAX;
  // The first cycle c with ticks(c) >= target: ceil(target * cpu_hz / systimer_hz), split so
  // that a 52-bit target does not overflow.
  const uint64_t cpu_hz = ctx_.clocks.cpu_hz, hz = ctx_.clocks.systimer_hz;
  const uint64_t whole = target0_loaded_ / hz, rest = target0_loaded_ % hz;
  return whole * cpu_hz + (rest * cpu_hz + hz - 1) / hz;
}

uint32_t systimer_model::read(uint32_t offset, uint64_t now) {
  register_file& regs = ctx_.regs;
  switch (offset) {
    case unit0_value_hi:
      return static_cast<uint32_t>(latched_ticks_ >> 32) & 0xFFFFFu;
    case unit0_value_lo:
      return static_cast<uint32_t>(latched_ticks_);
    case int_raw: {
      const uint64_t t = ticks(now);
      const bool armed = (regs.peek(systimer_base + conf) & target0_work_en) != 0;
      if (armed && !target0_fired_ && t >= target0_loaded_) {
        target0_fired_ = true;
        regs.poke(systimer_base + int_raw, regs.peek(systimer_base + int_raw) | target0_int);
      }
      if (armed && !target0_fired_ && ctx_.repeated_read) {
        // Second poll in a row with nothing else happening: skip to the alarm.
        const uint64_t remaining = target0_loaded_ - t;
        ctx_.idle_skip = (remaining * ctx_.clocks.cpu_hz + ctx_.clocks.systimer_hz - 1) /
                         ctx_.clocks.systimer_hz;
      }
      return regs.peek(systimer_base + int_raw) & target0_int;
    }
    case int_st:
      return regs.peek(systimer_base + int_raw) & regs.peek(systimer_base + int_ena) & target0_int;
    default:
      return regs.read(systimer_base + offset);  // UNIT0_OP reads VALUE_VALID at once
  }
}

void systimer_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  switch (offset) {
    case unit0_op:
      if (value & update) latched_ticks_ = ticks(now);
      break;
    case comp0_load:
      if (value & 1u) {
        target0_loaded_ = uint64_t{ctx_.regs.peek(systimer_base + target0_hi) & 0xFFFFFu} << 32 |
                          ctx_.regs.peek(systimer_base + target0_lo);
        target0_fired_ = false;
      }
      break;
    default:
      ctx_.regs.write(systimer_base + offset, value);  // INT_CLR clears INT_RAW
  }
}

}  // namespace esp_blink::emu
