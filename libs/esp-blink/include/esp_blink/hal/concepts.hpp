// The HAL traits as C++20 concepts, after embedded-hal 1.0 and embedded-io: a driver written
// against these runs on any implementation (the ESP32-C3 drivers here, host mocks in tests).
// No standard headers: the cross compiler has none, so same_as is spelled with a builtin.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::hal {

template <typename T, typename U>
/// Whether T and U are the same type (std::same_as without the standard headers).
concept same_as = __is_same(T, U) && __is_same(U, T);

// --- digital ---------------------------------------------------------------------------------

/// Drives a pin high or low.
template <typename Pin>
concept output_pin = requires(Pin& pin) {
  pin.set_high();
  pin.set_low();
};

/// An output pin that knows the level it drives, and so can toggle.
template <typename Pin>
concept stateful_output_pin = output_pin<Pin> && requires(Pin& pin, const Pin& cpin) {
  pin.toggle();
  { cpin.is_set_high() } -> same_as<bool>;
};

/// Reads a pin's level.
template <typename Pin>
concept input_pin = requires(const Pin& pin) {
  { pin.is_high() } -> same_as<bool>;
  { pin.is_low() } -> same_as<bool>;
};

// --- delay -----------------------------------------------------------------------------------

/// Blocks for at least the given time.
template <typename Delay>
concept delay_ns = requires(Delay& d, uint32_t n) {
  d.delay_ns(n);
  d.delay_us(n);
  d.delay_ms(n);
};

// --- errors ----------------------------------------------------------------------------------

/// What went wrong on a bus, in embedded-hal's kinds. `ok` is success.
enum class error_kind : uint8_t {
  ok,                      ///< success
  bus,                     ///< misplaced START/STOP or a similar protocol violation
  arbitration_loss,        ///< another master won the bus
  no_acknowledge_address,  ///< nobody answered the address
  no_acknowledge_data,     ///< the device refused a data byte
  overrun,                 ///< data arrived faster than it was taken
  timeout,                 ///< the bus or the device did not finish in time
  other,                   ///< anything else (also a request the driver cannot carry out)
};

/// A short, fixed description for logs.
constexpr const char* describe(error_kind kind) {
  switch (kind) {
    case error_kind::ok:
      return "ok";
    case error_kind::bus:
      return "bus error";
    case error_kind::arbitration_loss:
      return "arbitration lost";
    case error_kind::no_acknowledge_address:
      return "no acknowledge of the address";
    case error_kind::no_acknowledge_data:
      return "no acknowledge of data";
    case error_kind::overrun:
      return "overrun";
    case error_kind::timeout:
      return "timeout";
    case error_kind::other:
      return "other error";
  }
  return "?";
}

// --- I2C -------------------------------------------------------------------------------------

/// One part of an I2C transaction: a write of `length` bytes from `write_data`, or a read of
/// `length` bytes into `read_data`.
struct i2c_operation {
  const uint8_t* write_data;  ///< The bytes to write; null for a read.
  uint8_t* read_data;         ///< Where read bytes go; null for a write.
  size_t length;              ///< Bytes to move.

  /// A write of `n` bytes from `data`.
  static constexpr i2c_operation write(const uint8_t* data, size_t n) { return {data, nullptr, n}; }
  /// A read of `n` bytes into `data`.
  static constexpr i2c_operation read(uint8_t* data, size_t n) { return {nullptr, data, n}; }
  /// Whether this is a read.
  constexpr bool is_read() const { return read_data != nullptr; }
};

/// An I2C master with 7-bit addresses. The transaction contract (embedded-hal 1.0):
///   - START before the first operation, then the address with the direction bit;
///   - between adjacent operations of the same direction nothing (the bytes run on);
///   - when the direction changes, a repeated START and the address again;
///   - the last byte of a read that is followed by a START or the STOP is NACKed;
///   - STOP after the last operation, also after an error, except arbitration loss: then the
///     bus belongs to the master that won, and a STOP from the loser would break its transfer.
template <typename Bus>
concept i2c = requires(Bus& bus, uint8_t address, const uint8_t* out, uint8_t* in, size_t n,
                       i2c_operation* ops) {
  { bus.write(address, out, n) } -> same_as<error_kind>;
  { bus.read(address, in, n) } -> same_as<error_kind>;
  { bus.write_read(address, out, n, in, n) } -> same_as<error_kind>;
  { bus.transaction(address, ops, n) } -> same_as<error_kind>;
};

// --- serial (embedded-io) -----------------------------------------------------------------------

