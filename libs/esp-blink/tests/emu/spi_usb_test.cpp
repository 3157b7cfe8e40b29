// spi_display and usb_hello in the emulator: the SSD1306 model's panel against the pattern the
// example draws (drawn again here on the host), the PNG read back, and the USB console.
#include <esp_blink/drivers/ssd1306.hpp>

#include "machine.hpp"
#include "spi_display_pattern.hpp"

#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <regex>
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
  EXPECT_TRUE(panel.pixel(0, 0) && panel.pixel(127, 0) && panel.pixel(0, 63) && panel.pixel(127, 63));
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
  EXPECT_TRUE(std::regex_match(m.io().usb_serial_jtag_output(),
                               std::regex("hello over USB, random 0x[0-9a-f]{8}\n")))
      << m.io().usb_serial_jtag_output();
}

}  // namespace
