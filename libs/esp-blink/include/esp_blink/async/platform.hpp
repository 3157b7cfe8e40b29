// What the executor needs from the CPU: mask interrupts, restore them, and sleep until one is
// pending.
//
// On the chip these are three CSR instructions: `mask()` clears mstatus.MIE and returns whether
// it was set, `restore()` sets it again only if it was, and `wait_for_interrupt()` is `wfi`,
// called with MIE clear: a RISC-V hart leaves WFI when an interrupt becomes pending even if
// MIE is clear, and the handler runs as soon as `restore()` sets MIE. That is what makes the
// executor's idle step race-free (see executor.hpp).
//
// On the host a test installs a fake (`host_platform`) with `host_platform_guard`, the way
// mmio's `host_bus_guard` installs a register fake: its interrupt sources run their handlers
// when the fake says an interrupt is taken.
#pragma once

#include <esp_blink/critical_section.hpp>
#include <esp_blink/detail/traits.hpp>
#include <esp_blink/mmio.hpp>
#include <esp_blink/panic.hpp>

#include <stdint.h>

namespace esp_blink::async {

/// The contract of a platform: `mask()` disables interrupts and returns the previous state,
/// `restore(s)` brings that state back (so sections nest), `wait_for_interrupt()` is called
/// with interrupts masked and returns once an interrupt is pending (it may return early).
template <typename P>
concept interrupt_platform = requires(typename P::state s) {
  requires ::esp_blink::detail::is_same_v<decltype(P::mask()), typename P::state>;
  P::restore(s);
  P::wait_for_interrupt();
};

#if ESP_BLINK_TARGET

/// The CPU's interrupt masking and WFI, as the executor uses them (an interrupt_platform). On
/// the chip they are the interrupt layer's (critical_section.hpp).
struct platform {
  /// What mask() returns: whether mstatus.MIE was set.
  using state = uint32_t;

  /// Clears mstatus.MIE; returns the previous state.
  [[gnu::always_inline]] static state mask() noexcept { return interrupt::mask(); }
  /// Sets mstatus.MIE again if `s` says it was set.
  [[gnu::always_inline]] static void restore(state s) noexcept { interrupt::restore(s); }
  /// WFI: returns once an interrupt is pending, even with interrupts masked.
  [[gnu::always_inline]] static void wait_for_interrupt() noexcept {
    interrupt::wait_for_interrupt();
  }
};

#else

/// A host stand-in for the CPU's interrupt masking, installed by a test.
class host_platform {
 public:
  /// Masks interrupts; returns the previous state.
  virtual uint32_t mask() = 0;
  /// Brings back the state mask() returned.
  virtual void restore(uint32_t previous) = 0;
  /// Called with interrupts masked by an idle executor: returns once a fake interrupt is
  /// pending (its handler runs when restore() lifts the mask).
  virtual void wait_for_interrupt() = 0;

 protected:
  ~host_platform() = default;
};

/// The fake a host_platform_guard installed, or null (then masking does nothing).
inline host_platform* installed_platform = nullptr;

/// The executor's interrupt_platform on the host: forwards to the installed host_platform.
struct platform {
  /// What mask() returns (the fake's own encoding).
  using state = uint32_t;

  /// Masks through the installed fake; 0 if none.
  static state mask() { return installed_platform != nullptr ? installed_platform->mask() : 0u; }
  /// Restores through the installed fake, if any.
  static void restore(state s) {
    if (installed_platform != nullptr) installed_platform->restore(s);
  }
  /// Waits through the installed fake; panics if none is installed (the wait would never end).
  static void wait_for_interrupt() {
    if (installed_platform == nullptr)
      panic("async: the executor is idle and no interrupt source is installed");
    installed_platform->wait_for_interrupt();
  }
};

/// Installs a fake platform for the lifetime of the guard (one test thread at a time).
class host_platform_guard {
 public:
  /// Installs `p`; the destructor puts back the platform installed before.
  explicit host_platform_guard(host_platform& p) : previous_(installed_platform) {
    installed_platform = &p;
  }
  ~host_platform_guard() { installed_platform = previous_; }
  host_platform_guard(const host_platform_guard&) = delete;
  host_platform_guard& operator=(const host_platform_guard&) = delete;

 private:
  host_platform* previous_;
};

#endif

static_assert(interrupt_platform<platform>);

namespace detail {

/// Interrupts masked for the object's lifetime; nests (restores what it found). Every piece of
/// state an interrupt handler shares with the main flow is touched only inside one: the C3 has
/// no atomic instructions.
class masked_section {
 public:
  masked_section() noexcept : previous_(platform::mask()) {}
  ~masked_section() { platform::restore(previous_); }
  masked_section(const masked_section&) = delete;
  masked_section& operator=(const masked_section&) = delete;

 private:
  platform::state previous_;
};

}  // namespace detail

}  // namespace esp_blink::async
