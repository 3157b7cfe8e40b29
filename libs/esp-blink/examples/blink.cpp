// GPIO8 at 1 Hz: high for half a second, low for half a second, forever.
// (On the ESP32-C3-DevKitM-1, GPIO8 feeds the WS2812's data line; a plain LED or a scope on
// GPIO8 shows the square wave.)
#include <esp_blink/gpio.hpp>
#include <esp_blink/systimer.hpp>
#include <esp_blink/watchdog.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  esp_blink::gpio::output_pin<8> led;
  for (;;) {
    led.toggle();
    esp_blink::systimer::delay_ms(500);
  }
}