/// Blocking byte stream: write/read return how many bytes moved (at least one unless n == 0).
template <typename Port>
concept serial = requires(Port& port, const uint8_t* out, uint8_t* in, size_t n) {
  { port.write(out, n) } -> same_as<size_t>;
  { port.read(in, n) } -> same_as<size_t>;
  port.flush();
};

// --- SPI ---------------------------------------------------------------------------------------

/// A full-duplex SPI bus (chip select is the device's business, as in embedded-hal's SpiBus).
template <typename Bus>
concept spi_bus = requires(Bus& bus, const uint8_t* out, uint8_t* in, size_t n) {
  { bus.write(out, n) } -> same_as<error_kind>;
  { bus.read(in, n) } -> same_as<error_kind>;
  { bus.transfer(in, out, n) } -> same_as<error_kind>;
  { bus.flush() } -> same_as<error_kind>;
};

/// One part of an SPI device transaction (embedded-hal 1.0's spi::Operation): write, read,
/// transfer (`in` and `out` may be one buffer: in place), or a pause with CS held.
struct spi_operation {
  const uint8_t* out;  ///< Bytes to send; null for a read or delay.
  uint8_t* in;         ///< Where received bytes go; null for a write or delay.
  size_t length;       ///< bytes; for a delay, nanoseconds
  bool is_delay;       ///< A pause of `length` ns with CS held, not a transfer.

  /// Sends `n` bytes from `data`, discarding what comes in.
  static constexpr spi_operation write(const uint8_t* data, size_t n) {
    return {data, nullptr, n, false};
  }
  /// Receives `n` bytes into `data` (what is sent meanwhile is the bus's business).
  static constexpr spi_operation read(uint8_t* data, size_t n) { return {nullptr, data, n, false}; }
  /// Sends `n` bytes from `out` while receiving `n` into `in` (may be the same buffer).
  static constexpr spi_operation transfer(uint8_t* in, const uint8_t* out, size_t n) {
    return {out, in, n, false};
  }
  /// Pauses at least `ns` nanoseconds with CS held.
  static constexpr spi_operation delay_ns(uint32_t ns) { return {nullptr, nullptr, ns, true}; }
};

/// One device on an SPI bus (embedded-hal's SpiDevice): a transaction selects the device (CS
/// low), runs every operation in order, flushes the bus and deselects it, also after an error;
/// write/read/transfer are one-operation transactions.
template <typename Device>
concept spi_device = requires(Device& dev, const uint8_t* out, uint8_t* in, size_t n,
                              spi_operation* ops) {
  { dev.write(out, n) } -> same_as<error_kind>;
  { dev.read(in, n) } -> same_as<error_kind>;
  { dev.transfer(in, out, n) } -> same_as<error_kind>;
  { dev.transaction(ops, n) } -> same_as<error_kind>;
};

// --- PWM and ADC -------------------------------------------------------------------------------

/// A PWM output (embedded-hal 1.0's SetDutyCycle): duty runs from 0 (always low) to
/// max_duty_cycle() (always high); a duty above the maximum is refused with `other`, not clamped.
template <typename Pwm>
concept pwm_channel = requires(Pwm& pwm, const Pwm& cpwm, uint16_t duty) {
  { cpwm.max_duty_cycle() } -> same_as<uint16_t>;
  { pwm.set_duty_cycle(duty) } -> same_as<error_kind>;
};

/// Always low (SetDutyCycle::set_duty_cycle_fully_off).
template <pwm_channel Pwm>
error_kind set_duty_cycle_fully_off(Pwm& pwm) {
  return pwm.set_duty_cycle(0);
}

/// Always high (SetDutyCycle::set_duty_cycle_fully_on).
template <pwm_channel Pwm>
error_kind set_duty_cycle_fully_on(Pwm& pwm) {
  return pwm.set_duty_cycle(pwm.max_duty_cycle());
}

/// num/denom of the maximum, rounded down; denom 0 or num > denom is `other`.
template <pwm_channel Pwm>
error_kind set_duty_cycle_fraction(Pwm& pwm, uint16_t num, uint16_t denom) {
  if (denom == 0 || num > denom) return error_kind::other;
  return pwm.set_duty_cycle(static_cast<uint16_t>(uint32_t{pwm.max_duty_cycle()} * num / denom));
}

/// `percent` of the maximum (0..100).
template <pwm_channel Pwm>
error_kind set_duty_cycle_percent(Pwm& pwm, uint8_t percent) {
  return set_duty_cycle_fraction(pwm, percent, 100);
}

/// An analog input read as a voltage: `mv` gets millivolts when the result is `ok`.
template <typename Adc>
concept adc_channel = requires(Adc& adc, uint16_t& mv) {
  { adc.read_millivolts(mv) } -> same_as<error_kind>;
};

}  // namespace esp_blink::hal
