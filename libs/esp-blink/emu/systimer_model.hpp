// SYSTIMER model: unit 0 counts virtual time at 16 MHz, UPDATE snapshots it, and alarm 0 fires
// once per COMP0_LOAD. Polling the alarm twice in a row asks the machine to skip to it.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t systimer_base = 0x60023000;

class systimer_model final : public peripheral_model {
 public:
  explicit systimer_model(model_context& ctx) : ctx_(ctx) {}

  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  /// SYSTIMER ticks after `cycles` CPU cycles.
  uint64_t ticks(uint64_t cycles) const;
  /// Raises alarm 0's INT_RAW bit once virtual time has reached its target.
  void advance(uint64_t now);
  /// The SYSTIMER_TARGET0 source: INT_RAW & INT_ENA, bit 0.
  bool interrupt() const;
  /// The cycle at which the armed alarm 0 fires (UINT64_MAX: none armed).
  uint64_t next_alarm_cycle() const;

 private:
  bool armed() const;

  model_context& ctx_;
  uint64_t latched_ticks_ = 0;
  uint64_t target0_loaded_ = 0;
  bool target0_fired_ = false;  // one-shot: fires once per COMP0_LOAD
};

}  // namespace esp_blink::emu
