// SPI2 (the C3's general-purpose SPI, "FSPI") as a master: SPI modes 0-3, a clock divider for
// up to 40 MHz, full-duplex, read and write-only transfers through the 64-byte data buffer
// (W0-W15), longer transfers in 64-byte chunks. The bus has no chip select of its own (as
// embedded-hal's SpiBus); `hardware_cs` drives the controller's CS0 output, and a GPIO works as
// well, both through hal::spi_device_on (hal/spi_device.hpp), which owns CS for a transaction.
//
//   esp_blink::spi::master<6, 7, 2, 10'000'000> bus;      // SCLK GPIO6, MOSI GPIO7, MISO GPIO2
//   esp_blink::gpio::output_pin<10> cs{true};
//   esp_blink::systimer::delay delay;
//   esp_blink::hal::spi_device_on device{bus, cs, delay};
//   device.write(bytes, n);                                // CS low, bytes, CS high
//
// Sequence per chunk (ESP-IDF spi_ll / esp-hal): bit length to MS_DLEN, data to W0-W15, CMD.UPDATE
// (copies the configuration into the SPI clock domain, clears itself), CMD.USR (starts, clears
// itself when the chunk is out), received data from W0-W15.
#pragma once

#include <esp_blink/gpio.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/mmio.hpp>
#include <esp_blink/pac/spi2.hpp>
#include <esp_blink/pac/system.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::spi {

/// The controller is clocked from the PLL's fixed 80 MHz (CLK_GATE.MST_CLK_SEL = 1), which does
/// not follow the CPU clock divider.
inline constexpr uint32_t source_hz = 80'000'000;
inline constexpr uint32_t max_bus_hz = source_hz / 2;  ///< The fastest bus clock, 40 MHz.
inline constexpr size_t buffer_size = 64;              ///< W0-W15

// GPIO matrix signals of FSPI (ESP-IDF gpio_sig_map.h: FSPICLK 63, FSPIQ 64, FSPID 65, FSPICS0 68).
inline constexpr uint32_t sclk_signal = 63;  ///< FSPICLK output.
inline constexpr uint32_t miso_signal = 64;  ///< FSPIQ input.
inline constexpr uint32_t mosi_signal = 65;  ///< FSPID output.
inline constexpr uint32_t cs0_signal = 68;   ///< FSPICS0 output.

/// Clock polarity (bit 1: idle high) and phase (bit 0: sample on the second edge).
enum class mode : uint8_t { mode0 = 0, mode1 = 1, mode2 = 2, mode3 = 3 };

/// CPOL: whether SCLK idles high in mode `m` (modes 2 and 3).
constexpr bool idle_high(mode m) {
  return (static_cast<uint8_t>(m) & 2u) != 0;
}
/// USER.CK_OUT_EDGE: data changes on the rising edge in modes 1 and 2 (CPOL xor CPHA).
constexpr bool out_on_rising_edge(mode m) {
  return m == mode::mode1 || m == mode::mode2;
}

/// CLOCK register values: bus = source / ((pre + 1) * (n + 1)), or the source itself when
/// `equal_to_source` (not used here: the bus is capped at half the source).
struct divider {
  uint32_t pre;  ///< CLKDIV_PRE, 0..15
  uint32_t n;    ///< CLKCNT_N, 1..63
  uint32_t hz;   ///< the resulting bus clock; 0 when no divider reaches the request
  constexpr uint32_t high() const { return (n + 1) / 2 - 1; }  ///< CLKCNT_H: half the period high
  constexpr uint32_t low() const { return n; }                 ///< CLKCNT_L: the period's end
};

/// The fastest clock not above `bus_hz`. Never faster than asked, so a device's maximum holds.
constexpr divider divider_for(uint32_t source, uint32_t bus_hz) {
  divider best{0, 0, 0};
  if (bus_hz == 0) return best;
  for (uint32_t pre = 0; pre < 16; ++pre) {
    const uint32_t step = bus_hz * (pre + 1);
    uint32_t n = (source + step - 1) / step;  // total division by the counter, rounded up
    if (n < 2) n = 2;
    if (n > 64) continue;
    const uint32_t hz = source / ((pre + 1) * n);
    if (hz > best.hz) best = {pre, n - 1, hz};
    if (hz == bus_hz) break;
  }
  return best;
}

