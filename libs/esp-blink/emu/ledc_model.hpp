// LEDC model, low-speed timers and channels: each running timer counts periods of
// CLK_DIV / 256 * 2^DUTY_RES ticks of the 40 MHz XTAL_CLK (the only clock source modelled);
// each channel with SIG_OUT_EN drives its matrix signal (45 + n) high for DUTY ticks from the
// start of each period (HPOINT 0), through every enabled pin that selects it, into the GPIO
// edge log (and so the VCD). Writing PARA_UP latches DUTY and CONF1 at the next period; a
// DUTY_START fade then moves the duty by DUTY_SCALE every DUTY_CYCLE periods, DUTY_NUM times,
// and raises DUTY_CHNG_END_LSCHn in INT_RAW. DUTY's 4 fraction bits and HPOINT are ignored.
// The waveform is generated lazily, up to the time of each access and of each update().
#pragma once

#include "gpio_model.hpp"
#include "peripheral_model.hpp"

#include <array>
#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t ledc_base = 0x60019000;

class ledc_model final : public peripheral_model {
 public:
  ledc_model(model_context& ctx, gpio_model& gpio) : ctx_(ctx), gpio_(gpio) {}
  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  /// Generates every period that starts before `now`.
  void advance(uint64_t now);
  /// The duty channel `ch` outputs now, in counter ticks.
  uint32_t duty(unsigned ch) const { return channels_[ch].duty; }

 private:
  struct timer_state {
    bool running = false;
    uint64_t origin = 0;   // cycle at which period 0 starts
    uint64_t periods = 0;  // periods generated so far
    uint32_t clk_div = 0;  // 1/256 XTAL ticks per counter tick
    unsigned resolution = 0;
  };
  struct channel_state {
    bool latch = false;  // PARA_UP written: take DUTY and CONF1 at the next period
    uint32_t duty = 0;   // counter ticks high per period
    uint32_t fade_left = 0, fade_cycle = 1, fade_scale = 0, fade_count = 0;
    bool fade_up = true;
  };

  void configure_timer(unsigned n, uint32_t conf, uint64_t now);
  uint64_t cycle_at(const timer_state& t, uint64_t ticks) const;  // origin + counter ticks
  void begin_period(unsigned ch, const timer_state& t, uint64_t start);
  void drive(unsigned ch, bool level, uint64_t cycle);

  model_context& ctx_;
  gpio_model& gpio_;
  std::array<timer_state, 4> timers_{};
  std::array<channel_state, 6> channels_{};
  uint32_t int_raw_ = 0;
};

}  // namespace esp_blink::emu
