// The host-test register file: the emulator's register_file, with a UART0 and a SYSTIMER that
// answer without time (docs/esp32c3.md, "UART0" and "SYSTIMER").
#include "register_file_fake.hpp"

namespace esp_blink::test {
namespace {

constexpr uint32_t uart0_fifo = 0x60000000, uart0_status = 0x6000001C;
constexpr uint32_t systimer = 0x60023000, systimer_unit0_op = systimer + 0x04,
                   systimer_target0_hi = systimer + 0x1C, systimer_target0_lo = systimer + 0x20,
                   systimer_value_hi = systimer + 0x40, systimer_value_lo = systimer + 0x44,
                   systimer_comp0_load = systimer + 0x50, systimer_int_raw = systimer + 0x68;

}  // namespace

size_t register_file_fake::writes_to(uint32_t address) const {
  size_t n = 0;
  for (const auto& a : log) n += a.is_write && a.address == address ? 1 : 0;
  return n;
}

size_t register_file_fake::reads_from(uint32_t address) const {
  size_t n = 0;
  for (const auto& a : log) n += !a.is_write && a.address == address ? 1 : 0;
  return n;
}

uint32_t register_file_fake::read(uint32_t address) {
  uint32_t value = regs_.read(address);
  if (address == uart0_status) {
    value = static_cast<uint32_t>(uart0_rx.size());  // TXFIFO_CNT 0: drained at once
  } else if (address == uart0_fifo) {
    value = 0;
    if (!uart0_rx.empty()) {
      value = uart0_rx.front();
      uart0_rx.pop_front();
    }
  } else if (address >= systimer && address < systimer + 0x100) {
    systimer_ticks += ticks_per_read;
    if (address == systimer_int_raw) {
      const uint64_t target = uint64_t{peek(systimer_target0_hi)} << 32 | peek(systimer_target0_lo);
      const bool armed = (peek(systimer) >> 24) & 1u;
      if (armed && peek(systimer_comp0_load) == 1 && systimer_ticks >= target) {
        poke(address, peek(address) | 1u);
      }
      value = peek(address);
    }
  }
  log.push_back({false, address, value});
  return value;
}

void register_file_fake::write(uint32_t address, uint32_t value) {
  log.push_back({true, address, value});
  if (address == uart0_fifo) {
    uart0_tx.push_back(static_cast<char>(value & 0xFFu));
  } else if (address == systimer_unit0_op) {
    if (value & (1u << 30)) {  // UPDATE
      poke(systimer_value_hi, static_cast<uint32_t>(systimer_ticks >> 32));
      poke(systimer_value_lo, static_cast<uint32_t>(systimer_ticks));
    }
  } else if (!regs_.write(address, value)) {
    ++dropped_writes;
  }
}

}  // namespace esp_blink::test
