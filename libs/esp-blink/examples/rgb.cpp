// The DevKitM-1's WS2812 on GPIO8: red, green, blue, then a dim white, one second apart.
#include <esp_blink.hpp>
#include <esp_blink/ws2812.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  esp_blink::ws2812<8> led;
  const esp_blink::rgb colours[] = {{0x20, 0, 0}, {0, 0x20, 0}, {0, 0, 0x20}, {0x08, 0x08, 0x08}};
  for (const auto& c : colours) {
    led.write({c});
    esp_blink::systimer::delay_ms(1000);
  }
  return 0;
}
