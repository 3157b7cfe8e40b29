// The SSD1306's command set as far as the datasheet's section 10 (fundamental, scrolling is not
// modelled, addressing, hardware configuration, timing), and a PNG of the panel through libpng.
#include "ssd1306_model.hpp"

#include <png.h>

#include <cstdio>
#include <memory>

namespace esp_blink::emu {
namespace {

/// Argument bytes that follow a command byte; -1: not a command the model knows.
int argument_count(uint8_t c) {
  if (c <= 0x1F || (c >= 0x40 && c <= 0x7F) || (c >= 0xB0 && c <= 0xB7)) return 0;
  switch (c) {
    case 0x20:
    case 0x81:
    case 0x8D:
    case 0xA8:
    case 0xD3:
    case 0xD5:
    case 0xD9:
    case 0xDA:
    case 0xDB:
      return 1;
    case 0x21:
    case 0x22:
      return 2;
    case 0xA0:
    case 0xA1:
    case 0xA4:
    case 0xA5:
    case 0xA6:
    case 0xA7:
    case 0xAE:
    case 0xAF:
    case 0xC0:
    case 0xC8:
    case 0xE3:
    case 0x2E:
      return 0;
    default:
      return -1;
  }
}

}  // namespace

uint8_t ssd1306_model::exchange(uint8_t out) {
  if (data_mode_()) {
    data_byte(out);
  } else {
    command_byte(out);
  }
  return 0xFF;
}

void ssd1306_model::command_byte(uint8_t byte) {
  pending_.push_back(byte);
  const int args = argument_count(pending_[0]);
  if (args < 0) {
    if (on_report) on_report("SSD1306: unknown command byte " + hex32(pending_[0]));
    pending_.clear();
    return;
  }
  if (pending_.size() == static_cast<size_t>(args) + 1) {
    run_command();
    pending_.clear();
  }
}

void ssd1306_model::run_command() {
  ++commands_;
  const uint8_t c = pending_[0];
  const auto arg = [this](size_t i) { return pending_[i + 1]; };
  if (c <= 0x0F) {  // page addressing: lower nibble of the column
    col_ = (col_ & 0xF0u) | c;
  } else if (c <= 0x1F) {
    col_ = ((c & 0x07u) << 4) | (col_ & 0x0Fu);
  } else if (c >= 0xB0 && c <= 0xB7) {
    page_ = c & 0x07u;
  } else if (c == 0x20) {
    mode_ = arg(0) & 0x03u;
    if (mode_ == 3) mode_ = 2;  // invalid per the datasheet; treated as page mode
  } else if (c == 0x21) {
    col_start_ = col_ = arg(0) & 0x7Fu;
    col_end_ = arg(1) & 0x7Fu;
  } else if (c == 0x22) {
    page_start_ = page_ = arg(0) & 0x07u;
    page_end_ = arg(1) & 0x07u;
  } else if (c == 0xA0 || c == 0xA1) {
    seg_remap_ = c == 0xA1;
  } else if (c == 0xC0 || c == 0xC8) {
    com_remap_ = c == 0xC8;
  } else if (c == 0xA4 || c == 0xA5) {
    entire_on_ = c == 0xA5;
  } else if (c == 0xA6 || c == 0xA7) {
    inverted_ = c == 0xA7;
  } else if (c == 0xAE || c == 0xAF) {
    on_ = c == 0xAF;
  }
  // The rest (contrast, multiplex, offsets, timing, charge pump) does not change the picture.
}

void ssd1306_model::data_byte(uint8_t byte) {
  ++data_bytes_;
  ram_[page_ * width + col_] = byte;
  if (mode_ == 0) {  // horizontal: across the column window, then the next page
    if (col_ < col_end_) {
      ++col_;
    } else {
      col_ = col_start_;
      page_ = page_ < page_end_ ? page_ + 1 : page_start_;
    }
  } else if (mode_ == 1) {  // vertical: down the page window, then the next column
    if (page_ < page_end_) {
      ++page_;
    } else {
      page_ = page_start_;
      col_ = col_ < col_end_ ? col_ + 1 : col_start_;
    }
  } else {  // page: along the page, wrapping to its start
    col_ = col_ < width - 1 ? col_ + 1 : 0;
  }
}

bool ssd1306_model::pixel(unsigned x, unsigned y) const {
  if (!on_ || x >= width || y >= height) return false;
  const unsigned column = seg_remap_ ? x : width - 1 - x;
  const unsigned row = com_remap_ ? y : height - 1 - y;
  const bool lit =
      entire_on_ || ((uint32_t{ram_[(row / 8) * width + column]} >> (row % 8)) & 1u) != 0;
  return lit != inverted_;
}

std::string write_display_png(const ssd1306_model& panel, const std::string& path, unsigned scale) {
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file) return "cannot write " + path;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return "libpng could not start";
  }
  const unsigned w = ssd1306_model::width * scale, h = ssd1306_model::height * scale;
  std::vector<png_byte> row(w);
  // libpng reports errors by longjmp; nothing with a destructor is created past this point.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return "libpng failed writing " + path;
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (unsigned y = 0; y < h; ++y) {
    for (unsigned x = 0; x < w; ++x) row[x] = panel.pixel(x / scale, y / scale) ? 0xFF : 0x00;
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return {};
}

}  // namespace esp_blink::emu
