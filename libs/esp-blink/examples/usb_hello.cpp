// Prints over the USB-Serial-JTAG port (the C3's built-in USB console), then flushes so the host
// sees the line at once.
#include <esp_blink.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  esp_blink::usb_serial_jtag::port usb;
  esp_blink::print(usb, "hello over USB, random ", esp_blink::hex{esp_blink::rng::next()}, "\n");
  usb.flush();
  return 0;
}
