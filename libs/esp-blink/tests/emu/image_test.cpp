// The image tool's output read back by the emulator's own parser and compared with the ELF the
// image was made from.
#include "image.hpp"

#include "sha256.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace {

using namespace esp_blink::emu;

std::string fw(const std::string& name) {
  return std::string(ESP_BLINK_FIRMWARE_BIN) + "/" + name;
}

class app_image_test : public ::testing::TestWithParam<const char*> {};

TEST_P(app_image_test, every_field_matches_the_elf) {
  const std::string name = GetParam();
  const auto bytes = read_file(fw(name + ".bin"));
  const auto elf = parse_elf(read_file(fw(name + ".app.elf")));
  const app_image img = parse_app_image(bytes);  // checks checksum, SHA-256, 64 KiB rule
  EXPECT_EQ(img.header.magic, 0xE9);
  EXPECT_EQ(img.header.chip_id, 0x0005);
  EXPECT_EQ(img.header.entry, elf.entry);
  EXPECT_EQ(img.header.spi_mode, 2);            // DIO
  EXPECT_EQ(img.header.flash_size_freq, 0x2F);  // 4 MB, 80 MHz
  EXPECT_EQ(img.header.wp_pin, 0xEE);
  EXPECT_EQ(img.header.hash_appended, 1);
  EXPECT_EQ(img.header.segment_count, img.segments.size());
  EXPECT_EQ(bytes.size() % 16, 0u);  // 16n - 1 bytes of image and checksum, then 32 of hash
  // Every ELF segment appears once, byte for byte (padded to 4), at its address.
  size_t matched = 0;
  for (const auto& s : elf.segments) {
    bool found = false;
    for (const auto& is : img.segments) {
      if (is.vaddr != s.vaddr) continue;
      found = true;
      ASSERT_GE(is.data.size(), s.data.size());
      EXPECT_EQ(0, std::memcmp(is.data.data(), s.data.data(), s.data.size()));
    }
    EXPECT_TRUE(found) << std::hex << s.vaddr;
    matched += found ? 1 : 0;
  }
  // Anything else is padding: address 0.
  for (const auto& is : img.segments) {
    bool from_elf = false;
    for (const auto& s : elf.segments) from_elf = from_elf || s.vaddr == is.vaddr;
    if (!from_elf) {
      EXPECT_EQ(is.vaddr, 0u);
    }
  }
  EXPECT_GE(matched, 2u);  // code and read-only data at least
  // The application descriptor opens the first DROM segment.
  for (const auto& is : img.segments) {
    if (in_drom(is.vaddr)) {
      uint32_t magic = 0;
      std::memcpy(&magic, is.data.data(), 4);
      EXPECT_EQ(magic, 0xABCD5432u);
      break;
    }
  }
}

TEST_P(app_image_test, corruption_is_detected) {
  auto bytes = read_file(fw(std::string(GetParam()) + ".bin"));
  auto flipped = bytes;
  flipped[40] ^= 0x01;  // inside the first segment's data
  EXPECT_THROW(parse_app_image(flipped), std::runtime_error);
  auto bad_hash = bytes;
  bad_hash.back() ^= 0x80;
  EXPECT_THROW(parse_app_image(bad_hash), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(firmware, app_image_test, ::testing::Values("blink", "hello"));

class direct_image_test : public ::testing::TestWithParam<const char*> {};

TEST_P(direct_image_test, flash_bytes_sit_at_their_load_addresses) {
  const std::string name = GetParam();
  const auto bytes = read_file(fw(name + ".direct.bin"));
  const auto elf = parse_elf(read_file(fw(name + ".elf")));
  ASSERT_TRUE(is_direct_boot_image(bytes));
  EXPECT_EQ(elf.entry, 0x42000008u);
  for (const auto& s : elf.segments) {
    ASSERT_TRUE(in_irom(s.paddr)) << std::hex << s.paddr;
    const uint32_t off = s.paddr - irom_base;
    ASSERT_LE(off + s.data.size(), bytes.size());
    EXPECT_EQ(0, std::memcmp(bytes.data() + off, s.data.data(), s.data.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(firmware, direct_image_test, ::testing::Values("blink", "hello"));

TEST(sha256, known_answers) {
  const auto empty = sha256({});
  EXPECT_EQ(empty[0], 0xe3);
  EXPECT_EQ(empty[31], 0x55);
  const std::string abc = "abc";
  const auto d = sha256({reinterpret_cast<const uint8_t*>(abc.data()), abc.size()});
  EXPECT_EQ(d[0], 0xba);
  EXPECT_EQ(d[1], 0x78);
  EXPECT_EQ(d[31], 0xad);
}

}  // namespace
