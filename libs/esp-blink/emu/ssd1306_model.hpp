// An SSD1306 128x64 OLED controller on the SPI bus (4-wire: D/C on a GPIO): the commands the
// esp-blink driver and common libraries send (Solomon Systech SSD1306 datasheet, section 10),
// the 1 KiB display RAM with its three addressing modes, and what the panel shows: RAM mapped
// through segment remap and COM scan direction (the usual module, mounted so that 0xA1 with
// 0xC8 shows RAM column 0 at the left and page 0 at the top), inversion, display on/off.
#pragma once

#include "spi2_model.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace esp_blink::emu {

class ssd1306_model final : public spi_device {
 public:
  static constexpr unsigned width = 128, height = 64, pages = 8;

  /// `data_mode()` is the D/C line's level (high: display data) when a byte arrives.
  explicit ssd1306_model(std::function<bool()> data_mode) : data_mode_(std::move(data_mode)) {}

  uint8_t exchange(uint8_t out) override;  // MISO is not driven: reads 0xFF

  /// What the panel shows at (x, y): lit or dark.
  bool pixel(unsigned x, unsigned y) const;
  uint8_t ram(unsigned page, unsigned column) const { return ram_[page * width + column]; }
  bool display_on() const { return on_; }
  uint64_t commands() const { return commands_; }
  uint64_t data_bytes() const { return data_bytes_; }
  std::function<void(const std::string&)> on_report;

 private:
  void command_byte(uint8_t byte);
  void run_command();
  void data_byte(uint8_t byte);

  std::function<bool()> data_mode_;
  std::vector<uint8_t> ram_ = std::vector<uint8_t>(width * pages, 0);
  std::vector<uint8_t> pending_;  // a command and the arguments received so far
  unsigned mode_ = 2;             // 0 horizontal, 1 vertical, 2 page addressing (reset)
  unsigned col_ = 0, page_ = 0;
  unsigned col_start_ = 0, col_end_ = width - 1, page_start_ = 0, page_end_ = pages - 1;
  bool on_ = false, inverted_ = false, entire_on_ = false, seg_remap_ = false, com_remap_ = false;
  uint64_t commands_ = 0, data_bytes_ = 0;
};

/// Writes what the panel shows as an 8-bit greyscale PNG, each pixel `scale` x `scale`.
/// Returns an error message, empty on success.
std::string write_display_png(const ssd1306_model& panel, const std::string& path,
                              unsigned scale = 4);

}  // namespace esp_blink::emu
