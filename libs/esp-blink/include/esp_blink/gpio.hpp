// Typed GPIO pins: the pin number is part of the type, so a wrong pin does not compile.
//
// GPIO11-17 carry the SPI flash and GPIO18/19 the USB D-/D+ (docs/esp32c3.md, "GPIO and
// IO_MUX"); driving them breaks the board, so those pins compile only with an explicit unlock.
// Set and clear are one store each (OUT_W1TS / OUT_W1TC); toggle is one store too, because the
// pin remembers the level it drives.
//
//   esp_blink::gpio::output_pin<8> led;        // GPIO8, low
//   led.toggle();                              // one sw to OUT_W1TS
//   esp_blink::gpio::output_pin<12> bad;       // error: GPIO11-17 drive the SPI flash
//   esp_blink::gpio::output_pin<12, esp_blink::gpio::unlock::flash> ok;
//
// Peripherals reach pins through the GPIO matrix, and every driver routes them the same way:
//   esp_blink::gpio::connect_output<6, 53>({.pull_resistor = esp_blink::gpio::pull::up,
//                                           .input_enable = true, .open_drain = true});
//   esp_blink::gpio::connect_input<6, 53>();   // I2C0 SCL out to GPIO6 and back in
#pragma once

#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/gpio.hpp>
#include <esp_blink/pac/io_mux.hpp>

#include <stdint.h>

namespace esp_blink::gpio {

/// The number of GPIO pins: GPIO0..GPIO21.
inline constexpr unsigned pin_count = 22;

/// Which reserved pins a pin type may use: none, the SPI flash pins (11-17) or USB D-/D+ (18/19).
enum class unlock : uint8_t { none, flash, usb };
/// The pad's pull resistor: none, pull-up or pull-down.
enum class pull : uint8_t { none, up, down };
/// Pad drive strength (IO_MUX FUN_DRV): about 5, 10, 20 and 40 mA.
enum class drive : uint8_t { ma5 = 0, ma10 = 1, ma20 = 2, ma40 = 3 };

/// Whether `pin` is one of GPIO11-17, wired to the SPI flash.
constexpr bool is_flash_pin(unsigned pin) {
  return pin >= 11 && pin <= 17;
}
/// Whether `pin` is GPIO18 or GPIO19, the USB D-/D+ lines.
constexpr bool is_usb_pin(unsigned pin) {
  return pin == 18 || pin == 19;
}

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

/// How a connection sets the pin's pad (IO_MUX); the pad always takes the GPIO matrix function.
struct pad_config {
  /// The pad's pull resistor.
  pull pull_resistor = pull::none;
  /// The pad's drive strength.
  drive strength = drive::ma20;
  /// Input buffer on; also lets a peripheral read back a line it drives (I2C).
  bool input_enable = false;
  bool open_drain = false;  ///< GPIO PINn PAD_DRIVER: drive low, let the line float high
};

/// Drives Pin with GPIO matrix output signal Signal (128: the pin's own GPIO_OUT bit), the
/// output enable taken from GPIO_ENABLE; sets the pad; enables the driver last, so a level
/// written to GPIO_OUT beforehand is the first the pin shows.
template <unsigned Pin, uint32_t Signal, unlock Unlock = unlock::none>
inline void connect_output(pad_config pad = {}) {
  static_assert(detail::check_pin<Pin, Unlock>());
  using g = pac::gpio;
  using pin_conf = g::pin<Pin>;
  using out_conf = g::func_out_sel_cfg<Pin>;
  pin_conf::modify(pin_conf::pad_driver::dynamic(pad.open_drain ? 1u : 0u));
  out_conf::write(out_conf::out_sel::template value<Signal>(),
                  out_conf::oen_sel::template value<1>());
  detail::configure_pad<Pin>(pad.pull_resistor, pad.strength, pad.input_enable);
  g::enable_w1ts::write(g::enable_w1ts::enable_w1ts_field::template value<1u << Pin>());
}

/// Feeds GPIO matrix input signal Signal from Pin, through the matrix (SEL = 1). The pad's
/// input buffer must be on (pad_config::input_enable).
template <unsigned Pin, uint32_t Signal, unlock Unlock = unlock::none>
inline void connect_input() {
  static_assert(detail::check_pin<Pin, Unlock>());
  using in_conf = pac::gpio::func_in_sel_cfg<Signal>;
  in_conf::write(in_conf::in_sel::template value<Pin>(), in_conf::sel::template value<1>());
}

/// A pin driven by GPIO_OUT. Constructing it configures the pad and enables the output.
// Invariant: level_ is the level last written to the pin's OUT bit.
template <unsigned Pin, unlock Unlock = unlock::none>
class output_pin {
  static_assert(detail::check_pin<Pin, Unlock>());
  using gpio_regs = pac::gpio;

 public:
  /// The GPIO number.
  static constexpr unsigned number = Pin;
  /// The pin's bit in the GPIO_OUT/GPIO_IN words.
  static constexpr uint32_t bit = 1u << Pin;

  /// Writes `initially_high` to GPIO_OUT, then connects the pin with drive `strength`, so that
  /// level is the first the pin shows.
  explicit output_pin(bool initially_high = false, drive strength = drive::ma20)
      : level_(initially_high) {
    initially_high ? set_high() : set_low();
    connect_output<Pin, detail::gpio_out_signal, Unlock>({.strength = strength});
  }

  /// Drives the pin high (one store to OUT_W1TS).
  void set_high() {
    gpio_regs::out_w1ts::write(gpio_regs::out_w1ts::out_w1ts_field::value<bit>());
    level_ = true;
  }
  /// Drives the pin low (one store to OUT_W1TC).
  void set_low() {
    gpio_regs::out_w1tc::write(gpio_regs::out_w1tc::out_w1tc_field::value<bit>());
    level_ = false;
  }
  /// Drives the pin high or low.
  void set_level(bool high) { high ? set_high() : set_low(); }
  /// Drives the opposite of the level last set (one store).
  void toggle() { set_level(!level_); }
  /// Whether the level last set is high (remembered, not read from the pin).
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
  /// The GPIO number.
  static constexpr unsigned number = Pin;

  /// Disables the pin's output driver and turns on its input buffer with pull resistor `p`.
  explicit input_pin(pull p = pull::none) {
    gpio_regs::enable_w1tc::write(gpio_regs::enable_w1tc::enable_w1tc_field::value<1u << Pin>());
    detail::configure_pad<Pin>(p, drive::ma20, true);
  }

  /// Whether GPIO_IN reads the pin high now.
  bool is_high() const { return ((gpio_regs::in::read() >> Pin) & 1u) != 0; }
  /// Whether GPIO_IN reads the pin low now.
  bool is_low() const { return !is_high(); }
};

static_assert(hal::stateful_output_pin<output_pin<8>>);
static_assert(hal::input_pin<input_pin<9>>);

}  // namespace esp_blink::gpio
