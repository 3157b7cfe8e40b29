// USB-Serial-JTAG model: the CDC-ACM port as a host that is always attached and takes every
// byte at once. Bytes written to EP1 go to `on_byte` (the emulator prints them to stdout, like
// UART0); EP1_CONF reads SERIAL_IN_EP_DATA_FREE always set and SERIAL_OUT_EP_DATA_AVAIL while
// injected bytes wait; reads of EP1 take them.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

namespace esp_blink::emu {

inline constexpr uint32_t usb_serial_jtag_base = 0x60043000;

class usb_serial_jtag_model final : public peripheral_model {
 public:
  explicit usb_serial_jtag_model(model_context& ctx) : ctx_(ctx) {}
  uint32_t read(uint32_t offset, uint64_t) override;
  void write(uint32_t offset, uint32_t value, uint64_t) override;

  void inject_rx(const std::string& bytes) { rx_.insert(rx_.end(), bytes.begin(), bytes.end()); }
  const std::string& output() const { return output_; }
  uint64_t flushes() const { return flushes_; }
  std::function<void(char)> on_byte;

 private:
  model_context& ctx_;
  std::deque<char> rx_;
  std::string output_;
  uint64_t flushes_ = 0;
};

/// The RNG block: RNG_DATA (+0xB0) gives a new 32-bit value per read, from a fixed-seed
/// xorshift so that runs repeat (the chip's noise sources are not modelled).
inline constexpr uint32_t rng_base = 0x60026000;

class rng_model final : public peripheral_model {
 public:
  explicit rng_model(model_context& ctx) : ctx_(ctx) {}
  uint32_t read(uint32_t offset, uint64_t) override {
    if (offset != 0xB0) return ctx_.regs.read(rng_base + offset);
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  void write(uint32_t offset, uint32_t value, uint64_t) override {
    ctx_.regs.write(rng_base + offset, value);
  }

 private:
  model_context& ctx_;
  uint32_t state_ = 0x2545F491u;
};

}  // namespace esp_blink::emu
