// The runtime's public face: how firmware stops, and the codes it stops with.
#pragma once

#include <esp_blink/mmio.hpp>

#include <stdint.h>

/// Places a function in IRAM (copied there at start-up): for code that must not wait on the
/// flash cache. Linker scripts: rt/esp32c3-*.ld, section .iram.text.
#define ESP_BLINK_IRAM [[gnu::section(".iram.text"), gnu::noinline]]

namespace esp_blink::rt {

/// Status left in a0 when the firmware halts; the emulator turns it into its exit status.
enum class halt_code : uint32_t {
  ok = 0,     ///< main() returned 0.
  panic = 1,  ///< esp_blink::panic() was called, or main() returned non-zero.
  trap = 2    ///< An unhandled trap (exception), reported on UART0 first.
};

#if ESP_BLINK_TARGET
/// Masks interrupts and parks the hart in a one-instruction loop, `code` in a0. A debugger or
/// the emulator recognises the loop; on a board the chip simply stays there.
[[noreturn, gnu::always_inline]] inline void halt(uint32_t code) {
  register uint32_t a0 asm("a0") = code;
  asm volatile(
      "csrci mstatus, 8\n"
      "1: j 1b"
      :
      : "r"(a0)
      : "memory");
  __builtin_unreachable();
}
#endif

}  // namespace esp_blink::rt
