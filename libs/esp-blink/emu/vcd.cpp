// Writing the edge log as VCD: one wire per GPIO, all low at 0, then the changes in time order.
#include "vcd.hpp"

#include <algorithm>

namespace esp_blink::emu {
namespace {

constexpr unsigned pin_count = 22;

uint64_t to_ns(uint64_t cycles, uint32_t cpu_hz) {
  return cycles / cpu_hz * 1'000'000'000u + cycles % cpu_hz * 1'000'000'000u / cpu_hz;
}

// VCD identifiers are printable characters; one per pin starting at '!'.
char id_of(unsigned pin) {
  return static_cast<char>('!' + pin);
}

}  // namespace

void write_vcd(std::ostream& out, const std::vector<gpio_edge>& edges, uint64_t end_cycles,
               uint32_t cpu_hz) {
  out << "$comment esp-blink-emu GPIO trace $end\n$timescale 1ns $end\n";
  out << "$scope module esp32c3 $end\n";
  for (unsigned pin = 0; pin < pin_count; ++pin) {
    out << "$var wire 1 " << id_of(pin) << " gpio" << pin << " $end\n";
  }
  out << "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n";
  for (unsigned pin = 0; pin < pin_count; ++pin) out << '0' << id_of(pin) << '\n';
  out << "$end\n";
  // Peripherals such as the RMT log their edges ahead of the CPU's; VCD wants time order.
  std::vector<gpio_edge> ordered(edges);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const gpio_edge& a, const gpio_edge& b) { return a.cycle < b.cycle; });
  uint64_t last = 0;
  for (const auto& e : ordered) {
    const uint64_t t = to_ns(e.cycle, cpu_hz);
    if (t != last) {
      out << '#' << t << '\n';
      last = t;
    }
    out << (e.level ? '1' : '0') << id_of(e.pin) << '\n';
  }
  const uint64_t end = to_ns(end_cycles, cpu_hz);
  if (end > last) out << '#' << end << '\n';
}

}  // namespace esp_blink::emu
