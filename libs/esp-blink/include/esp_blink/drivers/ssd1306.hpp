// SSD1306 128x64 OLED on SPI (4-wire: data on MOSI, D/C on a GPIO), written only against the
// HAL concepts: an hal::spi_device (which owns CS) and an hal::output_pin for D/C. A 1 KiB
// framebuffer in the panel's own layout (8 pages of 128 columns, bit 0 the page's top row),
// pixels, rectangles and 5x7 text; flush() sends the whole buffer.
//
//   esp_blink::drivers::ssd1306 display{device, dc};
//   display.init();
//   display.frame().text(0, 0, "hello");
//   display.flush();
//
// Commands from Solomon Systech's SSD1306 datasheet (rev 1.1, section 10), the power-up order of
// its application note: display off, timing and addressing, charge pump, display on.
#pragma once

#include <esp_blink/drivers/font5x7.hpp>
#include <esp_blink/hal/concepts.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::drivers {

/// 128x64 monochrome pixels, laid out as the SSD1306's GDDRAM in horizontal addressing mode.
class ssd1306_framebuffer {
 public:
  static constexpr unsigned width = 128;              ///< Pixels across.
  static constexpr unsigned height = 64;              ///< Pixels down.
  static constexpr size_t size = width * height / 8;  ///< Bytes of the buffer (one bit a pixel).

  /// Turns every pixel off.
  void clear() {
    for (auto& b : bytes_) b = 0;
  }
  /// Pixels outside the panel are ignored, so shapes may run off the edge.
  void set(unsigned x, unsigned y, bool on = true) {
    if (x >= width || y >= height) return;
    uint8_t& b = bytes_[(y / 8) * width + x];
    const auto mask = static_cast<uint8_t>(1u << (y % 8));
    b = static_cast<uint8_t>(on ? b | mask : b & ~mask);
  }
  /// Whether the pixel at (x, y) is on; false outside the panel.
  bool get(unsigned x, unsigned y) const {
    if (x >= width || y >= height) return false;
    return ((uint32_t{bytes_[(y / 8) * width + x]} >> (y % 8)) & 1u) != 0;
  }
  /// Sets the `w` x `h` rectangle with its top-left corner at (x, y) to `on`.
  void fill_rect(unsigned x, unsigned y, unsigned w, unsigned h, bool on = true) {
    for (unsigned dy = 0; dy < h; ++dy) {
      for (unsigned dx = 0; dx < w; ++dx) set(x + dx, y + dy, on);
    }
  }
  /// Turns on the one-pixel border of the `w` x `h` rectangle at (x, y).
  void outline_rect(unsigned x, unsigned y, unsigned w, unsigned h) {
    if (w == 0 || h == 0) return;
    fill_rect(x, y, w, 1);
    fill_rect(x, y + h - 1, w, 1);
    fill_rect(x, y, 1, h);
    fill_rect(x + w - 1, y, 1, h);
  }
  /// Draws `text` with its top-left corner at (x, y); returns the x after the last character.
  unsigned text(unsigned x, unsigned y, const char* text) {
    for (; *text != '\0'; ++text, x += font5x7::advance) {
      const uint8_t* columns = font5x7::columns_of(*text);
      for (unsigned cx = 0; cx < font5x7::width; ++cx) {
        for (unsigned cy = 0; cy < font5x7::height; ++cy) {
          set(x + cx, y + cy, ((uint32_t{columns[cx]} >> cy) & 1u) != 0);
        }
      }
    }
    return x;
  }
  /// The `size` bytes in GDDRAM order (page by page, bit 0 the page's top row), as flushed.
  const uint8_t* data() const { return bytes_; }

 private:
  uint8_t bytes_[size] = {};
};

/// Driver for an SSD1306 128x64 OLED on 4-wire SPI: an `hal::spi_device` (which owns chip
/// select) and an `hal::output_pin` for D/C (low: command, high: data). Draw into frame(), then
/// flush() sends the whole buffer.
template <hal::spi_device Device, hal::output_pin DcPin>
class ssd1306 {
 public:
  /// Keeps references: the device and the D/C pin must outlive the driver.
  ssd1306(Device& device, DcPin& dc) : device_(device), dc_(dc) {}

  /// The power-up sequence; the panel shows the (cleared) framebuffer afterwards.
  hal::error_kind init() {
    static constexpr uint8_t sequence[] = {
        0xAE,        // display off
        0xD5, 0x80,  // clock divide ratio 1, oscillator frequency 8
        0xA8, 0x3F,  // multiplex ratio: 64 rows
        0xD3, 0x00,  // no display offset
        0x40,        // start line 0
        0x8D, 0x14,  // charge pump on (no external VCC)
        0x20, 0x00,  // horizontal addressing: the write pointer runs across pages
        0xA1,        // column 127 is SEG0: with 0xC8, the usual module shows RAM upright
        0xC8,        // COM scan from COM63 to COM0
        0xDA, 0x12,  // alternative COM pin configuration (128x64 panels)
        0x81, 0xCF,  // contrast
        0xD9, 0xF1,  // pre-charge period
        0xDB, 0x40,  // VCOMH deselect level
        0xA4,        // show RAM contents
        0xA6,        // not inverted
    };
    hal::error_kind result = command(sequence, sizeof(sequence));
    if (result != hal::error_kind::ok) return result;
    frame_.clear();
    result = flush();
    if (result != hal::error_kind::ok) return result;
    return set_display_on(true);
  }

  /// The framebuffer to draw into; the panel shows it after flush().
  ssd1306_framebuffer& frame() { return frame_; }

  /// Sends the whole framebuffer: the address window is set to the full panel first, so the
  /// result does not depend on where an earlier write left the pointer.
  hal::error_kind flush() {
    static constexpr uint8_t window[] = {0x21, 0x00, 0x7F, 0x22, 0x00, 0x07};
    const hal::error_kind result = command(window, sizeof(window));
    if (result != hal::error_kind::ok) return result;
    dc_.set_high();
    return device_.write(frame_.data(), ssd1306_framebuffer::size);
  }

  /// Turns the panel on (0xAF) or off to sleep (0xAE); the RAM is kept.
  hal::error_kind set_display_on(bool on) {
    const uint8_t c = on ? 0xAF : 0xAE;
    return command(&c, 1);
  }
  /// Shows RAM bits of 0 as lit pixels (0xA7) or normally (0xA6); the buffer is unchanged.
  hal::error_kind set_inverted(bool inverted) {
    const uint8_t c = inverted ? 0xA7 : 0xA6;
    return command(&c, 1);
  }

 private:
  hal::error_kind command(const uint8_t* bytes, size_t n) {
    dc_.set_low();
    return device_.write(bytes, n);
  }

  Device& device_;
  DcPin& dc_;
  ssd1306_framebuffer frame_;
};

}  // namespace esp_blink::drivers
