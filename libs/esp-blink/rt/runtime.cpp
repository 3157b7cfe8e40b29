// C++ half of the runtime: static constructors, main, and the two fault reports.
#include <esp_blink/format.hpp>
#include <esp_blink/panic.hpp>
#include <esp_blink/rt.hpp>
#include <esp_blink/uart.hpp>

#include <stdint.h>

// Provided by the linker script.
extern "C" {
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
}

int main();

namespace {

// The reports print straight to UART0 at the ROM's 115200 8N1: a fault may come before main
// has set anything up.
const esp_blink::uart::uart0 console;

}  // namespace

// Entered from _start with memory set up.
extern "C" [[noreturn]] void esp_blink_rt_start() {
  for (auto* ctor = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
  esp_blink::rt::halt(main() == 0 ? 0u : static_cast<uint32_t>(esp_blink::rt::halt_code::panic));
}

extern "C" [[noreturn]] void esp_blink_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval) {
  esp_blink::print(console, "\ntrap: mcause=", esp_blink::hex{mcause},
                   " mepc=", esp_blink::hex{mepc}, " mtval=", esp_blink::hex{mtval}, "\n");
  console.flush();
  esp_blink::rt::halt(static_cast<uint32_t>(esp_blink::rt::halt_code::trap));
}

namespace esp_blink {

[[noreturn]] void panic(const char* message) noexcept {
  print(console, "\npanic: ", message, "\n");
  console.flush();
  rt::halt(static_cast<uint32_t>(rt::halt_code::panic));
}

}  // namespace esp_blink
