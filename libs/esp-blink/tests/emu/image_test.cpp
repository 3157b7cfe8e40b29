// The image tool's output read back by the emulator's own parser and compared with the ELF the
// image was made from.
#include "image.hpp"

#include "sha256.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

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

// A corrupt ELF found by esp_blink_fuzz_image: 4 KB whose section header size is 0, so 65535
// section headers alias one symbol table; it used to list 16 million symbols (seconds and
// hundreds of MB) and is now refused at once, as are a second symbol table and long names.
std::vector<uint8_t> elf_header(uint16_t shentsize, uint16_t shnum) {
  std::vector<uint8_t> b(52, 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(b.data(), ident, sizeof ident);
  auto put16 = [&](size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v);
    b[at + 1] = static_cast<uint8_t>(v >> 8);
  };
  put16(18, 0xF3);  // RISC-V
  b[32] = 52;       // shoff: the section headers follow this header
  put16(46, shentsize);
  put16(48, shnum);
  return b;
}

void add_symtab(std::vector<uint8_t>& b, uint32_t size) {
  const uint32_t words[10] = {0, 2, 0, 0, 0, size, 0, 0, 4, 16};  // SHT_SYMTAB at offset 0
  for (uint32_t w : words) {
    for (int k = 0; k < 4; ++k) b.push_back(static_cast<uint8_t>(w >> (8 * k)));
  }
}

std::string elf_error(const std::vector<uint8_t>& b) {
  try {
    parse_elf(b);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(parse_elf, aliased_section_headers_are_refused) {
  auto b = elf_header(0, 65535);
  add_symtab(b, 4000);
  b.resize(b.size() + 4000, 'A');
  EXPECT_EQ(elf_error(b), "section header size is not 40");
}

TEST(parse_elf, a_second_symbol_table_is_refused) {
  auto b = elf_header(40, 2);
  add_symtab(b, 32);
  add_symtab(b, 32);
  EXPECT_EQ(elf_error(b), "more than one symbol table");
}

TEST(parse_elf, a_symbol_table_beyond_the_file_is_refused) {
  auto b = elf_header(40, 1);
  add_symtab(b, 1u << 20);
  EXPECT_EQ(elf_error(b), "symbol table beyond file end");
}

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
