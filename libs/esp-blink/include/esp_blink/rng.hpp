// The hardware random number register (RNG_DATA, 0x600260B0): each read returns 32 new bits.
//
// Entropy caveat (ESP32-C3 TRM, "Random Number Generator"): the bits are true random numbers
// only while a noise source is running: the RF subsystem (Wi-Fi or Bluetooth enabled) or the
// SAR ADC's internal noise source; esp-blink starts neither. The ROM and ESP-IDF's bootloader
// enable the ADC source during boot, but firmware booted directly, or after the bootloader
// switches it off, reads a pseudo-random sequence: fine for jitter, back-off or test data, not
// for keys or nonces.
//
//   uint32_t r = esp_blink::rng::next();
#pragma once

#include <esp_blink/pac/rng.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::rng {

/// 32 bits from RNG_DATA (see the entropy caveat above).
inline uint32_t next() {
  return pac::rng::data::read();
}

/// Fills `n` bytes, four per read.
inline void fill(uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 4) {
    const uint32_t word = next();
    for (size_t b = 0; b < 4 && i + b < n; ++b) out[i + b] = static_cast<uint8_t>(word >> (8 * b));
  }
}

}  // namespace esp_blink::rng
