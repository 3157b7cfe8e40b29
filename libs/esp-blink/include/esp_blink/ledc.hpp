// LEDC PWM, low-speed mode: four timers set the frequency and duty resolution, six channels
// each follow one timer and drive one pin through the GPIO matrix, with a duty cycle set at
// once or faded by the hardware.
//
// Clock: XTAL_CLK, 40 MHz (LEDC_CONF.APB_CLK_SEL = 3), so the frequency holds whatever the CPU
// clock is. A timer divides it by CLK_DIV (10 integer bits, 8 fraction bits) and counts to
// 2^resolution, so frequency * 2^resolution * CLK_DIV = 40 MHz with CLK_DIV in [1, 1024):
// frequency and resolution are chosen together. An impossible pair is a compile error when
// constant (`configure<Hz, Bits>()`) and a `ledc::error` otherwise (ESP32-C3 TRM, "LED PWM
// Controller"; matrix signals LEDC_LS_SIG_OUT0..5 = 45..50, ESP-IDF gpio_sig_map.h).
//
//   esp_blink::ledc::timer<0>::configure<1000, 10>();   // 1 kHz, 10-bit duty
//   esp_blink::ledc::channel<0, 0, 5> led;   // channel 0 on timer 0, GPIO5
//   led.set_duty_cycle(512);                 // 50 %: max_duty_cycle() is 1024 (always high)
//   led.fade_to(0, 1000);                    // down to off over 1000 PWM periods
//   led.wait_fade();
#pragma once

#include <esp_blink/gpio.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/ledc.hpp>
#include <esp_blink/pac/system.hpp>

#include <stdint.h>

namespace esp_blink::ledc {

inline constexpr uint32_t clock_hz = 40'000'000;     ///< XTAL_CLK, the timers' source
inline constexpr uint32_t first_signal = 45;         ///< LEDC_LS_SIG_OUT0 in the GPIO matrix
inline constexpr unsigned max_resolution_bits = 14;  ///< DUTY_RES on the C3
inline constexpr uint32_t min_divider = 256;         ///< CLK_DIV 1.0 (8 fraction bits)
inline constexpr uint32_t max_divider = (1u << 18) - 1;
inline constexpr uint32_t max_fade_field = 1023;  ///< DUTY_NUM, DUTY_CYCLE, DUTY_SCALE

/// Why a configuration or a fade was refused. `ok` is success.
enum class error : uint8_t {
  ok,
  resolution_out_of_range,  ///< resolution_bits outside 1..14
  frequency_too_high,       ///< the divider would be below 1 at this resolution
  frequency_too_low,        ///< the divider would not fit CLK_DIV (1023.996 at most)
  duty_out_of_range,        ///< above max_duty_cycle()
  fade_too_slow,            ///< more than 1023 periods per step (DUTY_CYCLE)
};

/// A short, fixed description for logs.
constexpr const char* describe(error e) {
  switch (e) {
    case error::ok:
      return "ok";
    case error::resolution_out_of_range:
      return "resolution must be 1..14 bits";
    case error::frequency_too_high:
      return "frequency too high for this resolution";
    case error::frequency_too_low:
      return "frequency too low for this resolution";
    case error::duty_out_of_range:
      return "duty above the maximum";
    case error::fade_too_slow:
      return "fade too slow: more than 1023 periods per step";
  }
  return "?";
}

/// A timer's frequency and duty resolution.
struct timer_config {
  uint32_t frequency_hz;    ///< the PWM period's frequency
  uint8_t resolution_bits;  ///< duty resolution, 1-14 bits
};

/// CLK_DIV for `config` (the clock over frequency * 2^resolution, in 1/256, rounded), or why
/// there is none.
struct divider {
  error status;      ///< ok, or why no divider fits
  uint32_t clk_div;  ///< the CLK_DIV field (valid when `status` is ok)
};

constexpr divider divider_for(timer_config config) {
  if (config.resolution_bits < 1 || config.resolution_bits > max_resolution_bits) {
    return {error::resolution_out_of_range, 0};
  }
  if (config.frequency_hz == 0) return {error::frequency_too_low, 0};
  const uint64_t counts_per_second = uint64_t{config.frequency_hz} << config.resolution_bits;
  const uint64_t div = (uint64_t{clock_hz} * 256u + counts_per_second / 2) / counts_per_second;
  if (div < min_divider) return {error::frequency_too_high, 0};
  if (div > max_divider) return {error::frequency_too_low, 0};
  return {error::ok, static_cast<uint32_t>(div)};
}

/// Opens the LEDC clock gate, releases its reset and selects XTAL_CLK (idempotent).
inline void enable() {
  using sys = pac::system;
  sys::perip_clk_en0::modify(sys::perip_clk_en0::ledc_clk_en::value<1>());
  sys::perip_rst_en0::modify(sys::perip_rst_en0::ledc_rst::value<0>());
  pac::ledc::conf::write(pac::ledc::conf::apb_clk_sel::value<3>(),
                         pac::ledc::conf::clk_en::value<1>());
}

/// Low-speed timer N (0..3).
template <unsigned N>
class timer {
  static_assert(N < 4, "esp_blink::ledc: the C3 has timers 0..3");
  using conf = pac::ledc::timer_conf<N>;

