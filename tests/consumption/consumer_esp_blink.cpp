// esp_blink::hal from outside: the installed headers (generated registers included) on the host,
// with a one-register fake behind the bus, and the generated version macros.
#include <esp_blink/mmio.hpp>
#include <esp_blink/pac/gpio.hpp>
#include <esp_blink/version.hpp>

#include <cstdint>
#include <cstdio>

namespace {

class one_register final : public esp_blink::mmio::bus {
 public:
  std::uint32_t read(std::uint32_t address) override { return address == address_ ? value_ : 0; }
  void write(std::uint32_t address, std::uint32_t value) override {
    address_ = address;
    value_ = value;
  }

 private:
  std::uint32_t address_ = 0;
  std::uint32_t value_ = 0;
};

}  // namespace

int main() {
  one_register fake;
  esp_blink::mmio::host_bus_guard guard{fake};
  esp_blink::mmio::write(0x60004004, 0x5a);
  const bool ok = esp_blink::mmio::read(0x60004004) == 0x5a && ESP_BLINK_VERSION_MAJOR >= 0;
  std::printf("consumer_esp_blink: esp-blink %s, register round trip %s\n",
              ESP_BLINK_VERSION_STRING, ok ? "ok" : "broken");
  return ok ? 0 : 1;
}
