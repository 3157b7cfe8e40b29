// Reads a TMP102 on I2C0 (SCL GPIO6, SDA GPIO5, 100 kHz) and prints the temperature on UART0.
// Without a sensor it says which error the bus reported, and stops.
#include <esp_blink.hpp>
#include <esp_blink/drivers/tmp102.hpp>

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  esp_blink::i2c::master<6, 5> bus;
  esp_blink::drivers::tmp102 sensor(bus);
  const auto r = sensor.read_temperature();
  if (r.error != esp_blink::hal::error_kind::ok) {
    esp_blink::print(serial, "i2c error: ", esp_blink::hal::describe(r.error),
                     " (tmp102 at 0x48)\n");
    serial.flush();
    return 1;
  }
  esp_blink::print(serial, "temperature: ", esp_blink::fixed4{r.sixteenths * 625}, " C\n");
  serial.flush();
  return 0;
}
