// UART0/UART1: baud rate from the source clock, data bits, parity and stop bits, TX/RX pins
// through the GPIO matrix, blocking byte write and read, print().
//
// The port is clocked from the 40 MHz XTAL (SCLK_SEL = 3), which does not depend on how the ROM
// or a bootloader set up the PLL, so the divider is right on every boot path.
//
//   esp_blink::uart::port<esp_blink::pac::uart0> serial;
//   serial.init(115200);
//   esp_blink::print(serial, "hello ", 42, "\n");
//
//   esp_blink::uart::uart1 link;                     // UART1 has no pins until routed
//   link.route_pins<4, 5>();                         // TX GPIO4, RX GPIO5
//   link.init({.baud = 9600, .parity_mode = esp_blink::uart::parity::even,
//              .stop = esp_blink::uart::stop_bits::two});
#pragma once

#include <esp_blink/format.hpp>
#include <esp_blink/gpio.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/system.hpp>
#include <esp_blink/pac/uart0.hpp>
#include <esp_blink/pac/uart1.hpp>

#include <stdint.h>

namespace esp_blink::uart {

inline constexpr uint32_t xtal_hz = 40'000'000;  ///< The XTAL clock the ports run from.
inline constexpr uint32_t sclk_sel_xtal = 3;     ///< CLK_CONF.SCLK_SEL value choosing the XTAL.
inline constexpr uint32_t fifo_size = 128;       ///< TX FIFO bytes (docs/esp32c3.md, "UART0")

/// CLKDIV for a baud rate: integer part and 1/16 fraction of sclk / baud.
struct divider {
  uint32_t integer;   ///< CLKDIV's integer part.
  uint32_t fraction;  ///< sixteenths
};

/// CLKDIV for `baud` from a `sclk_hz` clock, rounded to the nearest sixteenth.
constexpr divider divider_for(uint32_t sclk_hz, uint32_t baud) {
  // Rounded to the nearest 1/16 so 40 MHz / 115200 = 347.22 becomes 347 + 4/16.
  const uint64_t sixteenths = (uint64_t{sclk_hz} * 16u + baud / 2u) / baud;
  return {static_cast<uint32_t>(sixteenths / 16u), static_cast<uint32_t>(sixteenths % 16u)};
}

/// The largest CLKDIV integer part (a 12-bit field); 0 is not a divider.
inline constexpr uint32_t max_divider = 0xFFF;

/// Parity bit: none, even or odd.
enum class parity : uint8_t { none, even, odd };
/// CONF0.STOP_BIT_NUM values.
enum class stop_bits : uint8_t { one = 1, one_and_half = 2, two = 3 };
/// Bits per character; CONF0.BIT_NUM is the value minus 5.
enum class data_bits : uint8_t { five = 5, six = 6, seven = 7, eight = 8 };

/// A frame format and baud rate for port::init; the default is 115200 8N1.
struct config {
  /// Bits per second; init() fails unless baud_reachable().
  uint32_t baud = 115200;
  /// Data bits per character.
  data_bits data = data_bits::eight;
  /// Parity bit, if any.
  parity parity_mode = parity::none;
  /// Stop bits.
  stop_bits stop = stop_bits::one;
};

inline constexpr uint32_t max_prescale = 256;  ///< CLK_CONF.SCLK_DIV_NUM + 1

/// CLKDIV after dividing the 40 MHz clock by `prescale` (CLK_CONF.SCLK_DIV_NUM + 1): the
/// smallest prescale that keeps CLKDIV's 12-bit integer part in range, so the fraction keeps
/// its resolution.
struct baud_setting {
  uint32_t prescale;  ///< The clock prescaler, CLK_CONF.SCLK_DIV_NUM + 1.
  divider clkdiv;     ///< CLKDIV of the prescaled clock.
};

/// 32-bit arithmetic only (40 MHz x 16 fits), so the chip divides in hardware with no libgcc
/// call. `baud` must be non-zero.
constexpr baud_setting baud_setting_for(uint32_t baud) {
  uint32_t prescale = xtal_hz / baud / (max_divider + 1) + 1;
  for (;;) {
    const uint32_t step = prescale * baud;
    const uint32_t sixteenths = (xtal_hz * 16u + step / 2u) / step;
    if (sixteenths / 16u <= max_divider) return {prescale, {sixteenths / 16u, sixteenths % 16u}};
    ++prescale;  // rounding reached 4096: one step more
  }
}

/// Whether `baud` can be set from the 40 MHz clock (39 baud to 5 Mbaud).
constexpr bool baud_reachable(uint32_t baud) {
  if (baud == 0 || baud > xtal_hz / 8) return false;
  return baud_setting_for(baud).prescale <= max_prescale;
}

/// One UART. Block is pac::uart0 or pac::uart1. Stateless: copies talk to the same port.
template <typename Block>
class port {
  static constexpr bool is_uart1 = __is_same(Block, pac::uart1);