 public:
  /// Sets a constant configuration; an impossible pair does not compile.
  template <uint32_t FrequencyHz, uint8_t ResolutionBits>
  static void configure() {
    constexpr divider d = divider_for({FrequencyHz, ResolutionBits});
    static_assert(d.status != error::resolution_out_of_range,
                  "esp_blink::ledc: resolution must be 1..14 bits");
    static_assert(d.status != error::frequency_too_high,
                  "esp_blink::ledc: frequency too high for this resolution (40 MHz clock)");
    static_assert(d.status != error::frequency_too_low,
                  "esp_blink::ledc: frequency too low for this resolution (divider > 1023)");
    apply(ResolutionBits, d.clk_div);
  }

  /// Sets a configuration known at run time; on an error nothing is changed.
  static error configure(timer_config config) {
    const divider d = divider_for(config);
    if (d.status == error::ok) apply(config.resolution_bits, d.clk_div);
    return d.status;
  }

  /// The duty resolution the timer runs with.
  static unsigned resolution_bits() { return conf::duty_res::extract(conf::read()); }

 private:
  static void apply(unsigned resolution, uint32_t clk_div) {
    enable();
    // Reset the counter while the new period is loaded, then latch it (PARA_UP).
    conf::write(conf::duty_res::dynamic(resolution), conf::clk_div::dynamic(clk_div),
                conf::tick_sel::template value<0>(), conf::rst::template value<1>());
    conf::modify(conf::rst::template value<0>(), conf::para_up::template value<1>());
  }
};

/// Low-speed channel Ch (0..5) counting on timer Timer, driving GPIO Pin. The timer is
/// configured before the channel is used; the channel starts at duty 0 (low).
template <unsigned Ch, unsigned Timer, unsigned Pin, gpio::unlock Unlock = gpio::unlock::none>
class channel {
  static_assert(Ch < 6, "esp_blink::ledc: the C3 has channels 0..5");
  static_assert(Timer < 4, "esp_blink::ledc: the C3 has timers 0..3");
  static_assert(gpio::detail::check_pin<Pin, Unlock>());
  using regs = pac::ledc;
  using conf0 = regs::ch_conf0<Ch>;
  using conf1 = regs::ch_conf1<Ch>;
  using duty_reg = regs::ch_duty<Ch>;
  static constexpr uint32_t end_bit = 1u << (4 + Ch);  // DUTY_CHNG_END_LSCHn in INT_RAW/CLR

 public:
  channel() {
    enable();
    conf0::write(conf0::timer_sel::template value<Timer>(), conf0::sig_out_en::template value<1>(),
                 conf0::idle_lv::template value<0>());
    regs::ch_hpoint<Ch>::write(regs::ch_hpoint<Ch>::hpoint::template value<0>());
    start(0, 1, 1, 0, true);
    gpio::connect_output<Pin, first_signal + Ch, Unlock>();
  }

  /// Always high; 2^resolution of the channel's timer.
  uint16_t max_duty_cycle() const {
    return static_cast<uint16_t>(1u << timer<Timer>::resolution_bits());
  }

  /// The duty from the next PWM period on; above max_duty_cycle() is refused (`other`).
  hal::error_kind set_duty_cycle(uint16_t duty) {
    if (duty > max_duty_cycle()) return hal::error_kind::other;
    start(duty, 1, 1, 0, true);
    return hal::error_kind::ok;
  }

  /// Starts a hardware fade from the current duty to `target` over about `periods` PWM
  /// periods: the duty moves by DUTY_SCALE every DUTY_CYCLE periods, DUTY_NUM times;
  /// wait_fade() then sets `target` exactly (the steps may fall short by less than one).
  error fade_to(uint16_t target, uint32_t periods) {
    if (target > max_duty_cycle()) return error::duty_out_of_range;
    const uint32_t from = current_duty();
    const bool up = target >= from;
    const uint32_t delta = up ? target - from : from - target;
    target_ = target;
    if (delta == 0 || periods == 0) {
      start(target, 1, 1, 0, true);
      return error::ok;
    }
    uint32_t steps = delta < max_fade_field ? delta : max_fade_field;
    if (periods < steps) steps = periods;
    const uint32_t per_step = periods / steps;
    if (per_step > max_fade_field) return error::fade_too_slow;
    regs::int_clr::write_raw(end_bit);
    start(from, steps, per_step, delta / steps, up);
    return error::ok;
  }

  /// Whether the hardware has made every step of the last fade (or duty change).
  bool fade_done() const { return (regs::int_raw::read() & end_bit) != 0; }

  /// Waits for the fade to end, then sets its target exactly.
  void wait_fade() {
    while (!fade_done()) {
    }
    if (current_duty() != target_) set_duty_cycle(target_);
  }

  /// The duty the channel outputs now (DUTY_R, a fade's progress included).
  static uint32_t current_duty() { return regs::ch_duty_r<Ch>::duty_r::read() >> 4; }

 private:
  // DUTY holds 4 fraction bits; DUTY_START arms the change, PARA_UP latches it at the next
  // period (ESP32-C3 TRM, "LED PWM Controller", duty cycle fading).
  static void start(uint32_t duty, uint32_t num, uint32_t cycle, uint32_t scale, bool up) {
    duty_reg::write(duty_reg::duty::dynamic(duty << 4));
    conf1::write(conf1::duty_start::template value<1>(), conf1::duty_inc::dynamic(up ? 1u : 0u),
                 conf1::duty_num::dynamic(num), conf1::duty_cycle::dynamic(cycle),
                 conf1::duty_scale::dynamic(scale));
    conf0::modify(conf0::para_up::template value<1>());
  }

  uint16_t target_ = 0;
};

static_assert(hal::pwm_channel<channel<0, 0, 5>>);

}  // namespace esp_blink::ledc
