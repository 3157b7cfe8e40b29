// RMT registers and items: docs/esp32c3.md, "RMT".
#include "rmt_model.hpp"

#include <vector>

namespace esp_blink::emu {
namespace {

constexpr uint32_t ch0_tx_conf0 = 0x10, int_raw = 0x38, int_clr = 0x44, sys_conf = 0x68,
                   ram = 0x400;
constexpr uint32_t words_per_block = 48, tx0_signal = 51;
constexpr uint32_t tx_start = bit(0), idle_out_lv = bit(5), idle_out_en = bit(6);
// TX_START, MEM_RD_RST, APB_MEM_RST and CONF_UPDATE clear themselves.
constexpr uint32_t self_clearing = bit(0) | bit(1) | bit(2) | bit(24);
constexpr uint32_t tx0_end = bit(0);
constexpr unsigned clock_gate = 9;  // SYSTEM PERIP_CLK_EN0.RMT_CLK_EN

}  // namespace

uint32_t rmt_model::read(uint32_t offset, uint64_t now) {
  if (offset != int_raw) return ctx_.regs.read(rmt_base + offset);
  if (tx_busy_ && now >= tx_end_cycle_) {
    tx_busy_ = false;
    tx_end_raw_ = true;
  }
  if (tx_busy_ && ctx_.repeated_read) ctx_.idle_skip = tx_end_cycle_ - now;
  return ctx_.regs.peek(rmt_base + offset) | (tx_end_raw_ ? tx0_end : 0u);
}

void rmt_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  if (offset == int_clr) {
    if (value & tx0_end) tx_end_raw_ = false;
  } else if (offset != ch0_tx_conf0) {  // everything else, the channel RAM included, is storage
    ctx_.regs.write(rmt_base + offset, value);
  } else {
    ctx_.regs.write(rmt_base + offset, value & ~self_clearing);
    if (value & tx_start) start(value, now);
  }
}

void rmt_model::start(uint32_t conf0, uint64_t now) {
  const uint32_t sys = ctx_.regs.peek(rmt_base + sys_conf);
  if (!ctx_.clocked(clock_gate) || (sys & bit(0)) == 0) {
    ctx_.report("RMT TX_START ignored: clock gated, held in reset, or RAM not in direct mode");
    return;
  }
  // Source 80 MHz APB (SCLK_SEL 1) divided by SCLK_DIV_NUM + 1, then by the channel's DIV_CNT.
  const uint64_t div_num = ((sys >> 4) & 0xFFu) + 1u;
  const uint64_t div_cnt = (conf0 >> 8) & 0xFFu ? (conf0 >> 8) & 0xFFu : 256u;
  if (((sys >> 24) & 3u) != 1u) ctx_.report("RMT clock source other than APB is not modelled");
  const uint64_t tick_num = uint64_t{ctx_.clocks.cpu_hz} * div_num * div_cnt;  // cycles * 80 MHz
  const auto at = [&](uint64_t ticks) { return now + ticks * tick_num / 80'000'000u; };
  const uint32_t blocks = (conf0 >> 16) & 7u;
  std::vector<unsigned> pins;
  for (unsigned pin = 0; pin < gpio_pins; ++pin) {
    if (gpio_.out_signal(pin) == tx0_signal && gpio_.output_enabled(pin)) pins.push_back(pin);
  }
  uint64_t ticks = 0;
  bool ended = false;
  for (uint32_t w = 0; w < blocks * words_per_block && !ended; ++w) {
    const uint32_t item = ctx_.regs.peek(rmt_base + ram + 4 * w);
    for (unsigned half = 0; half < 2; ++half) {
      const uint32_t bits = half == 0 ? item & 0xFFFFu : item >> 16;
      const uint32_t duration = bits & 0x7FFFu;
      if (duration == 0) {
        ended = true;
        break;
      }
      for (unsigned pin : pins) gpio_.drive_pin(pin, (bits & 0x8000u) != 0, at(ticks));
      ticks += duration;
    }
  }
  if (!ended) ctx_.report("RMT transmission without an end marker: stopped at the end of its RAM");
  tx_end_cycle_ = at(ticks);
  const bool idle_level = (conf0 & idle_out_en) != 0 && (conf0 & idle_out_lv) != 0;
  for (unsigned pin : pins) gpio_.drive_pin(pin, idle_level, tx_end_cycle_);
  tx_busy_ = true;
  ++transmissions_;
}

}  // namespace esp_blink::emu
