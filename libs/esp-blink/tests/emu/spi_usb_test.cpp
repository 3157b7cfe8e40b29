// spi_display and usb_hello in the emulator: the SSD1306 model's panel against the pattern the
// example draws (drawn again here on the host), the PNG read back, and the USB console.
#include <esp_blink/drivers/ssd1306.hpp>

#include "machine.hpp"
#include "spi_display_pattern.hpp"

#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace esp_blink::emu;

std::string fw(const std::string& name) {
  return std::string(ESP_BLINK_FIRMWARE_BIN) + "/" + name;
}

/// An 8-bit greyscale PNG's pixels, row by row (empty if it cannot be read as one).
std::vector<uint8_t> read_grey_png(const std::string& path, unsigned& width, unsigned& height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return {};
  image.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) return {};
  width = image.width;
  height = image.height;
  return pixels;
}

TEST(spi_display, the_panel_shows_the_pattern_and_both_lines_of_text) {
  machine m;
  std::vector<std::string> reports;
  m.io().on_report = [&](const std::string& r) { reports.push_back(r); };
  const ssd1306_model& panel = m.io().attach_ssd1306(4);
  m.load_file(fw("spi_display.bin"));
  const run_result result = m.run();
  EXPECT_EQ(result.reason, stop_reason::halted);
  EXPECT_EQ(result.exit_status(), 0);
  EXPECT_EQ(m.io().uart0_output(), "display: test pattern drawn\n");
  EXPECT_TRUE(reports.empty()) << reports.front();
  EXPECT_TRUE(panel.display_on());
  EXPECT_EQ(panel.data_bytes(), 2u * 1024);  // the cleared buffer, then the pattern

  esp_blink::drivers::ssd1306_framebuffer expected;
  spi_display::draw_test_pattern(expected);
  unsigned lit = 0, wrong = 0;
  for (unsigned y = 0; y < 64; ++y) {
    for (unsigned x = 0; x < 128; ++x) {
      lit += panel.pixel(x, y) ? 1u : 0u;
      if (panel.pixel(x, y) != expected.get(x, y) && ++wrong <= 5) {
        ADD_FAILURE() << "pixel (" << x << ", " << y << ")";
      }
    }
  }
  EXPECT_EQ(wrong, 0u);
  // Independent of the host drawing: the border's corners, the inside just past them, and the
  // first text line's 'E' (full-height left column at x = 4 from y = 4).
  EXPECT_TRUE(panel.pixel(0, 0) && panel.pixel(127, 0) && panel.pixel(0, 63) &&
              panel.pixel(127, 63));
  EXPECT_FALSE(panel.pixel(1, 1));
  for (unsigned y = 4; y < 11; ++y) EXPECT_TRUE(panel.pixel(4, y)) << y;
  EXPECT_GT(lit, 500u);

  // The artifact: written in the build tree, read back pixel for pixel.
  const std::string png = ESP_BLINK_DISPLAY_PNG;
  ASSERT_EQ(write_display_png(panel, png), "");
  unsigned w = 0, h = 0;
  const std::vector<uint8_t> pixels = read_grey_png(png, w, h);
  ASSERT_EQ(w, 512u);
  ASSERT_EQ(h, 256u);
  for (unsigned y = 0; y < h; y += 3) {
    for (unsigned x = 0; x < w; x += 3) {
      ASSERT_EQ(pixels[y * w + x] != 0, expected.get(x / 4, y / 4)) << x << "," << y;
    }
  }
}

TEST(spi_display, without_a_panel_the_firmware_still_runs_and_the_bus_moves_the_bytes) {
  machine m;
  m.load_file(fw("spi_display.elf"));
  const run_result result = m.run();
  EXPECT_EQ(result.exit_status(), 0);
  // init: 24 command bytes, window 6, 1 KiB, display on 1; flush: window 6, 1 KiB.
  EXPECT_EQ(m.io().spi2().bytes_transferred(), 24u + 6 + 1024 + 1 + 6 + 1024);
}

TEST(usb_hello, prints_over_usb_serial_jtag_not_uart0) {
  machine m;
  m.load_file(fw("usb_hello.bin"));
  const run_result result = m.run();
  EXPECT_EQ(result.exit_status(), 0);
  EXPECT_EQ(m.io().uart0_output(), "");
  // "hello over USB, random 0x" and eight hex digits (std::regex trips GCC 12's
  // maybe-uninitialized warning under -O1).
  const std::string out = m.io().usb_serial_jtag_output();
  const std::string prefix = "hello over USB, random 0x";
  ASSERT_EQ(out.size(), prefix.size() + 9) << out;
  EXPECT_EQ(out.substr(0, prefix.size()), prefix);
  EXPECT_EQ(out.substr(prefix.size() + 8), "\n");
  EXPECT_EQ(out.find_first_not_of("0123456789abcdef", prefix.size()), prefix.size() + 8)
      << m.io().usb_serial_jtag_output();
}

}  // namespace

