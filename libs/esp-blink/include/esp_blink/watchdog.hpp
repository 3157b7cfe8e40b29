// The four watchdogs: switching off the ones armed after reset, configuring the timer groups'
// main watchdogs (MWDT) and the RTC watchdog (RWDT) with up to four stages, feeding them and the
// super watchdog, and reading why the chip last reset.
//
// Sequences from docs/esp32c3.md, "Watchdogs" (as esp-hal does it): unlock, change, relock. A
// write without the key is ignored by the chip, which the host fake and the emulator model too.
// The MWDT counts the 40 MHz XTAL prescaled to 1 kHz and the RWDT the ~136 kHz RC slow clock,
// so neither timeout depends on the CPU clock (esp_blink/clock.hpp).
#pragma once

#include <esp_blink/pac/rtc_cntl.hpp>
#include <esp_blink/pac/timg0.hpp>
#include <esp_blink/pac/timg1.hpp>

#include <stdint.h>

namespace esp_blink::watchdog {

inline constexpr uint32_t wdt_key = 0x50D83AA1u;  ///< Write-protect key: RTC WDT and TIMGn WDT.
inline constexpr uint32_t swd_key = 0x8F1D312Au;  ///< Write-protect key: super watchdog.

/// Runs `change` with the write-protect register `Protect` holding `Key`, then relocks.
template <typename Protect, uint32_t Key, typename Change>
inline void unlocked(Change change) {
  Protect::write_raw(Key);
  change();
  Protect::write_raw(0);
}

/// RTC watchdog off: enable bit and flash-boot mode cleared.
inline void disable_rtc() {
  using rtc = pac::rtc_cntl;
  unlocked<rtc::wdtwprotect, wdt_key>([&] { rtc::wdtconfig0::write_raw(0); });
}

/// The super watchdog cannot be disabled by software on every revision; auto-feed keeps it quiet.
inline void disable_super() {
  using rtc = pac::rtc_cntl;
  unlocked<rtc::swd_wprotect, swd_key>(
      [&] { rtc::swd_conf::modify(rtc::swd_conf::swd_auto_feed_en::value<1>()); });
}

/// A timer group's main watchdog off. TimerGroup is pac::timg0 or pac::timg1.
template <typename TimerGroup>
inline void disable_timer_group() {
  using t = TimerGroup;
  unlocked<typename t::wdtwprotect, wdt_key>([&] {
    // One store: enable and flash-boot mode off, and the C3's latch bit to apply it.
    t::wdtconfig0::modify(t::wdtconfig0::wdt_en::template value<0>(),
                          t::wdtconfig0::wdt_flashboot_mod_en::template value<0>(),
                          t::wdtconfig0::wdt_conf_update_en::template value<1>());
  });
}

/// Every watchdog the ROM leaves running, in the order esp-hal uses.
inline void disable_all() {
  disable_super();
  disable_rtc();
  disable_timer_group<pac::timg0>();
  disable_timer_group<pac::timg1>();
}

/// What a stage does when its timeout passes without a feed. The MWDT supports off to
/// reset_core; only the RWDT can also reset the RTC domain (reset_system).
enum class action : uint8_t { off, interrupt, reset_cpu, reset_core, reset_system };

/// One stage: entered when the previous one's timeout passed (stage 0: at the last feed).
struct stage {
  action what = action::off;  ///< what happens when this stage times out
  uint32_t timeout_ms = 0;    ///< time in this stage before `what`, in milliseconds
};

/// Up to four stages, run in order; stages after the first `off` are not used.
struct config {
  stage stages[4] = {};  ///< stage 0 first; an `off` stage ends the list
};

/// Why a configuration was refused (nothing was written to the watchdog then).
enum class error : uint8_t {
  ok,                  ///< accepted and written
  zero_timeout,        ///< an active stage with a timeout of 0 ms
  timeout_too_long,    ///< more than the hold register counts at this watchdog's clock
  action_unsupported,  ///< reset_system asked of an MWDT
  no_reset_stage,      ///< no stage resets anything: the watchdog could never fire
};

inline constexpr uint32_t mwdt_source_hz = 40'000'000;  ///< XTAL (WDTCONFIG0.WDT_USE_XTAL)
inline constexpr uint32_t mwdt_prescale = 40'000;       ///< one tick per millisecond
inline constexpr uint32_t rwdt_slow_hz = 136'000;       ///< RC_SLOW, nominal (the TRM: ~136 kHz)

/// The reason in RTC_CNTL RESET_STATE.RESET_CAUSE_PROCPU (the C3's reset-reason codes).
enum class reset_reason : uint8_t {
  power_on = 0x01,
  core_sw = 0x03,
  core_deep_sleep = 0x05,
  core_mwdt0 = 0x07,
  core_mwdt1 = 0x08,
  core_rtc_wdt = 0x09,
  cpu_mwdt0 = 0x0B,
  cpu_sw = 0x0C,
  cpu_rtc_wdt = 0x0D,
  sys_brown_out = 0x0F,
  sys_rtc_wdt = 0x10,
  cpu_mwdt1 = 0x11,
  sys_super_wdt = 0x12,
};

/// Why the CPU last came out of reset.
inline reset_reason last_reset_reason() {
  return static_cast<reset_reason>(pac::rtc_cntl::reset_state::reset_cause_procpu::read());
}

/// A short name for a reset reason ("power on", "TIMG0 watchdog, core", ...).
constexpr const char* name(reset_reason r) {
  switch (r) {
    case reset_reason::power_on:
      return "power on";
    case reset_reason::core_sw:
      return "software, core";
    case reset_reason::core_deep_sleep:
      return "deep sleep";
    case reset_reason::core_mwdt0:
      return "TIMG0 watchdog, core";
    case reset_reason::core_mwdt1:
      return "TIMG1 watchdog, core";
    case reset_reason::core_rtc_wdt:
      return "RTC watchdog, core";
    case reset_reason::cpu_mwdt0:
      return "TIMG0 watchdog, CPU";
    case reset_reason::cpu_sw:
      return "software, CPU";
    case reset_reason::cpu_rtc_wdt:
      return "RTC watchdog, CPU";
    case reset_reason::sys_brown_out:
      return "brown-out";
    case reset_reason::sys_rtc_wdt:
      return "RTC watchdog, system";
    case reset_reason::cpu_mwdt1:
      return "TIMG1 watchdog, CPU";
    case reset_reason::sys_super_wdt:
      return "super watchdog";
  }
  return "unknown";
}

namespace detail {

/// The checks both watchdogs share; `max_ms` is the longest timeout the hold register counts.
constexpr error check(const config& c, uint32_t max_ms, bool system_reset_ok) {
  bool resets = false;
  for (const stage& s : c.stages) {
    if (s.what == action::off) break;
    if (s.timeout_ms == 0) return error::zero_timeout;
    if (s.timeout_ms > max_ms) return error::timeout_too_long;
    if (s.what == action::reset_system && !system_reset_ok) return error::action_unsupported;
    resets = resets || s.what != action::interrupt;
  }
  return resets ? error::ok : error::no_reset_stage;
}

/// Stage n's field value: off 0, interrupt 1, then the resets; 0 after the first `off` stage.
constexpr uint32_t stage_code(const config& c, unsigned n) {
  for (unsigned i = 0; i <= n; ++i) {
    if (c.stages[i].what == action::off) return 0;
  }
  return static_cast<uint32_t>(c.stages[n].what);
}

}  // namespace detail

/// Checks `c` for a timer group's main watchdog (nothing is written).
constexpr error check_mwdt(const config& c) {
  return detail::check(c, UINT32_MAX, false);
}

/// Checks `c` for the RTC watchdog (nothing is written).
constexpr error check_rwdt(const config& c) {
  return detail::check(c, UINT32_MAX / rwdt_slow_hz * 1000u, true);
}

/// Arms a timer group's main watchdog with `c` and feeds it. On an error nothing is written.
/// TimerGroup is pac::timg0 or pac::timg1.
template <typename TimerGroup>
inline error configure_timer_group(const config& c) {
  if (const error e = check_mwdt(c); e != error::ok) return e;
  using t = TimerGroup;
  unlocked<typename t::wdtwprotect, wdt_key>([&] {
    // Off while the stages change, so no half-written configuration can fire.
    t::wdtconfig0::write(t::wdtconfig0::wdt_flashboot_mod_en::template value<0>(),
                         t::wdtconfig0::wdt_conf_update_en::template value<1>());
    t::wdtconfig1::write(t::wdtconfig1::wdt_clk_prescale::template value<mwdt_prescale>(),
                         t::wdtconfig1::wdt_divcnt_rst::template value<1>());
    t::wdtconfig2::write_raw(c.stages[0].timeout_ms);
    t::wdtconfig3::write_raw(c.stages[1].timeout_ms);
    t::wdtconfig4::write_raw(c.stages[2].timeout_ms);
    t::wdtconfig5::write_raw(c.stages[3].timeout_ms);
    t::wdtconfig0::write(t::wdtconfig0::wdt_en::template value<1>(),
                         t::wdtconfig0::wdt_stg0::dynamic(detail::stage_code(c, 0)),
                         t::wdtconfig0::wdt_stg1::dynamic(detail::stage_code(c, 1)),
                         t::wdtconfig0::wdt_stg2::dynamic(detail::stage_code(c, 2)),
                         t::wdtconfig0::wdt_stg3::dynamic(detail::stage_code(c, 3)),
                         t::wdtconfig0::wdt_use_xtal::template value<1>(),
                         t::wdtconfig0::wdt_flashboot_mod_en::template value<0>(),
                         t::wdtconfig0::wdt_sys_reset_length::template value<1>(),
                         t::wdtconfig0::wdt_cpu_reset_length::template value<1>(),
                         t::wdtconfig0::wdt_conf_update_en::template value<1>());
    t::wdtfeed::write_raw(1);
  });
  return error::ok;
}

/// Restarts a timer group's main watchdog at stage 0.
template <typename TimerGroup>
inline void feed_timer_group() {
  using t = TimerGroup;
  unlocked<typename t::wdtwprotect, wdt_key>([&] {
    t::wdtfeed::write_raw(1);  // any value feeds
  });
}

/// Arms the RTC watchdog with `c` and feeds it. On an error nothing is written.
inline error configure_rtc(const config& c) {
  if (const error e = check_rwdt(c); e != error::ok) return e;
  using rtc = pac::rtc_cntl;
  unlocked<rtc::wdtwprotect, wdt_key>([&] {
    rtc::wdtconfig0::write_raw(0);
    rtc::wdtconfig1::write_raw(c.stages[0].timeout_ms * (rwdt_slow_hz / 1000u));
    rtc::wdtconfig2::write_raw(c.stages[1].timeout_ms * (rwdt_slow_hz / 1000u));
    rtc::wdtconfig3::write_raw(c.stages[2].timeout_ms * (rwdt_slow_hz / 1000u));
    rtc::wdtconfig4::write_raw(c.stages[3].timeout_ms * (rwdt_slow_hz / 1000u));
    rtc::wdtconfig0::write(rtc::wdtconfig0::wdt_en::value<1>(),
                           rtc::wdtconfig0::wdt_stg0::dynamic(detail::stage_code(c, 0)),
                           rtc::wdtconfig0::wdt_stg1::dynamic(detail::stage_code(c, 1)),
                           rtc::wdtconfig0::wdt_stg2::dynamic(detail::stage_code(c, 2)),
                           rtc::wdtconfig0::wdt_stg3::dynamic(detail::stage_code(c, 3)),
                           rtc::wdtconfig0::wdt_flashboot_mod_en::value<0>(),
                           rtc::wdtconfig0::wdt_chip_reset_width::value<20>(),
                           rtc::wdtconfig0::wdt_sys_reset_length::value<7>(),
                           rtc::wdtconfig0::wdt_cpu_reset_length::value<7>());
    rtc::wdtfeed::write(rtc::wdtfeed::wdt_feed::value<1>());
  });
  return error::ok;
}

/// Restarts the RTC watchdog at stage 0.
inline void feed_rtc() {
  using rtc = pac::rtc_cntl;
  unlocked<rtc::wdtwprotect, wdt_key>(
      [&] { rtc::wdtfeed::write(rtc::wdtfeed::wdt_feed::value<1>()); });
}

/// Feeds the super watchdog (for firmware that turned its auto-feed off with enable_super).
inline void feed_super() {
  using rtc = pac::rtc_cntl;
  unlocked<rtc::swd_wprotect, swd_key>(
      [&] { rtc::swd_conf::modify(rtc::swd_conf::swd_feed::value<1>()); });
}

/// Lets the super watchdog run (auto-feed and disable off): the firmware must feed_super()
/// within its fixed timeout (not configurable) or the whole chip resets.
inline void enable_super() {
  using rtc = pac::rtc_cntl;
  unlocked<rtc::swd_wprotect, swd_key>([&] {
    rtc::swd_conf::modify(rtc::swd_conf::swd_auto_feed_en::value<0>(),
                          rtc::swd_conf::swd_disable::value<0>(),
                          rtc::swd_conf::swd_feed::value<1>());
  });
}

}  // namespace esp_blink::watchdog
