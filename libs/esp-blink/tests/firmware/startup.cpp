// Start-up, observed from inside: initialised data, zeroed data, a static constructor and a
// function running from IRAM each leave a value that main prints.
#include <esp_blink.hpp>

namespace {

struct constructed {
  uint32_t value;
  constructed() : value(42) {}  // runs from .init_array; trivial destructor, no atexit
};

constructed from_constructor;
volatile uint32_t from_data = 0x5EED;  // volatile: keep it in .data, not folded
volatile uint32_t from_bss;            // must read 0

}  // namespace

ESP_BLINK_IRAM uint32_t triple_in_iram(uint32_t x) {
  return 3 * x;
}

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  const uint32_t iram_result = triple_in_iram(7);
  esp_blink::print(serial, "data=", esp_blink::hex{from_data}, " bss=", from_bss,
                   " ctor=", from_constructor.value, " iram=", iram_result,
                   " at=", esp_blink::hex{reinterpret_cast<uint32_t>(&triple_in_iram)},
                   " data_at=", esp_blink::hex{reinterpret_cast<uint32_t>(&from_data)}, "\n");
  serial.flush();
  return 0;
}
