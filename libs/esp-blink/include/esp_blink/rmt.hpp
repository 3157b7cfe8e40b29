// RMT transmit channel 0: sends a list of (level, duration) pulses with the peripheral's own
// timing, independent of what the CPU does meanwhile. WS2812 LEDs are its best-known use.
//
// Clocking: RMT source = APB 80 MHz (SYS_CONF.SCLK_SEL = 1, no divider), channel divider 1,
// so one tick is 12.5 ns. The channel RAM is written directly (SYS_CONF.APB_FIFO_MASK = 1).
// Registers, item format and the matrix signal: docs/esp32c3.md, "RMT".
#pragma once

#include <esp_blink/gpio.hpp>
#include <esp_blink/mmio.hpp>
#include <esp_blink/pac/rmt.hpp>
#include <esp_blink/pac/system.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::rmt {

inline constexpr uint32_t tick_hz = 80'000'000;  ///< Ticks per second: one tick is 12.5 ns.
inline constexpr uint32_t ram_base = pac::rmt::base + 0x400;  ///< channel RAM, 48 words a block
inline constexpr uint32_t words_per_block = 48;               ///< Items per RAM block.
inline constexpr uint32_t max_ticks = 0x7FFF;                 ///< a half-item's duration field
inline constexpr uint32_t tx0_signal = 51;  ///< GPIO matrix output signal of TX channel 0

/// `ns` nanoseconds in ticks, rounded to the nearest.
constexpr uint32_t ticks_from_ns(uint32_t ns) {
  return static_cast<uint32_t>((uint64_t{ns} * tick_hz + 500'000'000u) / 1'000'000'000u);
}

/// One RMT item: level0 for ticks0, then level1 for ticks1. A zero duration ends the
/// transmission at that half.
constexpr uint32_t item(bool level0, uint32_t ticks0, bool level1, uint32_t ticks1) {
  return (ticks0 & max_ticks) | (level0 ? 1u << 15 : 0u) | (ticks1 & max_ticks) << 16 |
         (level1 ? 1u << 31 : 0u);
}

/// TX channel 0 on a pin, with Blocks RAM blocks of 48 items (channel 0 may borrow the
/// following channels' blocks, up to 4).
template <unsigned Pin, unsigned Blocks = 1, gpio::unlock Unlock = gpio::unlock::none>
class tx_channel0 {
  static_assert(gpio::detail::check_pin<Pin, Unlock>());
  static_assert(Blocks >= 1 && Blocks <= 4, "esp_blink::rmt: channel 0 can use 1 to 4 blocks");
  using regs = pac::rmt;
  using conf = regs::ch_tx_conf0<0>;

 public:
  /// The most items one send() can take: 48 per block.
  static constexpr size_t capacity = Blocks * words_per_block;

  /// Enables the RMT clock, sets channel 0 up (divider 1, idle low, no carrier), routes it to Pin.
  tx_channel0() {
    using sys = pac::system;
    sys::perip_clk_en0::modify(sys::perip_clk_en0::rmt_clk_en::value<1>());
    sys::perip_rst_en0::modify(sys::perip_rst_en0::rmt_rst::value<0>());
    regs::sys_conf::write(
        regs::sys_conf::apb_fifo_mask::value<1>(), regs::sys_conf::mem_clk_force_on::value<1>(),
        regs::sys_conf::sclk_sel::value<1>(), regs::sys_conf::sclk_div_num::value<0>(),
        regs::sys_conf::sclk_active::value<1>(), regs::sys_conf::clk_en::value<1>());
    conf::write(conf::div_cnt::template value<1>(), conf::mem_size::template value<Blocks>(),
                conf::idle_out_en::template value<1>(), conf::idle_out_lv::template value<0>(),
                conf::carrier_en::template value<0>(), conf::conf_update::template value<1>());
    gpio::connect_output<Pin, tx0_signal, Unlock>();
  }

  /// Sends `count` items (at most `capacity`; the last must hold a zero duration) and returns
  /// when the channel reports the end of the transmission.
  void send(const uint32_t* items, size_t count) {
    if (count > capacity) count = capacity;
    for (size_t i = 0; i < count; ++i) {
      // Safety: ram_base + 4 * i stays inside this channel's Blocks blocks (count <= capacity).
      mmio::write(ram_base + 4u * static_cast<uint32_t>(i), items[i]);
    }
    regs::int_clr::write(regs::int_clr::ch0_tx_end::value<1>());
    conf::modify(conf::mem_rd_rst::value<1>(), conf::conf_update::value<1>());
    conf::modify(conf::tx_start::value<1>(), conf::conf_update::value<1>());
    while (regs::int_raw::ch0_tx_end::read() == 0) {
    }
  }
};

}  // namespace esp_blink::rmt
