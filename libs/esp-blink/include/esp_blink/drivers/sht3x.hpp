// Sensirion SHT3x humidity and temperature sensor (SHT30/31/35 datasheet), written only
// against the HAL concepts: an I2C bus and a delay. Every 16-bit word the sensor sends is
// followed by a CRC-8, which the driver checks.
//
//   esp_blink::drivers::sht3x sensor(bus, delay);      // address 0x44 (ADDR low)
//   const auto m = sensor.measure();
//   if (m.status == esp_blink::drivers::sht3x_status::ok) use(m.centi_celsius, m.centi_percent);
#pragma once

#include <esp_blink/hal/concepts.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::drivers {

/// How an SHT3x measurement went.
enum class sht3x_status : uint8_t {
  ok,             ///< The measurement is valid.
  bus_error,      ///< An I2C transfer failed (see measurement::bus_error).
  checksum_error  ///< A word's CRC-8 did not match.
};

/// The sensor's CRC-8: polynomial 0x31, initial value 0xFF, no reflection (CRC(0xBEEF) = 0x92).
constexpr uint8_t sht3x_crc(uint8_t msb, uint8_t lsb) {
  uint32_t crc = 0xFF;
  const uint8_t bytes[2] = {msb, lsb};
  for (uint8_t byte : bytes) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x80u) != 0 ? ((crc << 1) ^ 0x31u) & 0xFFu : (crc << 1) & 0xFFu;
    }
  }
  return static_cast<uint8_t>(crc);
}

/// Driver for a Sensirion SHT3x on any `hal::i2c` bus: single-shot measurements, waiting the
/// conversion time on `Delay`, each word's CRC-8 checked. Keeps references to the bus and the
/// delay, which must outlive it.
template <hal::i2c Bus, hal::delay_ns Delay>
class sht3x {
 public:
  /// The I2C address with the ADDR pin low (0x45 with it high).
  static constexpr uint8_t default_address = 0x44;
  /// Single shot, high repeatability, no clock stretching; ready after at most 15.5 ms.
  static constexpr uint8_t measure_command[2] = {0x24, 0x00};
  /// How long measure() waits between the command and reading the result.
  static constexpr uint32_t measure_wait_ms = 16;

  /// One measurement's outcome; the values are 0 unless `status` is ok.
  struct measurement {
    sht3x_status status;        ///< Whether the values are valid.
    hal::error_kind bus_error;  ///< When status == bus_error: the bus's error.
    int32_t centi_celsius;      ///< Temperature in 0.01 degC: T = -45 + 175 * raw / 65535.
    int32_t centi_percent;      ///< Relative humidity in 0.01 %: RH = 100 * raw / 65535.
  };

  /// A driver for the sensor at `address` on `bus`.
  sht3x(Bus& bus, Delay& delay, uint8_t address = default_address)
      : bus_(bus), delay_(delay), address_(address) {}

  /// Starts a single-shot measurement, waits `measure_wait_ms`, reads and checks the result.
  measurement measure() {
    hal::error_kind e = bus_.write(address_, measure_command, 2);
    if (e != hal::error_kind::ok) return {sht3x_status::bus_error, e, 0, 0};
    delay_.delay_ms(measure_wait_ms);
    uint8_t raw[6] = {};
    e = bus_.read(address_, raw, 6);
    if (e != hal::error_kind::ok) return {sht3x_status::bus_error, e, 0, 0};
    if (sht3x_crc(raw[0], raw[1]) != raw[2] || sht3x_crc(raw[3], raw[4]) != raw[5]) {
      return {sht3x_status::checksum_error, hal::error_kind::ok, 0, 0};
    }
    const uint32_t t = uint32_t{raw[0]} << 8 | raw[1];
    const uint32_t rh = uint32_t{raw[3]} << 8 | raw[4];
    return {sht3x_status::ok, hal::error_kind::ok,
            -4500 + static_cast<int32_t>((17500u * t + 32767u) / 65535u),
            static_cast<int32_t>((10000u * rh + 32767u) / 65535u)};
  }

 private:
  Bus& bus_;
  Delay& delay_;
  uint8_t address_;
};

}  // namespace esp_blink::drivers
