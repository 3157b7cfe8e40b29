// Masking interrupts around state shared with a handler, and the WFI sleep that goes with it.
//
// The ESP32-C3 is rv32imc: no `A` extension, so no atomic read-modify-write and no lr/sc. The
// rule: any variable a handler and the main flow both write (or one writes and the other reads
// more than one word of) is touched by the main flow only inside a critical_section. Handlers
// need none unless nesting is on (ESP_BLINK_NESTED_INTERRUPTS), where a handler shares state
// with a higher-priority one the same way. A single aligned word written by one side and only
// read by the other needs `volatile` (or a compiler barrier), not a critical section.
//
//   esp_blink::critical_section cs;   // mstatus.MIE cleared; restored as it was at scope end
//   queue.push(x);
//
// The sleep without the lost-wake race (embassy's pattern): mask, check, WFI, unmask. WFI
// returns when a line is pending, even with mstatus.MIE clear; the handler runs once the mask
// is lifted, and the check is repeated.
//
//   for (;;) {
//     esp_blink::critical_section cs;
//     if (work_ready()) break;                // a handler cannot run between this and WFI
//     esp_blink::interrupt::wait_for_interrupt();
//   }                                         // ~cs: the pending handler runs here
//
// On the host (unit tests) the mask is a plain flag and WFI calls a hook the test installs,
// so code written against this header runs unchanged under a fake interrupt source.
#pragma once

#include <esp_blink/mmio.hpp>

#include <stdint.h>

namespace esp_blink::interrupt {

/// mstatus.MIE, the machine-mode global interrupt enable bit; mask() returns it or 0.
inline constexpr uint32_t mstatus_mie = 1u << 3;

#if ESP_BLINK_TARGET

/// Clears mstatus.MIE; returns the previous mstatus.MIE bit (mask() | restore() nest).
[[gnu::always_inline]] inline uint32_t mask() {
  uint32_t previous;
  asm volatile("csrrci %0, mstatus, 8" : "=r"(previous) : : "memory");
  return previous & mstatus_mie;
}

/// Sets mstatus.MIE back to what mask() returned.
[[gnu::always_inline]] inline void restore(uint32_t state) {
  if (state != 0) asm volatile("csrsi mstatus, 8" : : : "memory");
}

/// Clears or sets mstatus.MIE unconditionally.
///@{
[[gnu::always_inline]] inline void disable() {
  asm volatile("csrci mstatus, 8" : : : "memory");
}
[[gnu::always_inline]] inline void enable() {
  asm volatile("csrsi mstatus, 8" : : : "memory");
}
///@}

/// Sleeps until an enabled line above the threshold is pending. Call it with interrupts
/// masked (inside a critical_section): it returns without taking the interrupt, which is
/// taken when the mask is lifted. In the emulator virtual time jumps to the next event.
[[gnu::always_inline]] inline void wait_for_interrupt() {
  asm volatile("wfi" : : : "memory");
}

#else

/// Host stand-ins: mstatus.MIE is a flag, and WFI calls `host_wait_hook` (a test's fake
/// interrupt source raises its "interrupt" there); with no hook WFI returns at once.
inline uint32_t host_mstatus = mstatus_mie;
/// Called by the host wait_for_interrupt(); a test's fake interrupt source installs it.
inline void (*host_wait_hook)() = nullptr;

/// Clears the MIE flag; returns its previous value (mask() | restore() nest).
inline uint32_t mask() {
  const uint32_t previous = host_mstatus & mstatus_mie;
  host_mstatus &= ~mstatus_mie;
  return previous;
}
/// Sets the MIE flag back to what mask() returned.
inline void restore(uint32_t state) {
  host_mstatus |= state & mstatus_mie;
}
/// Clears or sets the MIE flag unconditionally.
///@{
inline void disable() {
  host_mstatus &= ~mstatus_mie;
}
inline void enable() {
  host_mstatus |= mstatus_mie;
}
///@}
/// WFI on the host: calls `host_wait_hook` if one is installed, else returns at once.
inline void wait_for_interrupt() {
  if (host_wait_hook != nullptr) host_wait_hook();
}

#endif

/// True while mstatus.MIE is clear (inside a critical_section or a non-nesting handler).
inline bool masked() {
  const uint32_t state = mask();
  restore(state);
  return state == 0;
}

}  // namespace esp_blink::interrupt

namespace esp_blink {

/// Interrupts masked for the object's lifetime; nested sections restore what they found.
class critical_section {
 public:
  /// Masks interrupts, remembering whether they were enabled.
  critical_section() : state_(interrupt::mask()) {}
  /// Restores the interrupt state the constructor found.
  ~critical_section() { interrupt::restore(state_); }
  critical_section(const critical_section&) = delete;
  critical_section& operator=(const critical_section&) = delete;

 private:
  uint32_t state_;
};

/// Runs `f` inside a critical section and returns what it returns.
template <typename F>
inline decltype(auto) with_critical_section(F&& f) {
  critical_section cs;
  return f();
}

}  // namespace esp_blink
