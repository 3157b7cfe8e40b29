// Switching off the four watchdogs that are armed after reset, each behind its write-protect key.
//
// Sequences from docs/esp32c3.md, "Watchdogs" (as esp-hal does it): unlock, change, relock. A
// write without the key is ignored by the chip, which the host fake and the emulator model too.
#pragma once

#include <esp_blink/pac/rtc_cntl.hpp>
#include <esp_blink/pac/timg0.hpp>
#include <esp_blink/pac/timg1.hpp>

#include <stdint.h>

namespace esp_blink::watchdog {

inline constexpr uint32_t wdt_key = 0x50D83AA1u;  ///< Write-protect key: RTC WDT and TIMGn WDT.
inline constexpr uint32_t swd_key = 0x8F1D312Au;  ///< Write-protect key: super watchdog.

/// RTC watchdog off: enable bit and flash-boot mode cleared.
inline void disable_rtc() {
  using rtc = pac::rtc_cntl;
  rtc::wdtwprotect::write(rtc::wdtwprotect::wdt_wkey::value<wdt_key>());
  rtc::wdtconfig0::write_raw(0);
  rtc::wdtwprotect::write_raw(0);
}

/// The super watchdog cannot be disabled by software on every revision; auto-feed keeps it quiet.
inline void disable_super() {
  using rtc = pac::rtc_cntl;
  rtc::swd_wprotect::write(rtc::swd_wprotect::swd_wkey::value<swd_key>());
  rtc::swd_conf::modify(rtc::swd_conf::swd_auto_feed_en::value<1>());
  rtc::swd_wprotect::write_raw(0);
}

/// A timer group's main watchdog off. TimerGroup is pac::timg0 or pac::timg1.
template <typename TimerGroup>
inline void disable_timer_group() {
  using t = TimerGroup;
  t::wdtwprotect::write(t::wdtwprotect::wdt_wkey::template value<wdt_key>());
  // One store: enable and flash-boot mode off, and the C3's latch bit to apply it.
  t::wdtconfig0::modify(t::wdtconfig0::wdt_en::template value<0>(),
                        t::wdtconfig0::wdt_flashboot_mod_en::template value<0>(),
                        t::wdtconfig0::wdt_conf_update_en::template value<1>());
  t::wdtwprotect::write_raw(0);
}

/// Every watchdog the ROM leaves running, in the order esp-hal uses.
inline void disable_all() {
  disable_super();
  disable_rtc();
  disable_timer_group<pac::timg0>();
  disable_timer_group<pac::timg1>();
}

}  // namespace esp_blink::watchdog
