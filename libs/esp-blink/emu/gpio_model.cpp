// GPIO registers: docs/esp32c3.md, "GPIO and IO_MUX".
#include "gpio_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t out_reg = 0x04, out_w1tc = 0x0C, enable_reg = 0x20, enable_w1tc = 0x28,
                   in_reg = 0x3C, status = 0x44, pcpu_int = 0x5C, pin0 = 0x74,
                   func_out_sel_cfg = 0x554;
constexpr uint32_t int_rising = 1, int_falling = 2, int_any = 3, int_low = 4, int_high = 5;
constexpr uint32_t int_ena_cpu = bit(13);
constexpr uint32_t pin_mask = (1u << gpio_pins) - 1;

}  // namespace

uint32_t gpio_model::out() const {
  return ctx_.regs.peek(gpio_base + out_reg);
}
uint32_t gpio_model::enable() const {
  return ctx_.regs.peek(gpio_base + enable_reg);
}

uint32_t gpio_model::out_signal(unsigned pin) const {
  return ctx_.regs.peek(gpio_base + func_out_sel_cfg + 4 * pin) & 0xFFu;
}

uint32_t gpio_model::int_type(unsigned pin) const {
  return (ctx_.regs.peek(gpio_base + pin0 + 4 * pin) >> 7) & 7u;
}

uint32_t gpio_model::cpu_interrupt_status() const {
  return cpu_int_pins_ == 0 ? 0 : ctx_.regs.peek(gpio_base + status) & cpu_int_pins_;
}

void gpio_model::set_input(unsigned pin, bool level, uint64_t cycle) {
  const uint32_t mask = 1u << pin;
  if (((input_levels_ & mask) != 0) == level) return;
  input_levels_ ^= mask;
  if ((enable() & mask) == 0) record(pin, level, cycle);  // a driven pin shows its output
  const uint32_t type = int_type(pin);
  if (type == int_any || (type == int_rising && level) || (type == int_falling && !level)) {
    ctx_.regs.poke(gpio_base + status, ctx_.regs.peek(gpio_base + status) | mask);
  }
  refresh_level_interrupts();
}

void gpio_model::refresh_level_interrupts() {
  if (level_pins_ == 0) return;
  uint32_t set = 0;
  for (unsigned pin = 0; pin < gpio_pins; ++pin) {
    const uint32_t type = int_type(pin);
    const bool high = ((input_levels_ >> pin) & 1u) != 0;
    if ((type == int_low && !high) || (type == int_high && high)) set |= 1u << pin;
  }
  if (set != 0) ctx_.regs.poke(gpio_base + status, ctx_.regs.peek(gpio_base + status) | set);
}

uint32_t gpio_model::read(uint32_t offset, uint64_t) {
  if (offset == pcpu_int) return cpu_interrupt_status();
  if (offset == in_reg) {  // driven pins read back their level, the others the stimulus
    return (out() & enable()) | (input_levels_ & ~enable());
  }
  return ctx_.regs.read(gpio_base + offset);
}

void gpio_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  const uint32_t before = out() & enable();
  ctx_.regs.write(gpio_base + offset, value);
  if (offset >= pin0 && offset < pin0 + 4 * gpio_pins) {  // PINn: keep the interrupt masks
    const uint32_t mask = 1u << (offset - pin0) / 4, type = (value >> 7) & 7u;
    cpu_int_pins_ = (value & int_ena_cpu) != 0 ? cpu_int_pins_ | mask : cpu_int_pins_ & ~mask;
    level_pins_ = type == int_low || type == int_high ? level_pins_ | mask : level_pins_ & ~mask;
  }
  const bool drives =
      (offset >= out_reg && offset <= out_w1tc) || (offset >= enable_reg && offset <= enable_w1tc);
  if (!drives) return;
  ctx_.regs.poke(gpio_base + out_reg, out() & pin_mask);
  ctx_.regs.poke(gpio_base + enable_reg, enable() & pin_mask);
  // A pin that starts or stops driving is an edge too, if its visible level changes.
  const uint32_t after = out() & enable();
  for (unsigned pin = 0; pin < gpio_pins; ++pin) {
    if (((before ^ after) >> pin) & 1u) record(pin, ((after >> pin) & 1u) != 0, now);
  }
}

void gpio_model::drive_pin(unsigned pin, bool level, uint64_t cycle) {
  const bool before = ((peripheral_levels_ >> pin) & 1u) != 0;
  if (before == level) return;
  peripheral_levels_ ^= 1u << pin;
  record(pin, level, cycle);
}

void gpio_model::record(unsigned pin, bool level, uint64_t cycle) {
  const gpio_edge e{cycle, ctx_.instructions, pin, level};
  edges_.push_back(e);
  if (on_edge) on_edge(e);
}

}  // namespace esp_blink::emu
