// A fake CPU for the executor's host tests: interrupt masking, pending interrupts, and WFI.
//
// Interrupt sources are handlers. `raise(h)` is the hardware asserting an interrupt: with
// interrupts enabled the handler runs at once (masked, as on trap entry); while masked it stays
// pending and runs when the mask is lifted. `wait_for_interrupt()` returns at once if an
// interrupt is pending; otherwise virtual time passes to the next scheduled interrupt
// (`at_next_wfi`), which becomes pending. With nothing pending and nothing scheduled a real
// chip would sleep for ever: the fake panics, so a lost wake fails the test instead of hanging.
#pragma once

#include <esp_blink/async/platform.hpp>

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <utility>

namespace esp_blink::test {

class fake_interrupts : public async::host_platform {
 public:
  using handler = std::function<void()>;

  uint32_t mask() override {
    const uint32_t previous = enabled_ ? 1u : 0u;
    enabled_ = false;
    return previous;
  }
  void restore(uint32_t previous) override {
    if (previous == 0) return;
    enabled_ = true;
    take_pending();
  }
  void wait_for_interrupt() override {
    EXPECT_FALSE(enabled_) << "WFI with interrupts enabled: a wake could be lost";
    ++wfi_count;
    if (just_before_wfi) {
      auto hook = std::move(just_before_wfi);
      just_before_wfi = nullptr;
      hook();  // an interrupt asserted after the executor's check, before the WFI instruction
    }
    if (!pending_.empty()) return;
    if (scheduled_.empty())
      esp_blink::panic("fake: WFI with no interrupt to come (the executor would sleep for ever)");
    pending_.push_back(std::move(scheduled_.front()));
    scheduled_.pop_front();
  }

  /// The hardware asserts an interrupt now.
  void raise(handler h) {
    pending_.push_back(std::move(h));
    if (enabled_) take_pending();
  }
  /// An interrupt that arrives while the CPU sleeps (one per WFI, in order).
  void at_next_wfi(handler h) { scheduled_.push_back(std::move(h)); }

  bool enabled() const { return enabled_; }

  int wfi_count = 0;
  int handlers_run = 0;
  /// Runs inside the next WFI call before it decides whether to sleep.
  handler just_before_wfi;

 private:
  void take_pending() {
    while (enabled_ && !pending_.empty()) {
      auto h = std::move(pending_.front());
      pending_.pop_front();
      enabled_ = false;  // trap entry clears MIE; mret sets it again
      ++handlers_run;
      h();
      enabled_ = true;
    }
  }

  bool enabled_ = true;
  std::deque<handler> pending_;
  std::deque<handler> scheduled_;
};

}  // namespace esp_blink::test
