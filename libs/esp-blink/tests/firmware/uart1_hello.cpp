// UART1 through the GPIO matrix: TX on GPIO4, RX on GPIO5, 115200 8E2, one line, then a halt.
#include <esp_blink.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart1 link;
  link.route_pins<4, 5>();
  if (!link.init({.baud = 115200,
                  .parity_mode = esp_blink::uart::parity::even,
                  .stop = esp_blink::uart::stop_bits::two})) {
    return 1;
  }
  esp_blink::print(link, "hello on UART1, GPIO4\n");
  link.flush();
  return 0;
}
