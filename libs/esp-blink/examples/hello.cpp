// "hello world" on UART0 (GPIO21, 115200 8N1), then a normal halt.
#include <esp_blink.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  serial.init(115200);
  esp_blink::print(serial, "hello world\n");
  serial.flush();
  return 0;
}
