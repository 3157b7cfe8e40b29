// Formatted output without heap or printf: each argument type has one overload that writes
// bytes to a sink. A sink is anything with `write_byte(uint8_t)`.
//
//   esp_blink::print(uart, "mcause=", esp_blink::hex(cause), " n=", 42, "\n");
#pragma once

#include <stdint.h>

namespace esp_blink {

template <typename Sink>
/// Where print() writes: anything with `write_byte(uint8_t)` (uart::port, usb_serial_jtag::port).
concept byte_sink = requires(Sink& sink, uint8_t byte) {
  sink.write_byte(byte);
};

/// Prints as 0x followed by eight hex digits.
struct hex {
  uint32_t value;  ///< The number to print.
};

/// A fixed-point number printed with four decimals: {215000} prints as 21.5000.
struct fixed4 {
  int32_t ten_thousandths;  ///< The value times 10000.
};

namespace detail {

template <byte_sink Sink>
void put(Sink& sink, const char* text) {
  while (*text != '\0') sink.write_byte(static_cast<uint8_t>(*text++));
}

template <byte_sink Sink>
void put(Sink& sink, char c) {
  sink.write_byte(static_cast<uint8_t>(c));
}

template <byte_sink Sink>
void put(Sink& sink, hex h) {
  put(sink, "0x");
  for (int shift = 28; shift >= 0; shift -= 4) {
    const uint32_t digit = (h.value >> shift) & 0xFu;
    sink.write_byte(static_cast<uint8_t>(digit < 10 ? '0' + digit : 'a' + digit - 10));
  }
}

template <byte_sink Sink, typename Unsigned>
void put_unsigned(Sink& sink, Unsigned value) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10u);
    value = static_cast<Unsigned>(value / 10u);
  } while (value != 0);
  while (n > 0) sink.write_byte(static_cast<uint8_t>(digits[--n]));
}

template <byte_sink Sink, typename Unsigned, typename Signed>
void put_signed(Sink& sink, Signed value) {
  if (value < 0) {
    sink.write_byte('-');
    // Negating in unsigned arithmetic is defined for the most negative value too.
    put_unsigned(sink, static_cast<Unsigned>(Unsigned{0} - static_cast<Unsigned>(value)));
  } else {
    put_unsigned(sink, static_cast<Unsigned>(value));
  }
}

// One overload per builtin integer type, so the fixed-width aliases (which differ between the
// chip and the host) always find an exact match.
template <byte_sink Sink>
void put(Sink& sink, unsigned value) {
  put_unsigned(sink, value);
}
template <byte_sink Sink>
void put(Sink& sink, unsigned long value) {
  put_unsigned(sink, value);
}
template <byte_sink Sink>
void put(Sink& sink, int value) {
  put_signed<Sink, unsigned>(sink, value);
}
template <byte_sink Sink>
void put(Sink& sink, long value) {
  put_signed<Sink, unsigned long>(sink, value);
}

template <byte_sink Sink>
void put(Sink& sink, fixed4 f) {
  uint32_t magnitude = static_cast<uint32_t>(f.ten_thousandths);
  if (f.ten_thousandths < 0) {
    sink.write_byte('-');
    magnitude = 0u - magnitude;
  }
  put_unsigned(sink, magnitude / 10000u);
  sink.write_byte('.');
  const uint32_t fraction = magnitude % 10000u;
  for (uint32_t div = 1000; div != 0; div /= 10) {
    sink.write_byte(static_cast<uint8_t>('0' + fraction / div % 10u));
  }
}

}  // namespace detail

/// Writes every argument in order.
template <byte_sink Sink, typename... Args>
void print(Sink& sink, const Args&... args) {
  (detail::put(sink, args), ...);
}

}  // namespace esp_blink
