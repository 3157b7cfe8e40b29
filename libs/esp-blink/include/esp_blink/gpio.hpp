// Typed GPIO pins: the pin number is part of the type, so a wrong pin does not compile.
//
// GPIO11-17 carry the SPI flash and GPIO18/19 the USB D-/D+ (esp32c3-facts.md); driving them
// breaks the board, so those pins compile only with an explicit unlock. Set and clear are one
// store each (OUT_W1TS / OUT_W1TC); toggle is one store too, because the pin remembers the
// level it drives.
//
//   esp_blink::gpio::output_pin<8> led;        // GPIO8, low
//   led.toggle();                              // one sw to OUT_W1TS
//   esp_blink::gpio::output_pin<12> bad;       // error: GPIO11-17 drive the SPI flash
//   esp_blink::gpio::output_pin<12, esp_blink::gpio::unlock::flash> ok;
#pragma once

#include <stdint.h>

#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/gpio.hpp>
#include <esp_blink/pac/io_mux.hpp>

namespace esp_blink::gpio {

inline constexpr unsigned pin_count = 22;

enum class unlock : uint8_t { none, flash, usb };
enum class pull : uint8_t { none, up, down };
/// Pad drive strength (IO_MUX FUN_DRV): about 5, 10, 20 and 40 mA.
enum class drive : uint8_t { ma5 = 0, ma10 = 1, ma20 = 2, ma40 = 3 };

constexpr bool is_flash_pin(unsigned pin) { return pin >= 11 && pin <= 17; }
constexpr bool is_usb_pin(unsigned pin) { return pin == 18 || pin == 19; }

namespace detail {

inline constexpr uint32_t gpio_out_signal = 128;  // OUT_SEL value for "driven by GPIO_OUT"
inline constexpr uint32_t mcu_sel_gpio = 1;       // IO_MUX function 1 is GPIO

template <unsigned Pin, unlock Unlock>
constexpr bool check_pin() {
  static_assert(Pin < pin_count, "esp_blink::gpio: the ESP32-C3 has GPIO0..GPIO21");
  static_assert(!is_flash_pin(Pin) || Unlock == unlock::flash,
                "esp_blink::gpio: GPIO11-17 drive the SPI flash; pass unlock::flash to use one");
  static_assert(!is_usb_pin(Pin) || Unlock == unlock::usb,
                "esp_blink::gpio: GPIO18/19 are USB D-/D+; pass unlock::usb to use one");
  return true;
}

template <unsigned Pin>
inline void configure_pad(pull p, drive d, bool input_enable) {
  using pad = pac::io_mux::gpio<Pin>;
  pad::modify(pad::mcu_sel::template value<mcu_sel_gpio>(),
              pad::fun_ie::dynamic(input_enable ? 1u : 0u),
              pad::fun_wpu::dynamic(p == pull::up ? 1u : 0u),
              pad::fun_wpd::dynamic(p == pull::down ? 1u : 0u),
              pad::fun_drv::dynamic(static_cast<uint32_t>(d)));
}

}  // namespace detail

/// A pin driven by GPIO_OUT. Constructing it configures the pad and enables the output.
// Invariant: level_ is the level last written to the pin's OUT bit.
template <unsigned Pin, unlock Unlock = unlock::none>
class output_pin {
  static_assert(detail::check_pin<Pin, Unlock>());
  using gpio_regs = pac::gpio;

 public:
  static constexpr unsigned number = Pin;
  static constexpr uint32_t bit = 1u << Pin;

  explicit output_pin(bool initially_high = false, drive strength = drive::ma20)
      : level_(initially_high) {
    using out_cfg = gpio_regs::func_out_sel_cfg<Pin>;
    out_cfg::write(out_cfg::out_sel::template value<detail::gpio_out_signal>(),
                   out_cfg::oen_sel::template value<1>());
    detail::configure_pad<Pin>(pull::none, strength, false);
    initially_high ? set_high() : set_low();
    gpio_regs::enable_w1ts::write(gpio_regs::enable_w1ts::enable_w1ts_field::value<bit>());
  }

  void set_high() {
    gpio_regs::out_w1ts::write(gpio_regs::out_w1ts::out_w1ts_field::value<bit>());
    level_ = true;
  }
  void set_low() {
    gpio_regs::out_w1tc::write(gpio_regs::out_w1tc::out_w1tc_field::value<bit>());
    level_ = false;
  }
  void set_level(bool high) { high ? set_high() : set_low(); }
  void toggle() { set_level(!level_); }
  bool is_set_high() const { return level_; }

 private:
  bool level_;
};

/// A pin read through GPIO_IN, with an optional pull resistor.
template <unsigned Pin, unlock Unlock = unlock::none>
class input_pin {
  static_assert(detail::check_pin<Pin, Unlock>());
  using gpio_regs = pac::gpio;

 public:
  static constexpr unsigned number = Pin;

  explicit input_pin(pull p = pull::none) {
    gpio_regs::enable_w1tc::write(
        gpio_regs::enable_w1tc::enable_w1tc_field::value<1u << Pin>());
    detail::configure_pad<Pin>(p, drive::ma20, true);
  }

  bool is_high() const { return ((gpio_regs::in::read() >> Pin) & 1u) != 0; }
  bool is_low() const { return !is_high(); }
};

static_assert(hal::stateful_output_pin<output_pin<8>>);
static_assert(hal::input_pin<input_pin<9>>);

}  // namespace esp_blink::gpio
