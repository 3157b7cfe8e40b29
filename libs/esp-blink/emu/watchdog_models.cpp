// Watchdog registers and keys: docs/esp32c3.md, "Watchdogs".
#include "watchdog_models.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t rtc_wdtconfig0 = 0x90, rtc_wdtfeed = 0xA4, rtc_swd_conf = 0xAC;
constexpr uint32_t timg_wdtconfig0 = 0x48, timg_wdtfeed = 0x60;
constexpr uint32_t conf_update_en = bit(22);  // TIMG WDTCONFIG0: clears itself

/// A store to a watchdog's block: when the write protection drops it, counted against `wdt`
/// and reported; a store to the feed register feeds `wdt`.
void store(model_context& ctx, watchdog_state& wdt, uint32_t address, uint32_t value, uint64_t now,
           bool feeds) {
  if (!ctx.regs.write(address, value)) {
    ++wdt.locked_writes;
    ctx.report("write " + hex32(value) + " to " + hex32(address) +
               " ignored: write-protect key not set (as on the chip)");
    return;
  }
  if (feeds) wdt.fed_at = now;
}

}  // namespace

void rtc_cntl_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  // The register file knows which stores need the key; elsewhere `store` just stores.
  watchdog_state& wdt = offset == rtc_swd_conf ? super_wdt_ : rtc_wdt_;
  store(ctx_, wdt, rtc_cntl_base + offset, value, now, offset == rtc_wdtfeed);
  refresh();
}

void rtc_cntl_model::refresh() {
  const uint32_t rtc = ctx_.regs.peek(rtc_cntl_base + rtc_wdtconfig0);
  rtc_wdt_.enabled = (rtc & (bit(31) | bit(12))) != 0;  // WDT_EN, FLASHBOOT_MOD_EN
  const uint32_t swd = ctx_.regs.peek(rtc_cntl_base + rtc_swd_conf);
  super_wdt_.enabled = (swd & (bit(31) | bit(30))) == 0;  // neither auto-fed nor disabled
}

void timg_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  if (offset == timg_wdtconfig0) value &= ~conf_update_en;
  store(ctx_, wdt_, base_ + offset, value, now, offset == timg_wdtfeed);
  refresh();
}

void timg_model::refresh() {
  const uint32_t cfg = ctx_.regs.peek(base_ + timg_wdtconfig0);
  wdt_.enabled = (cfg & (bit(31) | bit(14))) != 0;  // WDT_EN, FLASHBOOT_MOD_EN
}

}  // namespace esp_blink::emu
