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

// The chip's masking and WFI are the interrupt layer's (critical_section.hpp).
struct platform {
  using state = uint32_t;

  [[gnu::always_inline]] static state mask() noexcept { return interrupt::mask(); }
  [[gnu::always_inline]] static void restore(state s) noexcept { interrupt::restore(s); }
  [[gnu::always_inline]] static void wait_for_interrupt() noexcept {
    interrupt::wait_for_interrupt();
  }
};

#else

/// A host stand-in for the CPU's interrupt masking, installed by a test.
class host_platform {
 public:
  virtual uint32_t mask() = 0;
  virtual void restore(uint32_t previous) = 0;
  virtual void wait_for_interrupt() = 0;

 protected:
  ~host_platform() = default;
};

inline host_platform* installed_platform = nullptr;

struct platform {
  using state = uint32_t;

  static state mask() { return installed_platform != nullptr ? installed_platform->mask() : 0u; }
  static void restore(state s) {
    if (installed_platform != nullptr) installed_platform->restore(s);
  }
  static void wait_for_interrupt() {
    if (installed_platform == nullptr)
      panic("async: the executor is idle and no interrupt source is installed");
    installed_platform->wait_for_interrupt();
  }
};

/// Installs a fake platform for the lifetime of the guard (one test thread at a time).
class host_platform_guard {
 public:
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
