// What the spi_display example draws, shared with the emulator test that checks the panel:
// a border, two lines of text, a checkerboard and a bar graph.
#pragma once

#include <esp_blink/drivers/ssd1306.hpp>

namespace spi_display {

inline constexpr const char* line1 = "ESP-BLINK ON SPI2";
inline constexpr const char* line2 = "SSD1306 128X64: OK";

inline void draw_test_pattern(esp_blink::drivers::ssd1306_framebuffer& fb) {
  fb.clear();
  fb.outline_rect(0, 0, 128, 64);
  fb.text(4, 4, line1);
  fb.text(4, 14, line2);
  for (unsigned y = 26; y < 58; ++y) {  // 4x4 checkerboard, 32 pixels square
    for (unsigned x = 4; x < 36; ++x) fb.set(x, y, ((x - 4) / 4 + (y - 26) / 4) % 2 == 0);
  }
  for (unsigned i = 0; i < 20; ++i) {  // bars rising to the right, 2 pixels wide
    const unsigned height = 2 + i * 3 / 2;
    fb.fill_rect(42 + i * 4, 58 - height, 2, height);
  }
}

}  // namespace spi_display
