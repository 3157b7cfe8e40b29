// UART0/UART1: baud rate from the source clock, blocking byte write and read, print().
//
// The port is clocked from the 40 MHz XTAL (SCLK_SEL = 3), which does not depend on how the ROM
// or a bootloader set up the PLL, so the divider is right on every boot path.
//
//   esp_blink::uart::port<esp_blink::pac::uart0> serial;
//   serial.init(115200);
//   esp_blink::print(serial, "hello ", 42, "\n");
#pragma once

#include <esp_blink/format.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/uart0.hpp>
#include <esp_blink/pac/uart1.hpp>

#include <stdint.h>

namespace esp_blink::uart {

inline constexpr uint32_t xtal_hz = 40'000'000;
inline constexpr uint32_t sclk_sel_xtal = 3;
inline constexpr uint32_t fifo_size = 128;  // TX FIFO bytes (docs/esp32c3.md, "UART0")

/// CLKDIV for a baud rate: integer part and 1/16 fraction of sclk / baud.
struct divider {
  uint32_t integer;
  uint32_t fraction;  // sixteenths
};

constexpr divider divider_for(uint32_t sclk_hz, uint32_t baud) {
  // Rounded to the nearest 1/16 so 40 MHz / 115200 = 347.22 becomes 347 + 4/16.
  const uint64_t sixteenths = (uint64_t{sclk_hz} * 16u + baud / 2u) / baud;
  return {static_cast<uint32_t>(sixteenths / 16u), static_cast<uint32_t>(sixteenths % 16u)};
}

/// One UART. Block is pac::uart0 or pac::uart1. Stateless: copies talk to the same port.
template <typename Block>
class port {
 public:
  /// 8N1 at `baud` from the XTAL clock (the ROM already leaves UART0 at 115200 8N1).
  void init(uint32_t baud) const {
    const divider d = divider_for(xtal_hz, baud);
    Block::clk_conf::modify(Block::clk_conf::sclk_sel::template value<sclk_sel_xtal>(),
                            Block::clk_conf::sclk_div_num::template value<0>(),
                            Block::clk_conf::sclk_div_a::template value<0>(),
                            Block::clk_conf::sclk_div_b::template value<0>(),
                            Block::clk_conf::sclk_en::template value<1>(),
                            Block::clk_conf::tx_sclk_en::template value<1>(),
                            Block::clk_conf::rx_sclk_en::template value<1>());
    Block::clkdiv::write(Block::clkdiv::clkdiv_field::dynamic(d.integer),
                         Block::clkdiv::frag::dynamic(d.fraction));
    // The C3 copies configuration into the UART's clock domain on REG_UPDATE, then clears it.
    Block::id::modify(Block::id::reg_update::template value<1>());
    while (Block::id::reg_update::read() != 0) {
    }
  }

  /// Waits for room in the TX FIFO, then queues one byte.
  void write_byte(uint8_t byte) const {
    while (Block::status::txfifo_cnt::read() >= fifo_size) {
    }
    Block::fifo::write(Block::fifo::rxfifo_rd_byte::dynamic(byte));
  }

  void write(const char* text) const {
    while (*text != '\0') write_byte(static_cast<uint8_t>(*text++));
  }

  /// embedded-io style: queues all `n` bytes (blocking while the FIFO is full).
  size_t write(const uint8_t* data, size_t n) const {
    for (size_t i = 0; i < n; ++i) write_byte(data[i]);
    return n;
  }

  /// embedded-io style: waits for the first byte, then takes what is already there, up to `n`.
  size_t read(uint8_t* data, size_t n) const {
    if (n == 0) return 0;
    data[0] = read_byte();
    size_t got = 1;
    while (got < n && try_read_byte(data[got])) ++got;
    return got;
  }

  /// Returns once the TX FIFO is empty.
  void flush() const {
    while (Block::status::txfifo_cnt::read() != 0) {
    }
  }

  /// Waits for a received byte.
  uint8_t read_byte() const {
    while (Block::status::rxfifo_cnt::read() == 0) {
    }
    return static_cast<uint8_t>(Block::fifo::rxfifo_rd_byte::read());
  }

  /// A received byte if one is waiting.
  bool try_read_byte(uint8_t& byte) const {
    if (Block::status::rxfifo_cnt::read() == 0) return false;
    byte = static_cast<uint8_t>(Block::fifo::rxfifo_rd_byte::read());
    return true;
  }
};

using uart0 = port<pac::uart0>;
using uart1 = port<pac::uart1>;

static_assert(byte_sink<uart0>);
static_assert(hal::serial<uart0>);

}  // namespace esp_blink::uart
