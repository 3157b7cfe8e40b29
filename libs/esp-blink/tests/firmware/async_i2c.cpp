// The interrupt-driven I2C transaction on the target: a task reads a TMP102's temperature
// register at 0x48, then addresses 0x49 where nobody answers, sleeping in WFI while the
// controller works. Prints both results and exits 0.
#include <esp_blink/async.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/i2c.hpp>
#include <esp_blink/interrupt.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

#include <stdint.h>

namespace async = esp_blink::async;
using esp_blink::hal::describe;
using esp_blink::hal::error_kind;

namespace {

constinit async::frame_pool<256, 1> frames;
const esp_blink::uart::uart0 serial;

async::task read_sensors(esp_blink::i2c::master<6, 5>& bus) {
  const uint8_t reg = 0x00;
  uint8_t value[2] = {};
  const error_kind present = co_await async::i2c_write_read(bus, 0x48, &reg, 1, value, 2);
  esp_blink::print(serial, "async i2c: 0x48 ", describe(present), " ", uint32_t{value[0]}, " ",
                   uint32_t{value[1]}, "\n");
  const error_kind absent = co_await async::i2c_write_read(bus, 0x49, &reg, 1, value, 2);
  esp_blink::print(serial, "async i2c: 0x49 ", describe(absent), "\n");
}

}  // namespace

ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::i2c_ext0, async::on_i2c});

int main() {
  esp_blink::watchdog::disable_all();
  esp_blink::i2c::master<6, 5> bus;
  async::executor ex{frames};
  ex.spawn(read_sensors(bus));
  esp_blink::interrupt::start();
  ex.run();
  serial.flush();
  return 0;
}
