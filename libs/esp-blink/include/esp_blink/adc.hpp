// ADC1 one-shot reads: channels 0..4 on GPIO0..GPIO4, 12-bit codes, four input attenuations,
// and the conversion of a code to millivolts.
//
// Where the numbers come from (ESP32-C3 datasheet, "ADC characteristics" and "ADC calibration
// results"): after calibration the measurable ranges and total errors are
//   attenuation  range          error
//   0 dB         0 - 750 mV     +-10 mV
//   2.5 dB       0 - 1050 mV    +-10 mV
//   6 dB         0 - 1300 mV    +-10 mV
//   11 dB        0 - 2500 mV    +-35 mV
// The curve used here is the line through code 0 at 0 mV and code 4095 at the top of the
// range; a code of 4095 means the input is at or above the top and is reported as
// `error::above_range`, not as a voltage. That error is the documented one only for a chip
// whose line is the nominal one: the per-chip correction ESP-IDF reads from eFuse is not
// applied yet (see docs/esp-blink.md). The emulator models the nominal chip.
//
// Sequence (TRM, "On-Chip Sensors and Analog Signal Processing", DIG ADC one-shot): clock
// gate, power the SAR (XPD_SAR_FORCE = 3), pick ADC1, channel and attenuation in
// ONETIME_SAMPLE, raise ONETIME_START, wait for ADC1_DONE in INT_RAW, read SAR1DATA_STATUS.
//
//   esp_blink::adc::adc1_channel<2, esp_blink::adc::attenuation::db11> battery;
//   const esp_blink::adc::reading r = battery.read();   // r.millivolts, r.status
#pragma once

#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/apb_saradc.hpp>
#include <esp_blink/pac/io_mux.hpp>
#include <esp_blink/pac/system.hpp>

#include <stdint.h>

namespace esp_blink::adc {

/// The input attenuation; its value is the ONETIME_ATTEN field.
enum class attenuation : uint8_t { db0 = 0, db2_5 = 1, db6 = 2, db11 = 3 };

inline constexpr uint16_t max_code = 4095;  ///< 12 bits

/// The top of the measurable range, in mV, for `a` (datasheet, table above).
constexpr uint16_t full_scale_mv(attenuation a) {
  constexpr uint16_t top[] = {750, 1050, 1300, 2500};
  return top[static_cast<unsigned>(a)];
}

/// The datasheet's total error after calibration, in mV, for `a`.
constexpr uint16_t documented_error_mv(attenuation a) {
  return a == attenuation::db11 ? 35 : 10;
}

/// A code to millivolts on the nominal line (rounded to the nearest mV).
constexpr uint16_t to_millivolts(uint16_t code, attenuation a) {
  return static_cast<uint16_t>((uint32_t{code} * full_scale_mv(a) + max_code / 2) / max_code);
}

/// Why a read has no voltage. `ok` is success.
enum class error : uint8_t {
  ok,
  above_range,  ///< the code is 4095: the input is at or above the attenuation's range
  timeout,      ///< the conversion did not finish
};

/// One conversion: the raw code and, when `status` is ok, the voltage.
struct reading {
  error status;         ///< ok, or why there is no voltage
  uint16_t code;        ///< the raw 12-bit conversion result
  uint16_t millivolts;  ///< the calibrated voltage (valid when `status` is ok)
};

/// ADC1 channel Channel (GPIO Channel) at attenuation Atten.
template <unsigned Channel, attenuation Atten = attenuation::db11>
class adc1_channel {
  static_assert(Channel <= 4, "esp_blink::adc: ADC1 has channels 0..4 (GPIO0..GPIO4)");
  using regs = pac::apb_saradc;
  using sample = regs::onetime_sample;
  static constexpr uint32_t done_polls = 100000;  // a conversion takes a few microseconds

 public:
  /// Clocks and powers the SAR ADC and makes the pad analog (no input buffer, no pulls).
  adc1_channel() {
    using sys = pac::system;
    sys::perip_clk_en0::modify(sys::perip_clk_en0::apb_saradc_clk_en::value<1>());
    sys::perip_rst_en0::modify(sys::perip_rst_en0::apb_saradc_rst::value<0>());
    regs::clkm_conf::modify(regs::clkm_conf::clk_en::value<1>());
    regs::ctrl::modify(regs::ctrl::saradc_sar_clk_gated::value<1>(),
                       regs::ctrl::saradc_xpd_sar_force::value<3>());
    using pad = pac::io_mux::gpio<Channel>;
    pad::modify(pad::fun_ie::template value<0>(), pad::fun_wpu::template value<0>(),
                pad::fun_wpd::template value<0>());
  }

  /// One conversion.
  reading read() {
    sample::write(sample::saradc1_onetime_sample::value<1>(),
                  sample::saradc_onetime_channel::value<Channel>(),
                  sample::saradc_onetime_atten::value<static_cast<uint32_t>(Atten)>());
    sample::modify(sample::saradc_onetime_start::value<1>());
    uint32_t polls = 0;
    while (regs::int_raw::apb_saradc1_done_int_raw::read() == 0) {
      if (++polls == done_polls) {
        sample::modify(sample::saradc_onetime_start::value<0>());
        return {error::timeout, 0, 0};
      }
    }
    const auto code = static_cast<uint16_t>(regs::sar1data_status::read() & max_code);
    sample::modify(sample::saradc_onetime_start::value<0>());
    regs::int_clr::write(regs::int_clr::apb_saradc1_done_int_clr::value<1>());
    if (code >= max_code) return {error::above_range, code, 0};
    return {error::ok, code, to_millivolts(code, Atten)};
  }

  /// The voltage in `mv` (the hal::adc_channel contract); a read without one is `other`
  /// (above the range) or `timeout`.
  hal::error_kind read_millivolts(uint16_t& mv) {
    const reading r = read();
    mv = r.millivolts;
    if (r.status == error::ok) return hal::error_kind::ok;
    return r.status == error::timeout ? hal::error_kind::timeout : hal::error_kind::other;
  }
};

static_assert(hal::adc_channel<adc1_channel<0>>);

}  // namespace esp_blink::adc
