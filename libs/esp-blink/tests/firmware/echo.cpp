// Reads one line from UART0 and answers with it and its length: the receive path end to end.
#include <esp_blink/format.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  char line[32];
  unsigned n = 0;
  for (uint8_t c = serial.read_byte(); c != '\n' && n + 1 < sizeof line; c = serial.read_byte()) {
    line[n++] = static_cast<char>(c);
  }
  line[n] = '\0';
  esp_blink::print(serial, "got '", static_cast<const char*>(line), "' (", n, " bytes)\n");
  serial.flush();
  return 0;
}
