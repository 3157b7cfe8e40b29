// RMT model, TX channel 0: on TX_START the items in the channel RAM become edges on the pins
// routed to its matrix signal, laid out in virtual time; TX_END rises once they are all out.
// Polling TX_END twice in a row asks the machine to skip to it.
#pragma once

#include "gpio_model.hpp"
#include "peripheral_model.hpp"

#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t rmt_base = 0x60016000;

class rmt_model final : public peripheral_model {
 public:
  rmt_model(model_context& ctx, gpio_model& gpio) : ctx_(ctx), gpio_(gpio) {}

  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  uint32_t transmissions() const { return transmissions_; }

 private:
  void start(uint32_t conf0, uint64_t now);

  model_context& ctx_;
  gpio_model& gpio_;
  uint64_t tx_end_cycle_ = 0;
  uint32_t transmissions_ = 0;
  bool tx_busy_ = false;
  bool tx_end_raw_ = false;
};

}  // namespace esp_blink::emu
