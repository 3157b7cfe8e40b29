// APB_SARADC model, ADC1 one-shot conversions: raising ONETIME_START with SARADC1_ONETIME_SAMPLE
// set converts the voltage given for ONETIME_CHANNEL at ONETIME_ATTEN at once: SAR1DATA_STATUS
// gets the code and INT_RAW.ADC1_DONE rises (INT_CLR clears it). The chip modelled is the
// nominal one: the code is the input over the top of the attenuation's range (750, 1050, 1300,
// 2500 mV for 0, 2.5, 6, 11 dB, ESP32-C3 datasheet) times 4095, rounded, 4095 at and above the
// top. Pin voltages come from `--adc CHANNEL=VOLTS`; a channel given none reads 0 V.
#pragma once

#include "peripheral_model.hpp"

#include <array>
#include <cstdint>

namespace esp_blink::emu {

inline constexpr uint32_t apb_saradc_base = 0x60040000;
inline constexpr unsigned adc1_channels = 5;  // GPIO0..GPIO4

class adc_model final : public peripheral_model {
 public:
  explicit adc_model(model_context& ctx) : ctx_(ctx) {}
  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  void set_voltage(unsigned channel, double volts) { volts_[channel] = volts; }
  /// The code a conversion of `volts` at attenuation `atten` (0..3) gives.
  static uint32_t code_for(double volts, unsigned atten);
  uint64_t conversions() const { return conversions_; }

 private:
  model_context& ctx_;
  std::array<double, adc1_channels> volts_{};
  uint32_t data_ = 0;
  bool done_ = false;
  uint64_t conversions_ = 0;
};

}  // namespace esp_blink::emu
