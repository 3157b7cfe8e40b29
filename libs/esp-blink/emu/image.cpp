// Parsing ELF files, app images and direct-boot images into what the machine loads (formats:
// docs/esp32c3.md, "App image format" and "Booting").
#include "image.hpp"

#include "sha256.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace esp_blink::emu {
namespace {

uint32_t le32(const std::vector<uint8_t>& b, size_t at) {
  if (at + 4 > b.size()) throw std::runtime_error("truncated file");
  return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
         uint32_t{b[at + 3]} << 24;
}

uint16_t le16(const std::vector<uint8_t>& b, size_t at) {
  if (at + 2 > b.size()) throw std::runtime_error("truncated file");
  return static_cast<uint16_t>(b[at] | b[at + 1] << 8);
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// The longest section or symbol name accepted: a bound on what a corrupt file can make us copy.
constexpr size_t max_name = 4096;

// A NUL-terminated name inside the file; stops at the file's end if the NUL is missing.
std::string name_at(const std::vector<uint8_t>& b, size_t at) {
  std::string out;
  for (size_t i = at; i < b.size() && b[i] != 0; ++i) {
    if (out.size() == max_name) throw std::runtime_error("name longer than 4096 bytes");
    out.push_back(static_cast<char>(b[i]));
  }
  return out;
}

constexpr uint8_t direct_magic[8] = {0x1d, 0x04, 0xdb, 0xae, 0x1d, 0x04, 0xdb, 0xae};

}  // namespace

std::optional<uint32_t> elf_file::symbol(const std::string& name) const {
  for (const auto& [n, v] : symbols) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_elf(const std::vector<uint8_t>& b) {
  return b.size() >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
}

bool is_direct_boot_image(const std::vector<uint8_t>& b) {
  return b.size() >= 8 && std::memcmp(b.data(), direct_magic, 8) == 0;
}

bool is_app_image(const std::vector<uint8_t>& b) {
  return !b.empty() && b[0] == 0xE9;
}

elf_file parse_elf(const std::vector<uint8_t>& b) {
  if (!is_elf(b) || b.size() < 52) throw std::runtime_error("not an ELF file");
  if (b[4] != 1 || b[5] != 1) throw std::runtime_error("not a 32-bit little-endian ELF");
  if (le16(b, 18) != 0xF3) throw std::runtime_error("not a RISC-V ELF");
  elf_file elf;
  elf.entry = le32(b, 24);
  const uint32_t phoff = le32(b, 28);
  const uint32_t shoff = le32(b, 32);
  const uint16_t phentsize = le16(b, 42);
  const uint16_t phnum = le16(b, 44);
  const uint16_t shentsize = le16(b, 46);
  const uint16_t shnum = le16(b, 48);
  const uint16_t shstrndx = le16(b, 50);
  // ELF32 header sizes: smaller ones would make entries overlap (all alias one with size 0),
  // and a few bytes could then describe millions of segments, sections or symbols.
  if (phnum != 0 && phentsize != 32) throw std::runtime_error("program header size is not 32");
  if (shoff != 0 && shnum != 0 && shentsize != 40) {
    throw std::runtime_error("section header size is not 40");
  }
  for (uint32_t i = 0; i < phnum; ++i) {
    const size_t ph = phoff + size_t{i} * phentsize;
    const uint32_t type = le32(b, ph);
    const uint32_t offset = le32(b, ph + 4);
    const uint32_t filesz = le32(b, ph + 16);
    if (type != 1 || filesz == 0) continue;
    if (size_t{offset} + filesz > b.size()) throw std::runtime_error("segment beyond file end");
    segment s;
    s.vaddr = le32(b, ph + 8);
    s.paddr = le32(b, ph + 12);
    s.file_offset = offset;
    s.data.assign(b.begin() + offset, b.begin() + offset + filesz);
    elf.segments.push_back(std::move(s));
  }
  // Sections: names, and the symbol table for tests and reports.
  auto section = [&](uint32_t i, uint32_t field) {
    return le32(b, shoff + size_t{i} * shentsize + field);
  };
  if (shoff != 0 && shstrndx < shnum) {
    const uint32_t names = section(shstrndx, 16);
    for (uint32_t i = 0; i < shnum; ++i) {
      const size_t at = size_t{names} + section(i, 0);
      elf.section_names.push_back(name_at(b, at));
    }
    bool symbols_read = false;
    for (uint32_t i = 0; i < shnum; ++i) {
      if (section(i, 4) != 2) continue;  // SHT_SYMTAB
      // The ELF format allows one symbol table: each more would list every symbol again.
      if (symbols_read) throw std::runtime_error("more than one symbol table");
      symbols_read = true;
      const uint32_t off = section(i, 16), size = section(i, 20), link = section(i, 24);
      if (size_t{off} + size > b.size()) throw std::runtime_error("symbol table beyond file end");
      const uint32_t strtab = section(link, 16);
      for (uint32_t s = 16; s + 16 <= size; s += 16) {  // entry 0 is the null symbol
        elf.symbols.emplace_back(name_at(b, size_t{strtab} + le32(b, off + s)),
                                 le32(b, off + s + 4));
      }
    }
  }
  return elf;
}

app_image parse_app_image(const std::vector<uint8_t>& b) {
  if (b.size() < 24 || b[0] != 0xE9) throw std::runtime_error("not an app image (magic)");
  app_image img;
  auto& h = img.header;
  h.magic = b[0];
  h.segment_count = b[1];
  h.spi_mode = b[2];
  h.flash_size_freq = b[3];
  h.entry = le32(b, 4);
  h.wp_pin = b[8];
  std::memcpy(h.spi_drive, &b[9], 3);
  h.chip_id = le16(b, 12);
  h.min_chip_rev = b[14];
  h.min_chip_rev_full = le16(b, 15);
  h.max_chip_rev_full = le16(b, 17);
  h.hash_appended = b[23];
  if (h.segment_count == 0 || h.segment_count > 16) throw std::runtime_error("bad segment count");
  size_t pos = 24;
  uint8_t checksum = 0xEF;
  for (unsigned i = 0; i < h.segment_count; ++i) {
    segment s;
    s.vaddr = s.paddr = le32(b, pos);
    const uint32_t length = le32(b, pos + 4);
    if (length % 4 != 0 || pos + 8 + length > b.size()) {
      throw std::runtime_error("segment " + std::to_string(i) + ": bad length");
    }
    s.file_offset = static_cast<uint32_t>(pos + 8);
    s.data.assign(b.begin() + static_cast<std::ptrdiff_t>(pos + 8),
                  b.begin() + static_cast<std::ptrdiff_t>(pos + 8 + length));
    for (uint8_t byte : s.data) checksum ^= byte;
    if ((in_irom(s.vaddr) || in_drom(s.vaddr)) &&
        (app_flash_offset + s.file_offset) % mmu_page != s.vaddr % mmu_page) {
      throw std::runtime_error("segment " + hex32(s.vaddr) + " breaks the 64 KiB mapping rule");
    }
    img.segments.push_back(std::move(s));
    pos += 8 + length;
  }
  pos += 15 - pos % 16;  // zero padding up to 16n - 1, then the checksum byte
  if (pos >= b.size()) throw std::runtime_error("truncated before the checksum");
  img.checksum = b[pos];
  if (img.checksum != checksum) throw std::runtime_error("checksum mismatch");
  ++pos;
  if (h.hash_appended == 1) {
    if (pos + 32 > b.size()) throw std::runtime_error("truncated SHA-256");
    const auto digest = sha256(std::span<const uint8_t>(b.data(), pos));
    if (std::memcmp(digest.data(), &b[pos], 32) != 0) throw std::runtime_error("SHA-256 mismatch");
    pos += 32;
  }
  if (pos != b.size()) throw std::runtime_error("trailing bytes after the image");
  return img;
}

}  // namespace esp_blink::emu
