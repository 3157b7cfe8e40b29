// One handler for run-time faults: firmware code never returns an error it cannot act on.
//
// On the chip, rt/ defines esp_blink::panic: it prints "panic: <message>" on UART0 and halts.
// On the host it prints to stderr and aborts, so a unit test can expect the death.
#pragma once

#include <esp_blink/mmio.hpp>

#if !ESP_BLINK_TARGET
#include <cstdio>
#include <cstdlib>
#endif

namespace esp_blink {

#if ESP_BLINK_TARGET
/// Reports `message` ("panic: <message>" on UART0) and halts; defined by rt/.
[[noreturn]] void panic(const char* message) noexcept;
#else
/// Prints "panic: <message>" to stderr and aborts (a unit test can expect the death).
[[noreturn]] inline void panic(const char* message) noexcept {
  std::fprintf(stderr, "panic: %s\n", message);
  std::abort();
}
#endif

}  // namespace esp_blink

/// Helper of ESP_BLINK_STRINGIFY: quotes its argument as written.
#define ESP_BLINK_STRINGIFY_2(x) #x
/// Expands `x`, then makes a string literal of the result (e.g. of `__LINE__`).
#define ESP_BLINK_STRINGIFY(x) ESP_BLINK_STRINGIFY_2(x)

/// Checks a run-time condition; on failure panics naming the file, line and condition.
#define ESP_BLINK_ASSERT(condition)                                                   \
  do {                                                                                \
    if (!(condition)) [[unlikely]]                                                    \
      ::esp_blink::panic(__FILE__ ":" ESP_BLINK_STRINGIFY(__LINE__) ": " #condition); \
  } while (false)
