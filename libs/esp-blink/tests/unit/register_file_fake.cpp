#include "register_file_fake.hpp"

namespace esp_blink::test {
namespace {

// Addresses from esp32c3-facts.md (written out here, not taken from the generated headers, so
// the fake checks the generator rather than repeating it).
constexpr uint32_t gpio_out = 0x60004004, gpio_out_w1ts = 0x60004008, gpio_out_w1tc = 0x6000400C;
constexpr uint32_t gpio_enable = 0x60004020, gpio_enable_w1ts = 0x60004024,
                   gpio_enable_w1tc = 0x60004028;
constexpr uint32_t uart0_fifo = 0x60000000, uart0_status = 0x6000001C, uart0_id = 0x60000080;
constexpr uint32_t rtc_wdt_first = 0x60008090, rtc_wdt_last = 0x600080A4,
                   rtc_wdt_wprotect = 0x600080A8, rtc_swd_conf = 0x600080AC,
                   rtc_swd_wprotect = 0x600080B0;
constexpr uint32_t timg_base[2] = {0x6001F000, 0x60020000};
constexpr uint32_t wdt_key = 0x50D83AA1, swd_key = 0x8F1D312A;
constexpr uint32_t systimer = 0x60023000;

}  // namespace

register_file_fake::register_file_fake() {
  regs_[0x60008090] = 0x00013214;  // RTC WDTCONFIG0 reset value (SVD)
  regs_[rtc_swd_conf] = 0x04B00000;
  regs_[timg_base[0] + 0x48] = 0x0004C000;
  regs_[timg_base[1] + 0x48] = 0x0004C000;
  regs_[systimer] = 0x46000000;
}

uint32_t register_file_fake::peek(uint32_t address) const {
  const auto it = regs_.find(address);
  return it == regs_.end() ? 0 : it->second;
}

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
  uint32_t value = peek(address);
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
    if (address == systimer + 0x04) value |= 1u << 29;  // VALUE_VALID
    if (address == systimer + 0x68) {
      const uint64_t target = uint64_t{peek(systimer + 0x1C)} << 32 | peek(systimer + 0x20);
      const bool armed = (peek(systimer) >> 24) & 1u;
      if (armed && peek(systimer + 0x50) == 1 && systimer_ticks >= target) regs_[address] |= 1u;
      value = peek(address);
    }
  }
  log.push_back({false, address, value});
  return value;
}

void register_file_fake::write(uint32_t address, uint32_t value) {
  log.push_back({true, address, value});
  auto locked = [&](uint32_t key_address, uint32_t key) {
    if (peek(key_address) == key) return false;
    ++dropped_writes;
    return true;
  };
  switch (address) {
    case gpio_out_w1ts: regs_[gpio_out] |= value; return;
    case gpio_out_w1tc: regs_[gpio_out] &= ~value; return;
    case gpio_enable_w1ts: regs_[gpio_enable] |= value; return;
    case gpio_enable_w1tc: regs_[gpio_enable] &= ~value; return;
    case uart0_fifo: uart0_tx.push_back(static_cast<char>(value & 0xFFu)); return;
    case uart0_id: regs_[address] = value & ~(1u << 31); return;
    case rtc_swd_conf:
      if (locked(rtc_swd_wprotect, swd_key)) return;
      break;
    case systimer + 0x04:
      if (value & (1u << 30)) {
        regs_[systimer + 0x40] = static_cast<uint32_t>(systimer_ticks >> 32);
        regs_[systimer + 0x44] = static_cast<uint32_t>(systimer_ticks);
      }
      return;
    case systimer + 0x6C:
      regs_[systimer + 0x68] &= ~value;
      return;
    default:
      break;
  }
  if (address >= rtc_wdt_first && address <= rtc_wdt_last && locked(rtc_wdt_wprotect, wdt_key)) {
    return;
  }
  for (uint32_t base : timg_base) {
    if (address >= base + 0x48 && address <= base + 0x60 && locked(base + 0x64, wdt_key)) return;
  }
  regs_[address] = value;
}

}  // namespace esp_blink::test