/// The SPI2 master on the given pins. BusHz is checked at compile time (78.125 kHz to 40 MHz).
template <unsigned SclkPin, unsigned MosiPin, unsigned MisoPin, uint32_t BusHz,
          mode Mode = mode::mode0, gpio::unlock Unlock = gpio::unlock::none>
class master {
  static_assert(gpio::detail::check_pin<SclkPin, Unlock>() &&
                gpio::detail::check_pin<MosiPin, Unlock>() &&
                gpio::detail::check_pin<MisoPin, Unlock>());
  static_assert(SclkPin != MosiPin && SclkPin != MisoPin && MosiPin != MisoPin,
                "esp_blink::spi: SCLK, MOSI and MISO need three pins");
  static_assert(BusHz <= max_bus_hz, "esp_blink::spi: up to 40 MHz (half the 80 MHz source)");
  static constexpr divider clock = divider_for(source_hz, BusHz);
  static_assert(clock.hz != 0, "esp_blink::spi: bus frequency below 78.125 kHz");

  using regs = pac::spi2;

 public:
  static constexpr uint32_t bus_hz = clock.hz;  ///< The bus clock reached: at most BusHz.
  static constexpr spi::mode bus_mode = Mode;   ///< The SPI mode (clock polarity and phase).
  /// Polls of CMD before a chunk counts as hung: 64 bytes at 78 kHz take 6.6 ms, a poll at
  /// least 4 cycles, so this is over 25 ms even at 160 MHz.
  static constexpr uint32_t poll_limit = 1'000'000;

  /// Clocks and resets the controller, routes the pins, sets mode and divider. CS0 stays
  /// disabled until a hardware_cs is made.
  master() {
    using sys = pac::system;
    sys::perip_clk_en0::modify(sys::perip_clk_en0::spi2_clk_en::value<1>());
    sys::perip_rst_en0::modify(sys::perip_rst_en0::spi2_rst::value<1>());
    sys::perip_rst_en0::modify(sys::perip_rst_en0::spi2_rst::value<0>());
    regs::clk_gate::write(regs::clk_gate::clk_en::value<1>(),
                          regs::clk_gate::mst_clk_active::value<1>(),
                          regs::clk_gate::mst_clk_sel::value<1>());
    regs::clock::write(
        regs::clock::clkdiv_pre::value<clock.pre>(), regs::clock::clkcnt_n::value<clock.n>(),
        regs::clock::clkcnt_h::value<clock.high()>(), regs::clock::clkcnt_l::value<clock.low()>(),
        regs::clock::clk_equ_sysclk::value<0>());
    regs::misc::write(regs::misc::cs0_dis::value<1>(), regs::misc::cs1_dis::value<1>(),
                      regs::misc::cs2_dis::value<1>(), regs::misc::cs3_dis::value<1>(),
                      regs::misc::cs4_dis::value<1>(), regs::misc::cs5_dis::value<1>(),
                      regs::misc::ck_idle_edge::value < idle_high(Mode) ? 1u : 0u > ());
    const gpio::pad_config pad{.strength = gpio::drive::ma20};
    gpio::connect_output<SclkPin, sclk_signal, Unlock>(pad);
    gpio::connect_output<MosiPin, mosi_signal, Unlock>(pad);
    gpio::connect_input<MisoPin, miso_signal, Unlock>();
    gpio::detail::configure_pad<MisoPin>(gpio::pull::none, gpio::drive::ma5, true);
  }

  /// Sends `n` bytes, ignoring what comes back.
  hal::error_kind write(const uint8_t* out, size_t n) { return run(out, nullptr, n); }
  /// Receives `n` bytes, sending zeros.
  hal::error_kind read(uint8_t* in, size_t n) { return run(nullptr, in, n); }
  /// Sends `out` and receives into `in` at once (both `n` bytes; they may be the same buffer).
  hal::error_kind transfer(uint8_t* in, const uint8_t* out, size_t n) { return run(out, in, n); }
  /// Every call above returns when its bytes are on the wire, so there is nothing to wait for.
  hal::error_kind flush() { return hal::error_kind::ok; }

