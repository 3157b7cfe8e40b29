// format.hpp's integer and string output, written to a string sink on the host.
#include <esp_blink/format.hpp>

#include <gtest/gtest.h>

#include <climits>
#include <string>

namespace {

struct string_sink {
  std::string text;
  void write_byte(uint8_t b) { text.push_back(static_cast<char>(b)); }
};
static_assert(esp_blink::byte_sink<string_sink>);

TEST(format, integers_of_every_width) {
  string_sink s;
  esp_blink::print(s, 0, ' ', 7u, ' ', -1, ' ', INT_MIN, ' ', UINT32_MAX, ' ', LONG_MIN);
  EXPECT_EQ(s.text, "0 7 -1 -2147483648 4294967295 " + std::to_string(LONG_MIN));
}

TEST(format, hex_is_zero_padded) {
  string_sink s;
  esp_blink::print(s, esp_blink::hex{0}, ",", esp_blink::hex{0xDEADBEEF});
  EXPECT_EQ(s.text, "0x00000000,0xdeadbeef");
}

}  // namespace
