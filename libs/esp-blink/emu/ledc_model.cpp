// LEDC registers: ESP32-C3 SVD (LEDC); clock and fade behaviour: TRM, "LED PWM Controller".
#include "ledc_model.hpp"

#include <string>

namespace esp_blink::emu {
namespace {

constexpr uint32_t channel_stride = 0x14, conf0 = 0x00, duty_reg = 0x08, conf1 = 0x0C,
                   duty_r = 0x10, timer_conf = 0xA0, timer_stride = 0x08, int_raw = 0xC0,
                   int_st = 0xC4, int_ena = 0xC8, int_clr = 0xCC, conf = 0xD0;
constexpr uint32_t first_signal = 45;  // LEDC_LS_SIG_OUT0
constexpr uint64_t xtal_hz = 40'000'000;
constexpr unsigned clock_gate = 11;  // SYSTEM PERIP_CLK_EN0.LEDC_CLK_EN
constexpr uint32_t para_up_ch = bit(4), timer_rst = bit(23), timer_pause = bit(22),
                   timer_para_up = bit(25), duty_start = bit(31);

}  // namespace

uint32_t ledc_model::read(uint32_t offset, uint64_t now) {
  advance(now);
  if (offset == int_raw) {
    // A poll of a fade's end may skip to the next period, where the duty can change.
    bool fading = false;
    for (const auto& c : channels_) fading = fading || c.fade_left != 0 || c.latch;
    if (fading && ctx_.repeated_read) {
      uint64_t next = UINT64_MAX;
      for (const auto& t : timers_) {
        if (t.running) {
          const uint64_t at = cycle_at(t, (t.periods) << t.resolution);
          if (at > now && at - now < next) next = at - now;
        }
      }
      if (next != UINT64_MAX) ctx_.idle_skip = next;
    }
    return int_raw_;
  }
  if (offset == int_st) return int_raw_ & ctx_.regs.peek(ledc_base + int_ena);
  if (offset < 6 * channel_stride && offset % channel_stride == duty_r) {
    return channels_[offset / channel_stride].duty << 4;
  }
  return ctx_.regs.read(ledc_base + offset);
}

void ledc_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  advance(now);
  if (offset == int_clr) {
    int_raw_ &= ~value;
    return;
  }
  if (offset < 6 * channel_stride && offset % channel_stride == conf0) {
    ctx_.regs.write(ledc_base + offset, value & ~(para_up_ch | bit(16)));  // both self-clear
    if (value & para_up_ch) channels_[offset / channel_stride].latch = true;
    return;
  }
  if (offset >= timer_conf && offset < timer_conf + 4 * timer_stride &&
      (offset - timer_conf) % timer_stride == 0) {
    ctx_.regs.write(ledc_base + offset, value & ~timer_para_up);
    configure_timer((offset - timer_conf) / timer_stride, value, now);
    return;
  }
  ctx_.regs.write(ledc_base + offset, value);
}

void ledc_model::configure_timer(unsigned n, uint32_t value, uint64_t now) {
  timer_state& t = timers_[n];
  const bool was_running = t.running;
  const uint32_t global = ctx_.regs.peek(ledc_base + conf);
  t.running = (value & (timer_rst | timer_pause)) == 0 && ctx_.clocked(clock_gate) &&
              (global & bit(31)) != 0;
  if (t.running && (global & 3u) != 3u)
    ctx_.report("LEDC clock source other than XTAL_CLK is not modelled");
  if (!t.running) return;
  const uint32_t clk_div = (value >> 4) & 0x3FFFFu;
  const unsigned resolution = value & 0xFu;
  if (was_running && (value & timer_para_up) == 0) return;  // new values wait for PARA_UP
  if (clk_div < 256 || resolution == 0 || resolution > 14) {
    ctx_.report("LEDC timer " + std::to_string(n) +
                " stopped: CLK_DIV below 1.0 or DUTY_RES outside 1..14");
    t.running = false;
    return;
  }
  t.origin = now;
  t.periods = 0;
  t.clk_div = clk_div;
  t.resolution = resolution;
}

uint64_t ledc_model::cycle_at(const timer_state& t, uint64_t ticks) const {
  // ticks * (clk_div / 256) XTAL periods, in CPU cycles, split so that no product overflows.
  constexpr uint64_t per_second = 256u * xtal_hz;
  const uint64_t q = ticks * t.clk_div;
  return t.origin + q / per_second * ctx_.clocks.cpu_hz +
         q % per_second * ctx_.clocks.cpu_hz / per_second;
}

void ledc_model::advance(uint64_t now) {
  for (unsigned n = 0; n < timers_.size(); ++n) {
    timer_state& t = timers_[n];
    if (!t.running) continue;
    for (;;) {
      const uint64_t start = cycle_at(t, t.periods << t.resolution);
      if (start > now) break;
      for (unsigned ch = 0; ch < channels_.size(); ++ch) {
        if ((ctx_.regs.peek(ledc_base + ch * channel_stride + conf0) & 3u) == n) {
          begin_period(ch, t, start);
        }
      }
      ++t.periods;
    }
  }
}

void ledc_model::begin_period(unsigned ch, const timer_state& t, uint64_t start) {
  channel_state& c = channels_[ch];
  const uint32_t base = ch * channel_stride;
  if (c.latch) {
    c.latch = false;
    c.duty = (ctx_.regs.peek(ledc_base + base + duty_reg) >> 4) & 0x7FFFu;
    const uint32_t c1 = ctx_.regs.peek(ledc_base + base + conf1);
    if (c1 & duty_start) {
      ctx_.regs.poke(ledc_base + base + conf1, c1 & ~duty_start);
      c.fade_scale = c1 & 0x3FFu;
      c.fade_cycle = (c1 >> 10) & 0x3FFu;
      c.fade_left = (c1 >> 20) & 0x3FFu;
      c.fade_up = (c1 & bit(30)) != 0;
      c.fade_count = 0;
      if (c.fade_cycle == 0) c.fade_cycle = 1;
    }
  }
  const uint32_t c0 = ctx_.regs.peek(ledc_base + base + conf0);
  const uint32_t full = 1u << t.resolution;
  if ((c0 & bit(2)) == 0) {  // SIG_OUT_EN off: the idle level
    drive(ch, (c0 & bit(3)) != 0, start);
  } else if (c.duty == 0) {
    drive(ch, false, start);
  } else {
    drive(ch, true, start);
    if (c.duty < full) drive(ch, false, cycle_at(t, (t.periods << t.resolution) + c.duty));
  }
  if (c.fade_left != 0 && ++c.fade_count >= c.fade_cycle) {  // the step shows next period
    c.fade_count = 0;
    if (c.fade_up) {
      c.duty = c.duty + c.fade_scale > full ? full : c.duty + c.fade_scale;
    } else {
      c.duty = c.duty < c.fade_scale ? 0 : c.duty - c.fade_scale;
    }
    if (--c.fade_left == 0) int_raw_ |= bit(4 + ch);
  }
}

void ledc_model::drive(unsigned ch, bool level, uint64_t cycle) {
  for (unsigned pin = 0; pin < gpio_pins; ++pin) {
    if (gpio_.out_signal(pin) == first_signal + ch && gpio_.output_enabled(pin)) {
      gpio_.drive_pin(pin, level, cycle);
    }
  }
}

}  // namespace esp_blink::emu
