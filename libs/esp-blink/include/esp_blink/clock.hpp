// The CPU clock: from the PLL at 80 or 160 MHz, or from the 40 MHz XTAL, and the frequencies
// the rest of the chip sees, read back from SYSTEM (the registers are the one source of truth).
//
// SYSCLK_CONF.SOC_CLK_SEL picks the source (0 XTAL, 1 PLL, 2 RC_FAST), PRE_DIV_CNT divides
// XTAL or RC_FAST, and with the PLL CPU_PER_CONF.CPUPERIOD_SEL picks 80 (0) or 160 MHz (1) of
// the 480 MHz PLL (PLL_FREQ_SEL = 1). APB runs at 80 MHz from the PLL and at the CPU clock
// otherwise. The drivers do not depend on the CPU clock: UART, I2C and the MWDT run from the
// XTAL, SPI2 from the PLL's fixed 80 MHz and SYSTIMER at 16 MHz; only the RMT (APB) needs the
// PLL. Busy-waits use SYSTIMER, so delays stay exact across a switch.
#pragma once

#include <esp_blink/pac/system.hpp>

#include <stdint.h>

namespace esp_blink::clock {

enum class cpu_source : uint8_t { xtal_40mhz, pll_80mhz, pll_160mhz };

inline constexpr uint32_t xtal_hz = 40'000'000;
inline constexpr uint32_t rc_fast_hz = 17'500'000;
inline constexpr uint32_t pll_apb_hz = 80'000'000;

/// The CPU clock as SYSTEM is set now, in Hz.
inline uint32_t cpu_hz() {
  using sys = pac::system;
  const uint32_t conf = sys::sysclk_conf::read();
  const uint32_t source = sys::sysclk_conf::soc_clk_sel::extract(conf);
  if (source == 1) return sys::cpu_per_conf::cpuperiod_sel::read() == 1 ? 160'000'000 : 80'000'000;
  const uint32_t divided = source == 0 ? xtal_hz : rc_fast_hz;
  return divided / (sys::sysclk_conf::pre_div_cnt::extract(conf) + 1);
}

/// The APB clock (RMT, and the timer groups when not on the XTAL), in Hz.
inline uint32_t apb_hz() {
  return pac::system::sysclk_conf::soc_clk_sel::read() == 1 ? pll_apb_hz : cpu_hz();
}

/// Switches the CPU clock. To the PLL: the 480 MHz PLL's divider first, then the source, so
/// the CPU never runs from the PLL undivided. To the XTAL: undivided, 40 MHz.
inline void set_cpu(cpu_source to) {
  using sys = pac::system;
  if (to == cpu_source::xtal_40mhz) {
    sys::sysclk_conf::modify(sys::sysclk_conf::soc_clk_sel::value<0>(),
                             sys::sysclk_conf::pre_div_cnt::value<0>());
    return;
  }
  sys::cpu_per_conf::modify(
      sys::cpu_per_conf::pll_freq_sel::value<1>(),
      sys::cpu_per_conf::cpuperiod_sel::dynamic(to == cpu_source::pll_160mhz ? 1u : 0u));
  sys::sysclk_conf::modify(sys::sysclk_conf::soc_clk_sel::value<1>(),
                           sys::sysclk_conf::pre_div_cnt::value<0>());
}

}  // namespace esp_blink::clock
