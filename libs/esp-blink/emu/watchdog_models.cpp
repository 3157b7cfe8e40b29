// Watchdog registers and keys: docs/esp32c3.md, "Watchdogs".
#include "watchdog_models.hpp"

#include <utility>

namespace esp_blink::emu {
namespace {

constexpr uint32_t rtc_wdtconfig0 = 0x90, rtc_wdtfeed = 0xA4, rtc_swd_conf = 0xAC;
constexpr uint32_t timg_wdtconfig0 = 0x48, timg_wdtfeed = 0x60;
constexpr uint32_t conf_update_en = bit(22);  // TIMG WDTCONFIG0: clears itself
constexpr uint32_t timg_wdtconfig1 = 0x4C, timg_wdtconfig2 = 0x50, rtc_wdtconfig1 = 0x94;
constexpr uint64_t xtal_hz = 40'000'000, apb_hz = 80'000'000;
constexpr uint64_t rc_slow_hz = 136'000;  // as the driver assumes: esp_blink::watchdog

/// x * num / den without overflowing for x up to 2^50 (num and den below 2^32).
uint64_t scale(uint64_t x, uint64_t num, uint64_t den) {
  return x / den * num + x % den * num / den;
}

/// One stage: its action code and its hold time in source-clock ticks.
struct stage {
  uint32_t action;
  uint64_t ticks;
};

/// Where the first stage whose action resets (codes >= 2) fires, in ticks after the feed
/// (UINT64_MAX: none does), and that action. A stage with action 0 ends the sequence.
std::pair<uint64_t, uint32_t> first_reset(const stage (&stages)[4]) {
  uint64_t ticks = 0;
  for (const stage& s : stages) {
    if (s.action == 0) break;
    ticks += s.ticks;
    if (s.action >= 2) return {ticks, s.action};
  }
  return {UINT64_MAX, 0};
}

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
  const bool feeds =
      offset == rtc_wdtfeed || (offset == rtc_swd_conf && (value & bit(29)) != 0);  // SWD_FEED
  store(ctx_, wdt, rtc_cntl_base + offset, value, now, feeds);
  refresh();
}

void rtc_cntl_model::after_reset(uint8_t reason, uint64_t now) {
  const uint32_t state = ctx_.regs.peek(rtc_cntl_base + rtc_reset_state);
  ctx_.regs.poke(rtc_cntl_base + rtc_reset_state, (state & ~0x3Fu) | reason);
  rtc_wdt_.fed_at = super_wdt_.fed_at = now;
  refresh();
}

void rtc_cntl_model::refresh() {
  const uint32_t rtc = ctx_.regs.peek(rtc_cntl_base + rtc_wdtconfig0);
  const bool wdt_en = (rtc & bit(31)) != 0;
  rtc_wdt_.enabled = !wdt_en && (rtc & bit(12)) != 0;  // FLASHBOOT_MOD_EN only
  rtc_wdt_.reset_at = UINT64_MAX;
  if (wdt_en) {
    stage stages[4];
    for (unsigned i = 0; i < 4; ++i) {
      stages[i] = {(rtc >> (28 - 3 * i)) & 7u,
                   ctx_.regs.peek(rtc_cntl_base + rtc_wdtconfig1 + 4 * i)};
    }
    const auto [ticks, action] = first_reset(stages);
    if (ticks != UINT64_MAX) {
      rtc_wdt_.reset_at = rtc_wdt_.fed_at + scale(ticks, ctx_.clocks.cpu_hz, rc_slow_hz);
      rtc_wdt_.reset_reason = action == 2 ? 0x0D : action == 3 ? 0x09 : 0x10;  // CPU, core, system
    }
  }
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
  const bool wdt_en = (cfg & bit(31)) != 0;
  wdt_.enabled = !wdt_en && (cfg & bit(14)) != 0;  // FLASHBOOT_MOD_EN only
  wdt_.reset_at = UINT64_MAX;
  if (!wdt_en) return;
  stage stages[4];
  for (unsigned i = 0; i < 4; ++i) {
    stages[i] = {(cfg >> (29 - 2 * i)) & 3u, ctx_.regs.peek(base_ + timg_wdtconfig2 + 4 * i)};
  }
  const auto [ticks, action] = first_reset(stages);
  if (ticks == UINT64_MAX) return;
  const uint64_t prescale = ctx_.regs.peek(base_ + timg_wdtconfig1) >> 16;
  const uint64_t source_hz = (cfg & bit(21)) != 0 ? xtal_hz : apb_hz;  // WDT_USE_XTAL
  wdt_.reset_at = wdt_.fed_at + scale(ticks * prescale, ctx_.clocks.cpu_hz, source_hz);
  const bool timg0 = base_ == timg0_base;
  // Action 3 resets the digital core, 2 the CPU only (the C3's reset-reason codes).
  wdt_.reset_reason = action == 3 ? (timg0 ? 0x07 : 0x08) : (timg0 ? 0x0B : 0x11);
}

}  // namespace esp_blink::emu
