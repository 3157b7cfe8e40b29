// Executes an illegal instruction on purpose: the trap handler's report is the expected output.
#include <esp_blink/watchdog.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  asm volatile(".globl trap_site\ntrap_site: unimp");
  return 0;
}
