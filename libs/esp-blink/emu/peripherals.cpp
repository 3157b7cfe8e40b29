// The address map from each peripheral's base address to its model.
#include "peripherals.hpp"

#include <cstdio>

namespace esp_blink::emu {
namespace {

// Base addresses: docs/esp32c3.md, one section per peripheral.
constexpr uint32_t io_mux_base = 0x60009000, system_base = 0x600C0000;

}  // namespace

std::string hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", value);
  return buf;
}

bool model_context::clocked(unsigned gate_bit) const {
  const uint32_t clk = regs.peek(system_base + 0x10), rst = regs.peek(system_base + 0x18);
  return ((clk >> gate_bit) & 1u) != 0 && ((rst >> gate_bit) & 1u) == 0;
}

peripherals::peripherals(clock_config clocks)
    : ctx_(clocks),
      gpio_(ctx_),
      uart0_(ctx_),
      systimer_(ctx_),
      rmt_(ctx_, gpio_),
      rtc_cntl_(ctx_),
      timg_{timg_model(ctx_, timg0_base), timg_model(ctx_, timg1_base)},
      i2c0_(ctx_),
      io_mux_(ctx_, io_mux_base),
      system_(ctx_, system_base) {
  const std::pair<uint32_t, peripheral_model*> blocks[] = {
      {uart0_base, &uart0_},   {gpio_base, &gpio_},     {rtc_cntl_base, &rtc_cntl_},
      {io_mux_base, &io_mux_}, {i2c0_base, &i2c0_},     {rmt_base, &rmt_},
      {timg0_base, &timg_[0]}, {timg1_base, &timg_[1]}, {systimer_base, &systimer_},
      {system_base, &system_},
  };
  for (const auto& [base, model] : blocks) map_[(base - mmio_base) / block_size] = model;
  ctx_.on_report = [this](const std::string& what) {
    if (on_report) on_report(what);
  };
  gpio_.on_edge = [this](const gpio_edge& e) {
    if (on_edge) on_edge(e);
  };
  uart0_.on_byte = [this](char c) {
    if (on_uart0_byte) on_uart0_byte(c);
  };
}

peripheral_model* peripherals::model_at(uint32_t address) const {
  if (address < mmio_base || address - mmio_base >= mmio_size) return nullptr;
  return map_[(address - mmio_base) / block_size];
}

void peripherals::unmodelled_access(uint32_t address, const std::string& what) {
  if (unmodelled_.insert(address).second) ctx_.report(what + hex32(address));
}

uint32_t peripherals::read(uint32_t address, uint64_t now) {
  ctx_.repeated_read = last_access_was_read_ && last_read_address_ == address;
  last_access_was_read_ = true;
  last_read_address_ = address;
  peripheral_model* model = model_at(address);
  if (model != nullptr) return model->read(address & (block_size - 1), now);
  unmodelled_access(address, "read of unmodelled register ");
  return ctx_.regs.read(address);
}

void peripherals::write(uint32_t address, uint32_t value, uint64_t now) {
  last_access_was_read_ = false;
  peripheral_model* model = model_at(address);
  if (model != nullptr) return model->write(address & (block_size - 1), value, now);
  unmodelled_access(address, "write " + hex32(value) + " to unmodelled register ");
  ctx_.regs.write(address, value);
}

const char* peripherals::expired_watchdog(uint64_t now, uint64_t timeout) const {
  if (rtc_cntl_.super_wdt().expired(now, timeout)) return "super watchdog";
  if (rtc_cntl_.rtc_wdt().expired(now, timeout)) return "RTC watchdog";
  if (timg_[0].wdt().expired(now, timeout)) return "TIMG0 watchdog";
  if (timg_[1].wdt().expired(now, timeout)) return "TIMG1 watchdog";
  return nullptr;
}

}  // namespace esp_blink::emu
