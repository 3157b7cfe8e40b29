// A fake CPU for the executor's host tests: interrupt masking, pending interrupts, and WFI.
//
// Interrupt sources are handlers. `raise(h)` is the hardware asserting an interrupt: with
// interrupts enabled the handler runs at once (masked, as on trap entry); while masked it stays
// pending and runs when the mask is lifted. `wait_for_interrupt()` returns at once if an
// interrupt is pending; otherwise virtual time passes to the next scheduled interrupt
// (`at_next_wfi`), which becomes pending. `raise_after_calls(n, h)` asserts an interrupt right
// after the n-th mask/restore call from now (or at WFI entry if that comes first), so a test
// can put an interrupt at every point of the executor's idle step. With nothing pending and nothing
// scheduled a real chip would sleep for ever: the fake panics, so a lost wake fails the test
// instead of hanging.
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
    count_call();
    return previous;
  }
  void restore(uint32_t previous) override {
    if (previous != 0) {
      enabled_ = true;
      take_pending();
    }
    count_call();
  }
  void wait_for_interrupt() override {
    EXPECT_FALSE(enabled_) << "WFI with interrupts enabled: a wake could be lost";
    ++wfi_count;
    if (armed_) fire();  // asserted after everything the executor did, before WFI itself
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
  /// Asserts `h` right after the `calls`-th mask()/restore() from now, or at WFI entry.
  void raise_after_calls(int calls, handler h) {
    armed_ = true;
    calls_left_ = calls;
    armed_handler_ = std::move(h);
  }
  /// An interrupt that arrives while the CPU sleeps (one per WFI, in order).
  void at_next_wfi(handler h) { scheduled_.push_back(std::move(h)); }

  bool enabled() const { return enabled_; }

  int wfi_count = 0;
  int handlers_run = 0;

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

  void count_call() {
    if (armed_ && --calls_left_ == 0) fire();
  }
  void fire() {
    armed_ = false;
    raise(std::move(armed_handler_));
  }

  bool armed_ = false;
  int calls_left_ = 0;
  handler armed_handler_;
  bool enabled_ = true;
  std::deque<handler> pending_;
  std::deque<handler> scheduled_;
};

}  // namespace esp_blink::test
