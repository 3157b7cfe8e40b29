// The SSD1306 driver on a mock SPI device that records each write with the D/C level it saw;
// the framebuffer's layout and the font.
#include <esp_blink/drivers/ssd1306.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace {

using namespace esp_blink;
using hal::error_kind;

struct dc_pin {
  bool high = false;
  void set_high() { high = true; }
  void set_low() { high = false; }
};

struct write_record {
  bool data;  // D/C high
  std::vector<uint8_t> bytes;
};

struct mock_device {
  dc_pin* dc;
  std::vector<write_record> writes;
  int fail_after = -1;  // the write with this index fails

  error_kind write(const uint8_t* out, size_t n) {
    if (static_cast<int>(writes.size()) == fail_after) return error_kind::timeout;
    writes.push_back({dc->high, std::vector<uint8_t>(out, out + n)});
    return error_kind::ok;
  }
  error_kind read(uint8_t*, size_t) { return error_kind::other; }
  error_kind transfer(uint8_t*, const uint8_t*, size_t) { return error_kind::other; }
  error_kind transaction(hal::spi_operation*, size_t) { return error_kind::other; }
};
static_assert(hal::spi_device<mock_device>);

TEST(ssd1306, init_powers_up_clears_and_switches_on_last) {
  dc_pin dc;
  mock_device device{&dc, {}, -1};
  drivers::ssd1306 display{device, dc};
  ASSERT_EQ(display.init(), error_kind::ok);
  ASSERT_EQ(device.writes.size(), 4u);  // sequence, window, 1 KiB of zeros, display on
  const auto& seq = device.writes[0];
  EXPECT_FALSE(seq.data);
  EXPECT_EQ(seq.bytes.front(), 0xAE);  // off while configuring
  const std::string s(seq.bytes.begin(), seq.bytes.end());
  EXPECT_NE(s.find("\x8D\x14"), std::string::npos);                  // charge pump
  EXPECT_NE(s.find(std::string("\x20\x00", 2)), std::string::npos);  // horizontal addressing
  EXPECT_NE(s.find("\xA8\x3F"), std::string::npos);                  // 64 rows
  EXPECT_EQ(device.writes[1].bytes, (std::vector<uint8_t>{0x21, 0, 127, 0x22, 0, 7}));
  EXPECT_FALSE(device.writes[1].data);
  EXPECT_TRUE(device.writes[2].data);
  EXPECT_EQ(device.writes[2].bytes, std::vector<uint8_t>(1024, 0));
  EXPECT_FALSE(device.writes[3].data);
  EXPECT_EQ(device.writes[3].bytes, std::vector<uint8_t>{0xAF});
}

TEST(ssd1306, flush_sends_the_framebuffer_in_page_layout) {
  dc_pin dc;
  mock_device device{&dc, {}, -1};
  drivers::ssd1306 display{device, dc};
  display.frame().set(0, 0);
  display.frame().set(5, 9);     // page 1, bit 1
  display.frame().set(127, 63);  // page 7, bit 7
  display.frame().set(128, 0);   // off the panel: ignored
  ASSERT_EQ(display.flush(), error_kind::ok);
  const auto& data = device.writes.back();
  ASSERT_TRUE(data.data);
  ASSERT_EQ(data.bytes.size(), 1024u);
  EXPECT_EQ(data.bytes[0], 0x01);
  EXPECT_EQ(data.bytes[128 + 5], 0x02);
  EXPECT_EQ(data.bytes[7 * 128 + 127], 0x80);
  int lit = 0;
  for (uint8_t b : data.bytes) lit += __builtin_popcount(b);
  EXPECT_EQ(lit, 3);
}

TEST(ssd1306, errors_stop_the_sequence_and_come_back) {
  dc_pin dc;
  mock_device device{&dc, {}, 2};  // the framebuffer write fails
  drivers::ssd1306 display{device, dc};
  EXPECT_EQ(display.init(), error_kind::timeout);
  EXPECT_EQ(device.writes.size(), 2u);  // never switched on
  mock_device first{&dc, {}, 0};
  drivers::ssd1306 other{first, dc};
  EXPECT_EQ(other.init(), error_kind::timeout);
  EXPECT_TRUE(first.writes.empty());
}

TEST(ssd1306, switches_and_inversion) {
  dc_pin dc;
  mock_device device{&dc, {}, -1};
  drivers::ssd1306 display{device, dc};
  ASSERT_EQ(display.set_display_on(false), error_kind::ok);
  ASSERT_EQ(display.set_inverted(true), error_kind::ok);
  ASSERT_EQ(display.set_inverted(false), error_kind::ok);
  EXPECT_EQ(device.writes[0].bytes, std::vector<uint8_t>{0xAE});
  EXPECT_EQ(device.writes[1].bytes, std::vector<uint8_t>{0xA7});
  EXPECT_EQ(device.writes[2].bytes, std::vector<uint8_t>{0xA6});
}

TEST(ssd1306_framebuffer, rectangles_and_text) {
  drivers::ssd1306_framebuffer fb;
  fb.outline_rect(0, 0, 128, 64);
  EXPECT_TRUE(fb.get(0, 0));
  EXPECT_TRUE(fb.get(127, 63));
  EXPECT_TRUE(fb.get(64, 63));
  EXPECT_FALSE(fb.get(1, 1));
  fb.clear();
  // 'L' at (10, 3): its left column is lit on all seven rows, its bottom row across five.
  EXPECT_EQ(fb.text(10, 3, "L"), 16u);
  for (unsigned y = 3; y < 10; ++y) EXPECT_TRUE(fb.get(10, y)) << y;
  for (unsigned x = 10; x < 15; ++x) EXPECT_TRUE(fb.get(x, 9)) << x;
  EXPECT_FALSE(fb.get(11, 3));
  EXPECT_FALSE(fb.get(10, 10));
  EXPECT_FALSE(fb.get(15, 9));  // the spacing column
}

TEST(font5x7, glyphs_are_distinct_and_lower_case_maps_to_upper) {
  namespace font = drivers::font5x7;
  std::set<std::vector<uint8_t>> seen;
  for (unsigned g = 0; g < font::glyph_count; ++g) {
    const uint8_t* c = font::glyphs.columns[g];
    EXPECT_TRUE(seen.insert(std::vector<uint8_t>(c, c + font::width)).second)
        << "glyph '" << font::glyphs.chars[g] << "' repeats another";
    for (unsigned x = 0; x < font::width; ++x) EXPECT_LT(c[x], 0x80u);  // seven rows only
  }
  EXPECT_EQ(font::columns_of('q'), font::columns_of('Q'));
  EXPECT_EQ(font::columns_of('~'), font::columns_of('?'));  // not in the font
  EXPECT_EQ(font::columns_of('1')[2], 0x7F);                // the stem of '1' is full height
}

}  // namespace
