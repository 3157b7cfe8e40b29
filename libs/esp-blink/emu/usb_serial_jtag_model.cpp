// USB-Serial-JTAG: EP1 (+0x00) and EP1_CONF (+0x04) (ESP32-C3 SVD, USB_DEVICE).
#include "usb_serial_jtag_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t ep1 = 0x00, ep1_conf = 0x04;

}  // namespace

uint32_t usb_serial_jtag_model::read(uint32_t offset, uint64_t) {
  if (offset == ep1_conf) return bit(1) | (rx_.empty() ? 0u : bit(2));
  if (offset == ep1) {
    if (rx_.empty()) return 0;
    const auto byte = static_cast<uint8_t>(rx_.front());
    rx_.pop_front();
    return byte;
  }
  return ctx_.regs.read(usb_serial_jtag_base + offset);
}

void usb_serial_jtag_model::write(uint32_t offset, uint32_t value, uint64_t) {
  if (offset == ep1) {
    const auto c = static_cast<char>(value & 0xFFu);
    output_.push_back(c);
    if (on_byte) on_byte(c);
  } else if (offset == ep1_conf) {
    if (value & 1u) ++flushes_;  // WR_DONE: the host has everything already
  } else {
    ctx_.regs.write(usb_serial_jtag_base + offset, value);
  }
}

}  // namespace esp_blink::emu
