// SPI2 controller model: runs a chunk when the firmware sets CMD.USR, at once (like the I2C
// model, no bus timing): MS_DLEN's bits go out of W0-W15 to the attached device, which answers
// one byte per byte; the answer lands in W0-W15 when USER.USR_MISO is set. CMD.UPDATE and
// CMD.USR clear themselves. The device is selected by the controller's CS0 (MISC.CS0_DIS clear),
// which is how the firmware examples wire it.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>
#include <functional>

namespace esp_blink::emu {

inline constexpr uint32_t spi2_base = 0x60024000;

/// A device on the emulated SPI bus: one byte out, one byte back.
class spi_device {
 public:
  virtual ~spi_device() = default;
  virtual uint8_t exchange(uint8_t out) = 0;
};

class spi2_model final : public peripheral_model {
 public:
  explicit spi2_model(model_context& ctx) : ctx_(ctx) {}
  uint32_t read(uint32_t offset, uint64_t) override { return ctx_.regs.read(spi2_base + offset); }
  void write(uint32_t offset, uint32_t value, uint64_t) override;

  void attach(spi_device* device) { device_ = device; }
  uint64_t bytes_transferred() const { return bytes_; }

 private:
  void run_chunk();

  model_context& ctx_;
  spi_device* device_ = nullptr;
  uint64_t bytes_ = 0;
};

}  // namespace esp_blink::emu
