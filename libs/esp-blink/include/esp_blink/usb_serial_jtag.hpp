// The USB-Serial-JTAG controller's CDC-ACM serial port (the built-in USB console of most C3
// boards, on GPIO18/19 with no external chip) as an hal::serial.
//
//   esp_blink::usb_serial_jtag::port usb;
//   esp_blink::print(usb, "hello over USB\n");
//   usb.flush();
//
// Bytes go to EP1 one at a time while EP1_CONF.SERIAL_IN_EP_DATA_FREE says the 64-byte IN buffer
// has room; EP1_CONF.WR_DONE hands a filled buffer to the host (a full buffer is sent without
// it). Received bytes are read from EP1 while SERIAL_OUT_EP_DATA_AVAIL is set. The controller is
// on after reset (the ROM uses it), so there is nothing to initialise.
#pragma once

#include <esp_blink/format.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/usb_device.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::usb_serial_jtag {

/// The USB-Serial-JTAG CDC-ACM port as an hal::serial and a byte_sink for print(). Stateless:
/// copies talk to the same controller. Writes give up rather than hang when no host is reading.
class port {
  using regs = pac::usb_device;

 public:
  /// Polls for buffer room before a byte is dropped: with no host attached the IN buffer never
  /// drains, and a console must not hang the firmware (esp-hal and ESP-IDF also give up).
  static constexpr uint32_t poll_limit = 200'000;

  /// Queues one byte; false when no host has taken the buffer for `poll_limit` polls.
  bool write_byte(uint8_t byte) const {
    for (uint32_t polls = 0; regs::ep1_conf::serial_in_ep_data_free::read() == 0; ++polls) {
      if (polls == poll_limit) return false;
    }
    regs::ep1::write(regs::ep1::rdwr_byte::dynamic(byte));
    return true;
  }

  /// embedded-io style: how many bytes were queued (fewer than `n` only without a host).
  size_t write(const uint8_t* data, size_t n) const {
    size_t sent = 0;
    while (sent < n && write_byte(data[sent])) ++sent;
    return sent;
  }

  /// Queues the bytes of a NUL-terminated string; stops early if no host takes the buffer.
  void write(const char* text) const {
    while (*text != '\0' && write_byte(static_cast<uint8_t>(*text))) ++text;
  }

  /// Hands what is buffered to the host now instead of when the buffer fills.
  void flush() const { regs::ep1_conf::write(regs::ep1_conf::wr_done::value<1>()); }

  /// embedded-io style: waits for the first byte, then takes what is already there, up to `n`.
  size_t read(uint8_t* data, size_t n) const {
    if (n == 0) return 0;
    while (!try_read_byte(data[0])) {
    }
    size_t got = 1;
    while (got < n && try_read_byte(data[got])) ++got;
    return got;
  }

  /// A received byte if one is waiting.
  bool try_read_byte(uint8_t& byte) const {
    if (regs::ep1_conf::serial_out_ep_data_avail::read() == 0) return false;
    byte = static_cast<uint8_t>(regs::ep1::rdwr_byte::read());
    return true;
  }
};

static_assert(byte_sink<port>);
static_assert(hal::serial<port>);

}  // namespace esp_blink::usb_serial_jtag
