// Fuzzes the emulator's loaders (emu/image.cpp): parse_elf and parse_app_image on any bytes
// either return a description that agrees with the file or throw std::runtime_error with a
// reason; nothing else (no crash, no other exception, no hang or runaway allocation: the
// fuzzer's -timeout and -rss_limit_mb enforce those). The first byte picks the parser, so both
// get the whole rest of the input.
#include "image.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

using namespace esp_blink::emu;

// Each segment's bytes are the file's bytes at its offset.
void check_segments(const std::vector<segment>& segments, const std::vector<std::uint8_t>& file) {
  for (const segment& s : segments) {
    require(std::size_t{s.file_offset} + s.data.size() <= file.size());
    require(s.data.empty() ||
            std::memcmp(s.data.data(), file.data() + s.file_offset, s.data.size()) == 0);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool elf = (data[0] & 1) != 0;
  const std::vector<std::uint8_t> file(data + 1, data + size);
  try {
    if (elf) {
      const elf_file e = parse_elf(file);
      require(is_elf(file));
      check_segments(e.segments, file);
    } else {
      const app_image img = parse_app_image(file);
      require(is_app_image(file) && img.segments.size() == img.header.segment_count);
      check_segments(img.segments, file);
    }
  } catch (const std::runtime_error& e) {
    require(e.what() != nullptr && e.what()[0] != '\0');
  }
  return 0;
}
