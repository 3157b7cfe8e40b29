#include "peripherals.hpp"

#include <cstdio>

namespace esp_blink::emu {
namespace {

// Base addresses and offsets: esp32c3-facts.md, which agrees with the SVD.
constexpr uint32_t uart0_base = 0x60000000, gpio_base = 0x60004000, rtc_base = 0x60008000,
                   io_mux_base = 0x60009000, timg0_base = 0x6001F000, timg1_base = 0x60020000,
                   systimer_base = 0x60023000, system_base = 0x600C0000, i2c0_base = 0x60013000,
                   rmt_base = 0x60016000, block_size = 0x1000;
constexpr uint32_t rmt_tx0_signal = 51, rmt_ram = 0x400, rmt_words_per_block = 48;

constexpr uint32_t wdt_key = 0x50D83AA1, swd_key = 0x8F1D312A;

constexpr uint32_t bit(unsigned n) { return 1u << n; }

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

bool in_block(uint32_t address, uint32_t base) {
  return address >= base && address < base + block_size;
}

}  // namespace

peripherals::peripherals(clock_config clocks) : clocks_(clocks) {
  // Reset values the models depend on (SVD), and UART0 as the ROM leaves it: 115200 from XTAL.
  regs_[system_base + 0x10] = 0xF9C1E06F;  // PERIP_CLK_EN0
  regs_[rtc_base + 0x90] = 0x00013214;     // RTC WDTCONFIG0: flash-boot mode on
  regs_[rtc_base + 0xAC] = 0x04B00000;     // SWD_CONF
  regs_[timg0_base + 0x48] = 0x0004C000;   // TIMGn WDTCONFIG0: flash-boot mode on
  regs_[timg1_base + 0x48] = 0x0004C000;
  regs_[uart0_base + 0x14] = 0x0040015B;   // CLKDIV 347 + 4/16
  regs_[uart0_base + 0x78] = 0x03701000;   // CLK_CONF: XTAL
  regs_[uart0_base + 0x80] = 0x40000500;   // ID
  regs_[systimer_base + 0x00] = 0x46000000;
  refresh_watchdogs();
  i2c0_.on_report = [this](const std::string& what) { report(what); };
}

uint32_t& peripherals::reg(uint32_t address) { return regs_[address]; }

void peripherals::report(const std::string& what) {
  if (on_report) on_report(what);
}

uint64_t peripherals::systimer_ticks(uint64_t cycles) const {
  return cycles / clocks_.cpu_hz * clocks_.systimer_hz +
         cycles % clocks_.cpu_hz * clocks_.systimer_hz / clocks_.cpu_hz;
}

uint32_t peripherals::uart0_baud() const {
  const auto clkdiv = regs_.at(uart0_base + 0x14);
  const auto clk_conf = regs_.at(uart0_base + 0x78);
  const uint32_t sel = (clk_conf >> 20) & 3u;
  const uint64_t sclk = sel == 3 ? 40'000'000u : sel == 1 ? 80'000'000u : 17'500'000u;
  const uint64_t div_num = ((clk_conf >> 12) & 0xFFu) + 1u;
  const uint64_t sixteenths = uint64_t{clkdiv & 0xFFFu} * 16u + ((clkdiv >> 20) & 0xFu);
  return sixteenths == 0 ? 0 : static_cast<uint32_t>(sclk * 16u / div_num / sixteenths);
}

void peripherals::refresh_watchdogs() {
  const uint32_t rtc = regs_[rtc_base + 0x90];
  rtc_wdt_.enabled = (rtc & (bit(31) | bit(12))) != 0;
  const uint32_t swd = regs_[rtc_base + 0xAC];
  super_wdt_.enabled = (swd & (bit(31) | bit(30))) == 0;
  for (unsigned n = 0; n < 2; ++n) {
    const uint32_t cfg = regs_[(n == 0 ? timg0_base : timg1_base) + 0x48];
    timg_wdt_[n].enabled = (cfg & (bit(31) | bit(14))) != 0;
  }
}

const char* peripherals::expired_watchdog(uint64_t now, uint64_t timeout) const {
  auto expired = [&](const watchdog_state& w) { return w.enabled && now - w.fed_at >= timeout; };
  if (expired(super_wdt_)) return "super watchdog";
  if (expired(rtc_wdt_)) return "RTC watchdog";
  if (expired(timg_wdt_[0])) return "TIMG0 watchdog";
  if (expired(timg_wdt_[1])) return "TIMG1 watchdog";
  return nullptr;
}

bool peripherals::protected_write(watchdog_state& wdt, uint32_t key_reg, uint32_t key,
                                  uint32_t address, uint32_t value, uint64_t now,
                                  uint32_t feed_address) {
  if (regs_[key_reg] != key) {
    ++wdt.locked_writes;
    report("write " + hex32(value) + " to " + hex32(address) +
           " ignored: write-protect key not set (as on the chip)");
    return false;
  }
  reg(address) = value;
  if (address == feed_address) wdt.fed_at = now;
  refresh_watchdogs();
  return true;
}

void peripherals::gpio_write_out(uint32_t new_out, uint64_t now) {
  const uint32_t before = gpio_out_ & gpio_enable_;
  gpio_out_ = new_out & 0x3FFFFFu;  // 22 pins
  const uint32_t after = gpio_out_ & gpio_enable_;
  for (unsigned pin = 0; pin < 22; ++pin) {
    if (((before ^ after) >> pin) & 1u) {
      gpio_edge e{now, instructions, pin, ((after >> pin) & 1u) != 0};
      edges_.push_back(e);
      if (on_edge) on_edge(e);
    }
  }
}

uint32_t peripherals::uart0_tx_fifo_count(uint64_t now) {
  while (!uart0_tx_starts_.empty() && uart0_tx_starts_.front() <= now) uart0_tx_starts_.pop_front();
  return static_cast<uint32_t>(uart0_tx_starts_.size());
}

uint32_t peripherals::uart0_access(uint32_t offset, bool is_write, uint32_t value, uint64_t now) {
  const uint32_t clk = regs_[system_base + 0x10], rst = regs_[system_base + 0x18];
  const bool clocked = (clk & bit(2)) != 0 && (rst & bit(2)) == 0;
  switch (offset) {
    case 0x00:  // FIFO
      if (is_write) {
        if (!clocked) {
          report("UART0 byte dropped: clock gated or held in reset (SYSTEM PERIP_CLK_EN0)");
          return 0;
        }
        if (uart0_tx_fifo_count(now) >= 128) {
          report("UART0 TX FIFO overflow: byte lost (write only while TXFIFO_CNT < 128)");
          return 0;
        }
        const uint32_t baud = uart0_baud();
        const uint64_t byte_cycles = baud == 0 ? 0 : uint64_t{clocks_.cpu_hz} * 10u / baud;
        const uint64_t start = uart0_tx_busy_until_ > now ? uart0_tx_busy_until_ : now;
        uart0_tx_starts_.push_back(start);
        uart0_tx_busy_until_ = start + byte_cycles;
        const char c = static_cast<char>(value & 0xFFu);
        if (uart0_tx_.empty()) first_tx_instructions_ = instructions;
        uart0_tx_.push_back(c);
        if (on_uart0_byte) on_uart0_byte(c);
        return 0;
      } else {
        if (uart0_rx_.empty()) return 0;
        const char c = uart0_rx_.front();
        uart0_rx_.pop_front();
        return static_cast<uint8_t>(c);
      }
    case 0x1C:  // STATUS: TXFIFO_CNT from the shifter's progress, RXFIFO_CNT from injected bytes
      if (is_write) return 0;
      return uart0_tx_fifo_count(now) << 16 | static_cast<uint32_t>(uart0_rx_.size() & 0x3FFu);
    case 0x80:  // ID: REG_UPDATE completes at once
      if (is_write) {
        reg(uart0_base + offset) = value & ~bit(31);
        return 0;
      }
      return reg(uart0_base + offset);
    default:
      if (is_write) {
        reg(uart0_base + offset) = value;
        return 0;
      }
      return reg(uart0_base + offset);
  }
}

void peripherals::drive_pin(unsigned pin, bool level, uint64_t cycle) {
  const bool before = ((peripheral_levels_ >> pin) & 1u) != 0;
  if (before == level) return;
  peripheral_levels_ ^= 1u << pin;
  gpio_edge e{cycle, instructions, pin, level};
  edges_.push_back(e);
  if (on_edge) on_edge(e);
}

uint32_t peripherals::rmt_read(uint32_t offset, uint64_t now) {
  if (offset == 0x38) {  // INT_RAW: bit 0 is CH0_TX_END
    if (rmt_tx_busy_ && now >= rmt_tx_end_cycle_) {
      rmt_tx_busy_ = false;
      rmt_tx_end_raw_ = true;
    }
    if (rmt_tx_busy_ && last_access_was_rmt_poll_) idle_skip_ = rmt_tx_end_cycle_ - now;
    return reg(rmt_base + offset) | (rmt_tx_end_raw_ ? 1u : 0u);
  }
  return reg(rmt_base + offset);
}

void peripherals::rmt_write(uint32_t offset, uint32_t value, uint64_t now) {
  if (offset == 0x44) {  // INT_CLR
    if (value & 1u) rmt_tx_end_raw_ = false;
    return;
  }
  if (offset != 0x10) {  // everything but CH0_TX_CONF0 (RAM included) is storage
    reg(rmt_base + offset) = value;
    return;
  }
  // Self-clearing bits (TX_START 0, MEM_RD_RST 1, APB_MEM_RST 2, CONF_UPDATE 24) are not kept.
  reg(rmt_base + offset) = value & ~(bit(0) | bit(1) | bit(2) | bit(24));
  if ((value & bit(0)) == 0) return;
  const uint32_t sys_conf = reg(rmt_base + 0x68);
  const uint32_t clk = regs_[system_base + 0x10], rst = regs_[system_base + 0x18];
  if ((clk & bit(9)) == 0 || (rst & bit(9)) != 0 || (sys_conf & bit(0)) == 0) {
    report("RMT TX_START ignored: clock gated, held in reset, or RAM not in direct mode");
    return;
  }
  // Source 80 MHz APB (SCLK_SEL 1) divided by SCLK_DIV_NUM + 1, then by the channel's DIV_CNT.
  const uint64_t div_num = ((sys_conf >> 4) & 0xFFu) + 1u;
  const uint64_t div_cnt = (value >> 8) & 0xFFu ? (value >> 8) & 0xFFu : 256u;
  if (((sys_conf >> 24) & 3u) != 1u) report("RMT clock source other than APB is not modelled");
  const uint64_t tick_num = uint64_t{clocks_.cpu_hz} * div_num * div_cnt;  // cycles * 80 MHz
  const uint32_t blocks = (value >> 16) & 7u;
  std::vector<unsigned> pins;
  for (unsigned pin = 0; pin < 22; ++pin) {
    const uint32_t out_sel = reg(gpio_base + 0x554 + 4 * pin) & 0xFFu;
    if (out_sel == rmt_tx0_signal && ((gpio_enable_ >> pin) & 1u) != 0) pins.push_back(pin);
  }
  uint64_t ticks = 0;
  bool ended = false;
  for (uint32_t w = 0; w < blocks * rmt_words_per_block && !ended; ++w) {
    const uint32_t item = reg(rmt_base + rmt_ram + 4 * w);
    for (unsigned half = 0; half < 2; ++half) {
      const uint32_t bits = half == 0 ? item & 0xFFFFu : item >> 16;
      const uint32_t duration = bits & 0x7FFFu;
      if (duration == 0) {
        ended = true;
        break;
      }
      const uint64_t at = now + ticks * tick_num / 80'000'000u;
      for (unsigned pin : pins) drive_pin(pin, (bits & 0x8000u) != 0, at);
      ticks += duration;
    }
  }
  if (!ended) report("RMT transmission without an end marker: stopped at the end of its RAM");
  rmt_tx_end_cycle_ = now + ticks * tick_num / 80'000'000u;
  const bool idle_level = (value & bit(6)) != 0 && (value & bit(5)) != 0;
  for (unsigned pin : pins) drive_pin(pin, idle_level, rmt_tx_end_cycle_);
  rmt_tx_busy_ = true;
  ++rmt_transmissions_;
}

uint32_t peripherals::systimer_read(uint32_t offset, uint64_t now) {
  const uint64_t ticks = systimer_ticks(now);
  switch (offset) {
    case 0x04:
      return reg(systimer_base + offset) | bit(29);  // VALUE_VALID: the snapshot is immediate
    case 0x40:
      return static_cast<uint32_t>(latched_ticks_ >> 32) & 0xFFFFFu;
    case 0x44:
      return static_cast<uint32_t>(latched_ticks_);
    case 0x68: {  // INT_RAW
      const bool armed = (reg(systimer_base) & bit(24)) != 0;
      if (armed && !target0_fired_ && ticks >= target0_loaded_) target0_raw_ = target0_fired_ = true;
      if (armed && !target0_fired_ && last_access_was_alarm_poll_) {
        // Second poll in a row with nothing else happening: skip to the alarm.
        const uint64_t remaining = target0_loaded_ - ticks;
        idle_skip_ = (remaining * clocks_.cpu_hz + clocks_.systimer_hz - 1) / clocks_.systimer_hz;
      }
      return target0_raw_ ? 1u : 0u;
    }
    case 0x70:  // INT_ST
      return (target0_raw_ ? 1u : 0u) & reg(systimer_base + 0x64);
    default:
      return reg(systimer_base + offset);
  }
}

void peripherals::systimer_write(uint32_t offset, uint32_t value, uint64_t now) {
  switch (offset) {
    case 0x04:
      if (value & bit(30)) latched_ticks_ = systimer_ticks(now);
      break;
    case 0x50:  // COMP0_LOAD
      if (value & 1u) {
        target0_loaded_ = uint64_t{reg(systimer_base + 0x1C) & 0xFFFFFu} << 32 |
                          reg(systimer_base + 0x20);
        target0_fired_ = false;
      }
      break;
    case 0x6C:  // INT_CLR
      if (value & 1u) target0_raw_ = false;
      break;
    default:
      reg(systimer_base + offset) = value;
  }
}

uint32_t peripherals::read(uint32_t address, uint64_t now) {
  const bool alarm_poll = address == systimer_base + 0x68;
  const bool rmt_poll = address == rmt_base + 0x38;
  uint32_t result;
  if (in_block(address, uart0_base)) {
    result = uart0_access(address - uart0_base, false, 0, now);
  } else if (in_block(address, systimer_base)) {
    result = systimer_read(address - systimer_base, now);
  } else if (in_block(address, i2c0_base)) {
    result = i2c0_.read(address - i2c0_base);
  } else if (in_block(address, rmt_base)) {
    result = rmt_read(address - rmt_base, now);
  } else if (address == gpio_base + 0x04) {
    result = gpio_out_;
  } else if (address == gpio_base + 0x20) {
    result = gpio_enable_;
  } else if (address == gpio_base + 0x3C) {  // IN: driven pins read back, others the stimulus
    result = (gpio_out_ & gpio_enable_) | (gpio_in_ & ~gpio_enable_);
  } else if (in_block(address, gpio_base) || in_block(address, io_mux_base) ||
             in_block(address, rtc_base) || in_block(address, timg0_base) ||
             in_block(address, timg1_base) || in_block(address, system_base)) {
    result = reg(address);
  } else {
    if (unmodelled_.insert(address).second) report("read of unmodelled register " + hex32(address));
    result = reg(address);
  }
  last_access_was_alarm_poll_ = alarm_poll;
  last_access_was_rmt_poll_ = rmt_poll;
  return result;
}

void peripherals::write(uint32_t address, uint32_t value, uint64_t now) {
  last_access_was_alarm_poll_ = false;
  last_access_was_rmt_poll_ = false;
  if (in_block(address, uart0_base)) {
    uart0_access(address - uart0_base, true, value, now);
  } else if (in_block(address, systimer_base)) {
    systimer_write(address - systimer_base, value, now);
  } else if (in_block(address, rmt_base)) {
    rmt_write(address - rmt_base, value, now);
  } else if (in_block(address, i2c0_base)) {
    const uint32_t clk = regs_[system_base + 0x10], rst = regs_[system_base + 0x18];
    if ((clk & bit(7)) == 0 || (rst & bit(7)) != 0) {
      report("I2C0 write " + hex32(value) + " to " + hex32(address) +
             " ignored: clock gated or held in reset (SYSTEM PERIP_CLK_EN0/PERIP_RST_EN0)");
    } else {
      i2c0_.write(address - i2c0_base, value);
    }
  } else if (in_block(address, gpio_base)) {
    switch (address - gpio_base) {
      case 0x04: gpio_write_out(value, now); break;
      case 0x08: gpio_write_out(gpio_out_ | value, now); break;
      case 0x0C: gpio_write_out(gpio_out_ & ~value, now); break;
      case 0x20:
      case 0x24:
      case 0x28: {
        const uint32_t off = address - gpio_base;
        const uint32_t out = gpio_out_;
        const uint32_t before = gpio_out_ & gpio_enable_;
        gpio_enable_ = off == 0x20 ? value : off == 0x24 ? gpio_enable_ | value : gpio_enable_ & ~value;
        gpio_enable_ &= 0x3FFFFFu;
        // A pin that starts or stops driving is an edge if its visible level changes.
        gpio_out_ = out;
        const uint32_t after = gpio_out_ & gpio_enable_;
        for (unsigned pin = 0; pin < 22; ++pin) {
          if (((before ^ after) >> pin) & 1u) {
            gpio_edge e{now, instructions, pin, ((after >> pin) & 1u) != 0};
            edges_.push_back(e);
            if (on_edge) on_edge(e);
          }
        }
        break;
      }
      default: reg(address) = value;
    }
  } else if (in_block(address, rtc_base)) {
    const uint32_t off = address - rtc_base;
    if (off >= 0x90 && off <= 0xA4) {
      protected_write(rtc_wdt_, rtc_base + 0xA8, wdt_key, address, value, now, rtc_base + 0xA4);
    } else if (off == 0xAC) {
      protected_write(super_wdt_, rtc_base + 0xB0, swd_key, address, value, now, 0);
    } else {
      reg(address) = value;
    }
  } else if (in_block(address, timg0_base) || in_block(address, timg1_base)) {
    const uint32_t base = in_block(address, timg0_base) ? timg0_base : timg1_base;
    const uint32_t off = address - base;
    if (off >= 0x48 && off <= 0x60) {
      protected_write(timg_wdt_[base == timg0_base ? 0 : 1], base + 0x64, wdt_key, address,
                      off == 0x48 ? value & ~bit(22) : value,  // CONF_UPDATE_EN self-clears
                      now, base + 0x60);
    } else {
      reg(address) = value;
    }
  } else if (in_block(address, io_mux_base) || in_block(address, system_base)) {
    reg(address) = value;
  } else {
    if (unmodelled_.insert(address).second) {
      report("write " + hex32(value) + " to unmodelled register " + hex32(address));
    }
    reg(address) = value;
  }
}

}  // namespace esp_blink::emu
