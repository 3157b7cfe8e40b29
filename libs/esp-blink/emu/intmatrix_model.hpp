// Interrupt matrix model (INTERRUPT_CORE0): peripheral sources routed to CPU lines, and the
// CPU-side enable, type, clear, pending, priority and threshold registers.
//
// The peripherals feed the level of every source (set_sources); the CPU asks which line it
// would take (ready_line). Level lines are pending while a mapped source is asserted; edge
// lines latch a rising level and stay pending until CPU_INT_CLEAR. Addresses and the taking
// rule: docs/esp32c3.md, "Interrupts".
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t intmatrix_base = 0x600C2000;
inline constexpr unsigned interrupt_sources = 62;  // map registers +0x000 .. +0x0F4
inline constexpr unsigned cpu_lines = 32;

// Source numbers (the SVD's <interrupt> values).
inline constexpr unsigned source_gpio = 16, source_uart0 = 21, source_i2c_ext0 = 29,
                          source_systimer_target0 = 37, source_from_cpu0 = 50;

class intmatrix_model final : public peripheral_model {
 public:
  explicit intmatrix_model(model_context& ctx) : ctx_(ctx) {}

  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  /// Bit s: source s is asserted now. Latches the rising edges of edge lines.
  void set_sources(uint64_t levels);
  /// Lines pending (CPU_INT_EIP_STATUS), enabled or not.
  uint32_t pending() const;
  /// The line the CPU takes next: pending, enabled, priority at least max(threshold, 1); the
  /// highest priority wins, the lower line number on a tie. 0: none.
  unsigned ready_line() const;
  /// The CPU line source `s` is routed to (0: none).
  unsigned line_of(unsigned source) const;

 private:
  uint32_t reg(uint32_t offset) const { return ctx_.regs.peek(intmatrix_base + offset); }
  uint32_t line_levels() const;
  void latch_edges();

  model_context& ctx_;
  uint64_t sources_ = 0;
  uint32_t previous_levels_ = 0;
  uint32_t edge_latch_ = 0;
};

}  // namespace esp_blink::emu
