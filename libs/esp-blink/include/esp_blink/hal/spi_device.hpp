// hal::spi_device_on: an SPI device made of a bus, a chip-select pin and a delay, after
// embedded-hal-bus's ExclusiveDevice. It owns CS for each transaction, so drivers written
// against hal::spi_device never touch CS. Works with any bus, pin and delay modelling the
// concepts (the C3's spi::master with a gpio::output_pin or spi::hardware_cs, or host mocks).
#pragma once

#include <esp_blink/hal/concepts.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::hal {

template <spi_bus Bus, output_pin Cs, delay_ns Delay>
/// An hal::spi_device made of a bus, a chip-select pin and a delay, after embedded-hal-bus's
/// ExclusiveDevice: it drives CS around each transaction, so drivers never touch CS. Bus, pin
/// and delay are borrowed, not owned.
class spi_device_on {
 public:
  /// The device keeps references: bus, pin and delay must outlive it. CS starts deselected.
  spi_device_on(Bus& bus, Cs& cs, Delay& delay) : bus_(bus), cs_(cs), delay_(delay) {
    cs_.set_high();
  }

  /// Selects the device, runs `ops` in order (stopping at the first error), flushes the bus and
  /// deselects, also after an error. Returns the first error, else the flush's result.
  error_kind transaction(spi_operation* ops, size_t n) {
    cs_.set_low();
    error_kind result = error_kind::ok;
    for (size_t i = 0; i < n && result == error_kind::ok; ++i) result = run(ops[i]);
    // embedded-hal: flush before CS rises, and deselect whatever happened.
    const error_kind flushed = bus_.flush();
    cs_.set_high();
    return result != error_kind::ok ? result : flushed;
  }

  /// A one-operation transaction writing `n` bytes from `out`.
  error_kind write(const uint8_t* out, size_t n) {
    spi_operation op = spi_operation::write(out, n);
    return transaction(&op, 1);
  }
  /// A one-operation transaction reading `n` bytes into `in`.
  error_kind read(uint8_t* in, size_t n) {
    spi_operation op = spi_operation::read(in, n);
    return transaction(&op, 1);
  }
  /// A one-operation transaction sending `out` while receiving into `in`.
  error_kind transfer(uint8_t* in, const uint8_t* out, size_t n) {
    spi_operation op = spi_operation::transfer(in, out, n);
    return transaction(&op, 1);
  }

 private:
  error_kind run(const spi_operation& op) {
    if (op.is_delay) {
      // Whole microseconds, rounded up: the pause is at least what was asked.
      delay_.delay_us(static_cast<uint32_t>((op.length + 999) / 1000));
      return error_kind::ok;
    }
    if (op.in != nullptr && op.out != nullptr) return bus_.transfer(op.in, op.out, op.length);
    if (op.in != nullptr) return bus_.read(op.in, op.length);
    if (op.out != nullptr) return bus_.write(op.out, op.length);
    return op.length == 0 ? error_kind::ok : error_kind::other;  // no buffer for the bytes
  }

  Bus& bus_;
  Cs& cs_;
  Delay& delay_;
};

}  // namespace esp_blink::hal
