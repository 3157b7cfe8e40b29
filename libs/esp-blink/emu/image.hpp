// Reading what the emulator can boot: an ELF, an app image or a direct-boot image.
// The parsers check every field they read; a malformed file is an error with a reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace esp_blink::emu {

inline constexpr uint32_t irom_base = 0x42000000;
inline constexpr uint32_t drom_base = 0x3C000000;
inline constexpr uint32_t flash_window = 0x00800000;  // 8 MiB of address space per bus
inline constexpr uint32_t mmu_page = 0x10000;
inline constexpr uint32_t app_flash_offset = 0x10000;

constexpr bool in_irom(uint32_t a) {
  return a >= irom_base && a < irom_base + flash_window;
}
constexpr bool in_drom(uint32_t a) {
  return a >= drom_base && a < drom_base + flash_window;
}

struct segment {
  uint32_t vaddr = 0;
  uint32_t paddr = 0;  // load address (ELF); equal to vaddr for image segments
  uint32_t file_offset = 0;
  std::vector<uint8_t> data;
};

struct elf_file {
  uint32_t entry = 0;
  std::vector<segment> segments;  // PT_LOAD with file contents
  std::vector<std::pair<std::string, uint32_t>> symbols;
  std::vector<std::string> section_names;

  std::optional<uint32_t> symbol(const std::string& name) const;
};

struct app_image_header {
  uint8_t magic = 0;
  uint8_t segment_count = 0;
  uint8_t spi_mode = 0;
  uint8_t flash_size_freq = 0;
  uint32_t entry = 0;
  uint8_t wp_pin = 0;
  uint8_t spi_drive[3] = {};
  uint16_t chip_id = 0;
  uint8_t min_chip_rev = 0;
  uint16_t min_chip_rev_full = 0;
  uint16_t max_chip_rev_full = 0;
  uint8_t hash_appended = 0;
};

struct app_image {
  app_image_header header;
  std::vector<segment> segments;
  uint8_t checksum = 0;
};

/// Throws std::runtime_error with the reason when the file is not what it should be.
elf_file parse_elf(const std::vector<uint8_t>& bytes);
app_image parse_app_image(const std::vector<uint8_t>& bytes);
bool is_direct_boot_image(const std::vector<uint8_t>& bytes);
bool is_app_image(const std::vector<uint8_t>& bytes);
bool is_elf(const std::vector<uint8_t>& bytes);

std::vector<uint8_t> read_file(const std::string& path);

}  // namespace esp_blink::emu
