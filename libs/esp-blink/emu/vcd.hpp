// GPIO edges as a Value Change Dump (IEEE 1364), viewable in GTKWave.
#pragma once

#include "gpio_model.hpp"

#include <cstdint>
#include <ostream>
#include <vector>

namespace esp_blink::emu {

/// Writes one wire per GPIO; time unit 1 ns, converted from cycles at `cpu_hz`.
void write_vcd(std::ostream& out, const std::vector<gpio_edge>& edges, uint64_t end_cycles,
               uint32_t cpu_hz);

}  // namespace esp_blink::emu
