// A failed assertion: the panic handler's report is the expected output.
#include <esp_blink/panic.hpp>
#include <esp_blink/watchdog.hpp>

namespace {
volatile int answer = 41;  // volatile: the check happens at run time
}

int main() {
  esp_blink::watchdog::disable_all();
  ESP_BLINK_ASSERT(answer == 42);
  return 0;
}
