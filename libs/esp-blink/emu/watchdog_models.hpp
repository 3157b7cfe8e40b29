// Watchdog models: RTC_CNTL (the RTC and super watchdogs) and the timer groups' main watchdogs.
// The register file drops a store made without the write-protect key; these models count and
// report it, note feeds, and tell whether each watchdog still runs.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t rtc_cntl_base = 0x60008000;
inline constexpr uint32_t timg0_base = 0x6001F000, timg1_base = 0x60020000;

/// One watchdog's state as the models see it.
struct watchdog_state {
  bool enabled = true;         // counting (enable bit or flash-boot mode; super WDT: not fed)
  uint32_t locked_writes = 0;  // writes dropped because the key was not written first
  uint64_t fed_at = 0;         // cycle of the last feed (or of reset)

  /// Still running `timeout` cycles after the last feed.
  bool expired(uint64_t now, uint64_t timeout) const { return enabled && now - fed_at >= timeout; }
};

class rtc_cntl_model final : public peripheral_model {
 public:
  explicit rtc_cntl_model(model_context& ctx) : ctx_(ctx) { refresh(); }

  uint32_t read(uint32_t offset, uint64_t) override {
    return ctx_.regs.read(rtc_cntl_base + offset);
  }
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  const watchdog_state& rtc_wdt() const { return rtc_wdt_; }
  const watchdog_state& super_wdt() const { return super_wdt_; }

 private:
  void refresh();

  model_context& ctx_;
  watchdog_state rtc_wdt_, super_wdt_;
};

class timg_model final : public peripheral_model {
 public:
  timg_model(model_context& ctx, uint32_t base) : ctx_(ctx), base_(base) { refresh(); }

  uint32_t read(uint32_t offset, uint64_t) override { return ctx_.regs.read(base_ + offset); }
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  const watchdog_state& wdt() const { return wdt_; }

 private:
  void refresh();

  model_context& ctx_;
  uint32_t base_;
  watchdog_state wdt_;
};

}  // namespace esp_blink::emu
