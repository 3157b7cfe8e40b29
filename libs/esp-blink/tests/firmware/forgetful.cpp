// Leaves the watchdogs running: on a board the chip resets after a while, and the emulator
// stops it with a fault. (Only the delay keeps it busy.)
#include <esp_blink/systimer.hpp>

int main() {
  for (;;) esp_blink::systimer::delay_ms(100);
}