namespace {

using namespace esp_blink::emu;

/// Feeds bytes to the panel as commands (D/C low) or data (D/C high).
struct panel_driver {
  bool data = false;
  std::vector<std::string> reports;
  ssd1306_model panel{[this] { return data; }};
  panel_driver() {
    panel.on_report = [this](const std::string& r) { reports.push_back(r); };
  }
  void commands(std::initializer_list<uint8_t> bytes) {
    data = false;
    for (uint8_t b : bytes) panel.exchange(b);
  }
  void bytes(std::initializer_list<uint8_t> bytes) {
    data = true;
    for (uint8_t b : bytes) panel.exchange(b);
  }
};

TEST(ssd1306_model, horizontal_addressing_wraps_inside_the_window) {
  panel_driver d;
  d.commands({0x20, 0x00, 0x21, 10, 11, 0x22, 2, 3});
  d.bytes({1, 2, 3, 4, 5});  // (2,10) (2,11) (3,10) (3,11), then back to (2,10)
  EXPECT_EQ(d.panel.ram(2, 10), 5);
  EXPECT_EQ(d.panel.ram(2, 11), 2);
  EXPECT_EQ(d.panel.ram(3, 10), 3);
  EXPECT_EQ(d.panel.ram(3, 11), 4);
  EXPECT_TRUE(d.reports.empty());
}

TEST(ssd1306_model, page_and_vertical_addressing) {
  panel_driver d;
  d.commands({0xB5, 0x02, 0x13});  // page mode (reset): page 5, column 0x32
  d.bytes({0xAA, 0xBB});
  EXPECT_EQ(d.panel.ram(5, 0x32), 0xAA);
  EXPECT_EQ(d.panel.ram(5, 0x33), 0xBB);
  d.commands({0x20, 0x01, 0x21, 0, 127, 0x22, 6, 7});
  d.bytes({1, 2, 3});  // down pages 6 and 7, then the next column
  EXPECT_EQ(d.panel.ram(6, 0), 1);
  EXPECT_EQ(d.panel.ram(7, 0), 2);
  EXPECT_EQ(d.panel.ram(6, 1), 3);
}

TEST(ssd1306_model, what_the_panel_shows_follows_on_off_remap_and_inversion) {
  panel_driver d;
  d.commands({0x20, 0x00, 0x21, 0, 127, 0x22, 0, 7});
  d.bytes({0x01});                    // RAM page 0, column 0, row 0
  EXPECT_FALSE(d.panel.pixel(0, 0));  // display off after reset
  d.commands({0xAF, 0xA1, 0xC8});
  EXPECT_TRUE(d.panel.pixel(0, 0));
  EXPECT_FALSE(d.panel.pixel(127, 63));
  d.commands({0xA0, 0xC0});  // no remap: the usual module shows the picture turned round
  EXPECT_TRUE(d.panel.pixel(127, 63));
  EXPECT_FALSE(d.panel.pixel(0, 0));
  d.commands({0xA7});
  EXPECT_FALSE(d.panel.pixel(127, 63));
  EXPECT_TRUE(d.panel.pixel(0, 0));
  d.commands({0xA6, 0xA5});  // entire display on
  EXPECT_TRUE(d.panel.pixel(0, 0));
}

TEST(ssd1306_model, an_unknown_command_is_reported_and_skipped) {
  panel_driver d;
  d.commands({0xFE, 0xAF});
  ASSERT_EQ(d.reports.size(), 1u);
  EXPECT_NE(d.reports[0].find("0x000000fe"), std::string::npos);
  EXPECT_TRUE(d.panel.display_on());
}

TEST(spi2_model, a_transfer_with_the_clock_off_is_reported_and_moves_nothing) {
  machine m;
  std::vector<std::string> reports;
  m.io().on_report = [&](const std::string& r) { reports.push_back(r); };
  m.io().write(0x600C0010, 0, 0);         // PERIP_CLK_EN0: SPI2's gate (on at reset) off
  m.io().write(0x60024000 + 0x1C, 7, 0);  // MS_DLEN: one byte
  m.io().write(0x60024000, 1u << 24, 0);  // CMD.USR
  EXPECT_EQ(m.io().spi2().bytes_transferred(), 0u);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("clock off"), std::string::npos);
  EXPECT_EQ(m.io().read(0x60024000, 0), 0u);  // USR cleared all the same
}

}  // namespace
