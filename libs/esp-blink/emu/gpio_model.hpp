// GPIO model: OUT and ENABLE with their W1TS/W1TC aliases, IN, and an edge log of every
// visible level change, whether GPIO_OUT or a peripheral signal (RMT) drives the pin, or the
// stimulus an input pin. Input pins raise interrupts as PINn.INT_TYPE says (1 rising,
// 2 falling, 3 any edge, 4 low level, 5 high level) into STATUS; the GPIO source is asserted
// while a STATUS bit of a pin with PINn.INT_ENA bit 0 (CPU interrupt) is set.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace esp_blink::emu {

inline constexpr uint32_t gpio_base = 0x60004000;
inline constexpr unsigned gpio_pins = 22;

struct gpio_edge {
  uint64_t cycle;
  uint64_t instructions;
  unsigned pin;
  bool level;
};

class gpio_model final : public peripheral_model {
 public:
  explicit gpio_model(model_context& ctx) : ctx_(ctx) {}

  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  /// A peripheral signal routed through the matrix drives `pin` to `level` at `cycle`.
  void drive_pin(unsigned pin, bool level, uint64_t cycle);
  /// The matrix output signal selected for `pin` (FUNCn_OUT_SEL_CFG.OUT_SEL).
  uint32_t out_signal(unsigned pin) const;
  bool output_enabled(unsigned pin) const { return (enable() >> pin) & 1u; }
  bool level(unsigned pin) const { return (out() >> pin) & 1u; }
  void set_input_levels(uint32_t levels) { input_levels_ = levels; }
  /// The stimulus moves undriven input `pin` to `level` at `cycle`: an edge, maybe an interrupt.
  void set_input(unsigned pin, bool level, uint64_t cycle);
  /// Level-type pins whose level holds set their STATUS bit again (after a clear, too).
  void refresh_level_interrupts();
  /// The GPIO interrupt source (PCPU_INT != 0).
  bool interrupt() const { return cpu_interrupt_status() != 0; }
  const std::vector<gpio_edge>& edges() const { return edges_; }

  std::function<void(const gpio_edge&)> on_edge;

 private:
  uint32_t out() const;
  uint32_t enable() const;
  uint32_t int_type(unsigned pin) const;
  uint32_t cpu_interrupt_status() const;  // PCPU_INT
  void record(unsigned pin, bool level, uint64_t cycle);

  model_context& ctx_;
  uint32_t input_levels_ = 0;       // what undriven pins read
  uint32_t peripheral_levels_ = 0;  // pins driven by a peripheral signal, not by GPIO_OUT
  uint32_t cpu_int_pins_ = 0;       // PINn.INT_ENA bit 0 set
  uint32_t level_pins_ = 0;         // PINn.INT_TYPE is a level type
  std::vector<gpio_edge> edges_;
};

}  // namespace esp_blink::emu
