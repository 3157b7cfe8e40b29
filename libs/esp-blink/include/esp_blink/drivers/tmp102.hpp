// TI TMP102 digital temperature sensor (datasheet SBOS397), written only against hal::i2c, so
// it runs on the ESP32-C3's I2C0, on a host mock, or on any other bus that models the concept.
//
//   esp_blink::drivers::tmp102 sensor(bus);            // address 0x48 (ADD0 to GND)
//   const auto r = sensor.read_temperature();
//   if (r.error == esp_blink::hal::error_kind::ok) use(r.sixteenths);  // 1/16 degC
#pragma once

#include <esp_blink/hal/concepts.hpp>

#include <stdint.h>

namespace esp_blink::drivers {

/// Driver for a TI TMP102 on any `hal::i2c` bus: reads the temperature register and sets
/// shutdown mode. Keeps a reference to the bus, which must outlive it.
template <hal::i2c Bus>
class tmp102 {
 public:
  static constexpr uint8_t default_address = 0x48;       ///< The address with ADD0 to GND.
  static constexpr uint8_t temperature_register = 0x00;  ///< Pointer: temperature (read-only).
  static constexpr uint8_t config_register = 0x01;       ///< Pointer: configuration.

  /// A temperature reading, or the bus error that prevented it.
  struct reading {
    hal::error_kind error;  ///< `error_kind::ok` when `sixteenths` is valid.
    int32_t sixteenths;     ///< degC * 16; valid when error == ok.
  };

  /// A driver for the sensor at `address` on `bus`.
  explicit tmp102(Bus& bus, uint8_t address = default_address) : bus_(bus), address_(address) {}

  /// One conversion result. In extended mode (bit 0 of the low byte set) the value has 13 bits
  /// instead of 12; both are two's complement in 1/16 degC.
  reading read_temperature() {
    const uint8_t pointer = temperature_register;
    uint8_t raw[2] = {};
    const hal::error_kind e = bus_.write_read(address_, &pointer, 1, raw, 2);
    if (e != hal::error_kind::ok) return {e, 0};
    const bool extended = (raw[1] & 1u) != 0;
    const uint32_t word = uint32_t{raw[0]} << 8 | raw[1];
    const unsigned bits = extended ? 13 : 12;
    const uint32_t value = word >> (16 - bits);
    // Sign-extend from `bits` bits.
    const uint32_t sign = 1u << (bits - 1);
    const int32_t sixteenths = static_cast<int32_t>(value ^ sign) - static_cast<int32_t>(sign);
    return {hal::error_kind::ok, sixteenths};
  }

  /// Shutdown mode (SD, bit 8 of the configuration register): no conversions, ~0.5 uA.
  hal::error_kind set_shutdown(bool shutdown) {
    const uint8_t pointer = config_register;
    uint8_t config[2] = {};
    hal::error_kind e = bus_.write_read(address_, &pointer, 1, config, 2);
    if (e != hal::error_kind::ok) return e;
    config[0] = static_cast<uint8_t>(shutdown ? config[0] | 1u : config[0] & ~1u);
    const uint8_t out[3] = {config_register, config[0], config[1]};
    return bus_.write(address_, out, 3);
  }

 private:
  Bus& bus_;
  uint8_t address_;
};

}  // namespace esp_blink::drivers