 public:
  // GPIO matrix signals (ESP-IDF gpio_sig_map.h: U0TXD/U0RXD 6, U1TXD/U1RXD 9).
  static constexpr uint32_t tx_signal = is_uart1 ? 9 : 6;  ///< UxTXD, the TX output signal.
  static constexpr uint32_t rx_signal = is_uart1 ? 9 : 6;  ///< UxRXD, the RX input signal.

  /// 8N1 at `baud` from the XTAL clock (the ROM already leaves UART0 at 115200 8N1).
  bool init(uint32_t baud) const { return init(config{.baud = baud}); }

  /// Clock, divider and frame format. False, with nothing changed, when the baud rate has no
  /// divider (baud_reachable). UART1 gets its clock gate opened and its reset released first.
  [[gnu::always_inline]] bool init(const config& c) const {
    if (!baud_reachable(c.baud)) return false;
    if constexpr (is_uart1) {
      using sys = pac::system;
      sys::perip_clk_en0::modify(sys::perip_clk_en0::uart1_clk_en::value<1>(),
                                 sys::perip_clk_en0::uart_mem_clk_en::value<1>());
      sys::perip_rst_en0::modify(sys::perip_rst_en0::uart1_rst::value<0>());
    }
    const baud_setting setting = baud_setting_for(c.baud);
    const divider d = setting.clkdiv;
    Block::clk_conf::modify(Block::clk_conf::sclk_sel::template value<sclk_sel_xtal>(),
                            Block::clk_conf::sclk_div_num::dynamic(setting.prescale - 1u),
                            Block::clk_conf::sclk_div_a::template value<0>(),
                            Block::clk_conf::sclk_div_b::template value<0>(),
                            Block::clk_conf::sclk_en::template value<1>(),
                            Block::clk_conf::tx_sclk_en::template value<1>(),
                            Block::clk_conf::rx_sclk_en::template value<1>());
    Block::clkdiv::write(Block::clkdiv::clkdiv_field::dynamic(d.integer),
                         Block::clkdiv::frag::dynamic(d.fraction));
    Block::conf0::modify(Block::conf0::bit_num::dynamic(static_cast<uint32_t>(c.data) - 5u),
                         Block::conf0::parity_en::dynamic(c.parity_mode == parity::none ? 0u : 1u),
                         Block::conf0::parity::dynamic(c.parity_mode == parity::odd ? 1u : 0u),
                         Block::conf0::stop_bit_num::dynamic(static_cast<uint32_t>(c.stop)));
    // The C3 copies configuration into the UART's clock domain on REG_UPDATE, then clears it.
    Block::id::modify(Block::id::reg_update::template value<1>());
    while (Block::id::reg_update::read() != 0) {
    }
    return true;
  }

  /// Routes TX and RX through the GPIO matrix: TX driven by the UART's TXD signal, RX with its
  /// input buffer and a pull-up (an idle line reads high when nothing is connected).
  template <unsigned TxPin, unsigned RxPin, gpio::unlock Unlock = gpio::unlock::none>
  void route_pins() const {
    static_assert(TxPin != RxPin, "esp_blink::uart: TX and RX need two pins");
    gpio::connect_output<TxPin, tx_signal, Unlock>({.strength = gpio::drive::ma20});
    gpio::detail::configure_pad<RxPin>(gpio::pull::up, gpio::drive::ma5, true);
    gpio::connect_input<RxPin, rx_signal, Unlock>();
  }

  /// Waits for room in the TX FIFO, then queues one byte.
  void write_byte(uint8_t byte) const {
    while (Block::status::txfifo_cnt::read() >= fifo_size) {
    }
    Block::fifo::write(Block::fifo::rxfifo_rd_byte::dynamic(byte));
  }

  /// Queues the bytes of a NUL-terminated string (blocking while the FIFO is full).
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

/// UART0; the ROM leaves it running at 115200 8N1.
using uart0 = port<pac::uart0>;
/// UART1; has no pins until route_pins().
using uart1 = port<pac::uart1>;

static_assert(byte_sink<uart0>);
static_assert(hal::serial<uart0>);

}  // namespace esp_blink::uart
