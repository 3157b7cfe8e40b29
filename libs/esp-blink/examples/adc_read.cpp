// Reads ADC1 channels 0-4 (GPIO0-4), one at each attenuation and channel 4 at 11 dB again, and
// prints the millivolts (or why there are none) on UART0.
#include <esp_blink.hpp>

namespace {

template <unsigned Channel, esp_blink::adc::attenuation Atten>
void report(esp_blink::uart::uart0& serial, const char* atten_name) {
  esp_blink::adc::adc1_channel<Channel, Atten> input;
  const esp_blink::adc::reading r = input.read();
  esp_blink::print(serial, "adc: channel ", Channel, " at ", atten_name, ": ");
  if (r.status == esp_blink::adc::error::ok) {
    esp_blink::print(serial, r.millivolts, " mV");
  } else {
    esp_blink::print(serial,
                     r.status == esp_blink::adc::error::timeout ? "timeout" : "above range");
  }
  esp_blink::print(serial, " (code ", r.code, ")\n");
}

}  // namespace

int main() {
  using esp_blink::adc::attenuation;
  esp_blink::watchdog::disable_all();
  esp_blink::uart::uart0 serial;
  serial.init(115200);
  report<0, attenuation::db0>(serial, "0 dB");
  report<1, attenuation::db2_5>(serial, "2.5 dB");
  report<2, attenuation::db6>(serial, "6 dB");
  report<3, attenuation::db11>(serial, "11 dB");
  report<4, attenuation::db11>(serial, "11 dB");
  return 0;
}
