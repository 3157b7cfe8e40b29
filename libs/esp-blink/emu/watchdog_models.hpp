// Watchdog models: RTC_CNTL (the RTC and super watchdogs) and the timer groups' main watchdogs.
// The register file drops a store made without the write-protect key; these models count and
// report it, note feeds, and tell whether each watchdog still runs.
//
// Two kinds of running watchdog: one armed only by flash-boot mode (as the ROM leaves it) is
// checked against the emulator's timeout parameter (expired()); one the firmware enabled
// (WDT_EN) runs its stages from the last feed, and the first stage whose action is a reset
// sets `reset_at` and the reset reason the chip would report (docs/esp-blink.md, "Watchdogs").
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t rtc_cntl_base = 0x60008000;
inline constexpr uint32_t timg0_base = 0x6001F000, timg1_base = 0x60020000;

/// One watchdog's state as the models see it.
struct watchdog_state {
  bool enabled = true;             // armed by flash-boot mode only (super WDT: not auto-fed)
  uint32_t locked_writes = 0;      // writes dropped because the key was not written first
  uint64_t fed_at = 0;             // cycle of the last feed (or of reset)
  uint64_t reset_at = UINT64_MAX;  // enabled with stages: the cycle its reset stage fires
  uint8_t reset_reason = 0;        // ... and the reason RESET_STATE then reports

  /// Still running `timeout` cycles after the last feed.
  bool expired(uint64_t now, uint64_t timeout) const { return enabled && now - fed_at >= timeout; }
};

inline constexpr uint32_t rtc_reset_state = 0x38;  // RESET_STATE: RESET_CAUSE_PROCPU in 5:0
inline constexpr uint8_t reason_power_on = 0x01;

class rtc_cntl_model final : public peripheral_model {
 public:
  explicit rtc_cntl_model(model_context& ctx) : ctx_(ctx) { after_reset(reason_power_on, 0); }

  uint32_t read(uint32_t offset, uint64_t) override {
    return ctx_.regs.read(rtc_cntl_base + offset);
  }
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  const watchdog_state& rtc_wdt() const { return rtc_wdt_; }
  const watchdog_state& super_wdt() const { return super_wdt_; }
  /// After a reset at `now` (registers already reset): every watchdog starts from `now`, and
  /// RESET_STATE reports `reason`.
  void after_reset(uint8_t reason, uint64_t now);

 private:
  void refresh();

  model_context& ctx_;
  watchdog_state rtc_wdt_, super_wdt_;
};

class timg_model final : public peripheral_model {
 public:
  timg_model(model_context& ctx, uint32_t base) : ctx_(ctx), base_(base) { after_reset(0); }

  uint32_t read(uint32_t offset, uint64_t) override { return ctx_.regs.read(base_ + offset); }
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  const watchdog_state& wdt() const { return wdt_; }
  void after_reset(uint64_t now) {
    wdt_.fed_at = now;
    refresh();
  }

 private:
  void refresh();

  model_context& ctx_;
  uint32_t base_;
  watchdog_state wdt_;
};

}  // namespace esp_blink::emu
