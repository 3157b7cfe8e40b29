// SHA-256 (FIPS 180-4), to verify the digest an app image carries.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace esp_blink::emu {

std::array<uint8_t, 32> sha256(std::span<const uint8_t> data);

}  // namespace esp_blink::emu
