// The CPU clock switched at run time: GPIO8 blinks with a 10 ms period at 80 MHz, then at
// 160 MHz. The edges come from absolute SYSTIMER deadlines, so the period does not depend on
// the CPU clock; a counted busy loop shows the CPU itself running twice as fast.
#include <esp_blink.hpp>

namespace {

/// Turns of a counting loop in one millisecond of SYSTIMER time.
uint32_t spins_per_ms() {
  const uint64_t end = esp_blink::systimer::now() + 1000u * esp_blink::systimer::ticks_per_us;
  uint32_t n = 0;
  while (esp_blink::systimer::now() < end) ++n;
  return n;
}

/// Ten full periods of 10 ms on `led`, each edge at an absolute deadline 5 ms after the last.
template <typename Led>
void blink_ten(Led& led) {
  namespace st = esp_blink::systimer;
  uint64_t deadline = st::now() + 80;  // a few microseconds to arm
  for (int edge = 0; edge < 20; ++edge) {
    st::arm_alarm0(deadline);
    while (st::regs::int_raw::target0_int_raw::read() == 0) {
    }
    led.toggle();
    deadline += 5000u * st::ticks_per_us;
  }
}

}  // namespace

int main() {
  namespace clock = esp_blink::clock;
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  serial.init(115200);
  esp_blink::gpio::output_pin<8> led;
  const clock::cpu_source sources[] = {clock::cpu_source::pll_80mhz, clock::cpu_source::pll_160mhz};
  for (const clock::cpu_source to : sources) {
    clock::set_cpu(to);
    const uint32_t spins = spins_per_ms();
    esp_blink::print(serial, "clock160: cpu ", clock::cpu_hz() / 1'000'000u, " MHz, ", spins,
                     " spins per ms\n");
    serial.flush();
    blink_ten(led);
  }
  return 0;
}
