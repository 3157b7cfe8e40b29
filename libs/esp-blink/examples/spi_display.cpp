// An SSD1306 128x64 OLED on SPI2 at 10 MHz: SCLK GPIO6, MOSI GPIO7, CS GPIO10 (the controller's
// CS0), D/C GPIO4 (MISO GPIO2 is routed but unused by the panel). Draws a test pattern and two
// lines of text, then says so on UART0. In the emulator:
//   esp-blink-emu --display ssd1306 --display-png out.png spi_display.bin
#include <esp_blink.hpp>
#include <esp_blink/drivers/ssd1306.hpp>

#include "spi_display_pattern.hpp"

int main() {
  esp_blink::watchdog::disable_all();
  esp_blink::uart::uart0 serial;
  serial.init(115200);
  esp_blink::spi::master<6, 7, 2, 10'000'000> bus;
  esp_blink::spi::hardware_cs<10> cs;
  esp_blink::gpio::output_pin<4> dc;
  esp_blink::systimer::delay delay;
  esp_blink::hal::spi_device_on device{bus, cs, delay};
  esp_blink::drivers::ssd1306 display{device, dc};
  esp_blink::hal::error_kind result = display.init();
  if (result == esp_blink::hal::error_kind::ok) {
    spi_display::draw_test_pattern(display.frame());
    result = display.flush();
  }
  if (result != esp_blink::hal::error_kind::ok) {
    esp_blink::print(serial, "display: ", esp_blink::hal::describe(result), "\n");
    return 1;
  }
  esp_blink::print(serial, "display: test pattern drawn\n");
  serial.flush();
  return 0;
}