 private:
  hal::error_kind run(const uint8_t* out, uint8_t* in, size_t n) {
    if (n == 0) return hal::error_kind::ok;
    if (out == nullptr && in == nullptr) return hal::error_kind::other;
    // Only the data phases: USER written whole leaves the command, address and dummy phases
    // off. A write-only transfer leaves the MISO phase off: received bits are not stored.
    regs::user::write(regs::user::doutdin::value<1>(), regs::user::cs_setup::value<1>(),
                      regs::user::cs_hold::value<1>(),
                      regs::user::ck_out_edge::value < out_on_rising_edge(Mode) ? 1u : 0u > (),
                      regs::user::usr_mosi::value<1>(),
                      regs::user::usr_miso::dynamic(in != nullptr ? 1u : 0u));
    for (size_t done = 0; done < n; done += buffer_size) {
      const size_t chunk = n - done < buffer_size ? n - done : buffer_size;
      const hal::error_kind result = run_chunk(out == nullptr ? nullptr : out + done,
                                               in == nullptr ? nullptr : in + done, chunk);
      if (result != hal::error_kind::ok) return result;
    }
    return hal::error_kind::ok;
  }

  hal::error_kind run_chunk(const uint8_t* out, uint8_t* in, size_t n) {
    regs::ms_dlen::write(regs::ms_dlen::ms_data_bitlen::dynamic(static_cast<uint32_t>(n * 8 - 1)));
    for (size_t word = 0; word * 4 < n; ++word) {
      uint32_t value = 0;
      for (size_t b = 0; b < 4 && word * 4 + b < n; ++b) {
        const uint8_t byte = out == nullptr ? 0 : out[word * 4 + b];
        value |= uint32_t{byte} << (8 * b);  // the first byte out is the word's low byte
      }
      mmio::write(buffer_address(word), value);
    }
    regs::cmd::write(regs::cmd::update::value<1>());
    if (!wait_cmd_clear<regs::cmd::update>()) return hal::error_kind::timeout;
    regs::cmd::write(regs::cmd::usr::value<1>());
    if (!wait_cmd_clear<regs::cmd::usr>()) return hal::error_kind::timeout;
    if (in != nullptr) {
      for (size_t word = 0; word * 4 < n; ++word) {
        const uint32_t value = mmio::read(buffer_address(word));
        for (size_t b = 0; b < 4 && word * 4 + b < n; ++b) {
          in[word * 4 + b] = static_cast<uint8_t>(value >> (8 * b));
        }
      }
    }
    return hal::error_kind::ok;
  }

  template <typename Bit>
  static bool wait_cmd_clear() {
    for (uint32_t polls = 0; polls < poll_limit; ++polls) {
      if (Bit::read() == 0) return true;
    }
    return false;
  }

  static constexpr uint32_t buffer_address(size_t word) {
    return regs::w0::address + static_cast<uint32_t>(word) * 4u;
  }
};

/// SPI2's own CS0 output on a pin, as an output pin for hal::spi_device_on: set_low() keeps CS
/// active from the next chunk on until set_high() (MISC.CS_KEEP_ACTIVE), so a transaction of
/// several chunks stays selected throughout.
template <unsigned Pin, gpio::unlock Unlock = gpio::unlock::none>
class hardware_cs {
  using regs = pac::spi2;

 public:
  /// Routes CS0 to Pin and enables it, deselected.
  hardware_cs() {
    gpio::connect_output<Pin, cs0_signal, Unlock>({.strength = gpio::drive::ma20});
    regs::misc::modify(regs::misc::cs0_dis::value<0>(), regs::misc::cs_keep_active::value<0>());
  }
  /// Selects the device: CS stays active from the next chunk on (MISC.CS_KEEP_ACTIVE).
  void set_low() { regs::misc::modify(regs::misc::cs_keep_active::value<1>()); }
  /// Deselects the device (clears MISC.CS_KEEP_ACTIVE).
  void set_high() { regs::misc::modify(regs::misc::cs_keep_active::value<0>()); }
};

}  // namespace esp_blink::spi
