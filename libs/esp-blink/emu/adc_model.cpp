// APB_SARADC registers: ESP32-C3 SVD (APB_SARADC).
#include "adc_model.hpp"

#include <cmath>
#include <string>

namespace esp_blink::emu {
namespace {

constexpr uint32_t onetime_sample = 0x20, sar1data_status = 0x2C, int_raw = 0x44, int_st = 0x48,
                   int_ena = 0x40, int_clr = 0x4C;
constexpr uint32_t adc1_done = bit(31), onetime_start = bit(29), adc1_onetime = bit(31);
constexpr unsigned clock_gate = 28;  // SYSTEM PERIP_CLK_EN0.APB_SARADC_CLK_EN

}  // namespace

uint32_t adc_model::code_for(double volts, unsigned atten) {
  constexpr double full_scale_mv[] = {750.0, 1050.0, 1300.0, 2500.0};
  const double code = std::round(volts * 1000.0 / full_scale_mv[atten & 3u] * 4095.0);
  if (code <= 0.0) return 0;
  return code >= 4095.0 ? 4095u : static_cast<uint32_t>(code);
}

uint32_t adc_model::read(uint32_t offset, uint64_t) {
  if (offset == int_raw) return done_ ? adc1_done : 0u;
  if (offset == int_st) return done_ ? adc1_done & ctx_.regs.peek(apb_saradc_base + int_ena) : 0u;
  if (offset == sar1data_status) return data_;
  return ctx_.regs.read(apb_saradc_base + offset);
}

void adc_model::write(uint32_t offset, uint32_t value, uint64_t) {
  if (offset == int_clr) {
    if (value & adc1_done) done_ = false;
    return;
  }
  const uint32_t before = ctx_.regs.peek(apb_saradc_base + offset);
  ctx_.regs.write(apb_saradc_base + offset, value);
  if (offset != onetime_sample || (value & onetime_start) == 0 || (before & onetime_start) != 0) {
    return;
  }
  if ((value & adc1_onetime) == 0) {
    ctx_.report("ADC2 one-shot conversion is not modelled (the C3's ADC2 is not usable)");
    return;
  }
  if (!ctx_.clocked(clock_gate)) {
    ctx_.report("ADC conversion ignored: APB_SARADC clock gated or held in reset");
    return;
  }
  const unsigned channel = (value >> 25) & 0xFu, atten = (value >> 23) & 3u;
  if (channel >= adc1_channels) {
    ctx_.report("ADC1 has channels 0..4, conversion of channel " + std::to_string(channel));
    return;
  }
  data_ = code_for(volts_[channel], atten);
  done_ = true;
  ++conversions_;
}

}  // namespace esp_blink::emu
