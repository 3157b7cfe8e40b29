// LEDC PWM and ADC1 on the host: the LEDC's divider choice, timer and channel register
// sequences and errors against the register-file fake; ADC one-shot reads against a fake
// SAR controller; the pwm_channel helpers on a mock.
#include <esp_blink/adc.hpp>
#include <esp_blink/ledc.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using namespace esp_blink;
using test::register_file_fake;

constexpr uint32_t perip_clk_en0 = 0x600C0010, perip_rst_en0 = 0x600C0018;
constexpr uint32_t ledc = 0x60019000, ledc_conf = ledc + 0xD0, timer0_conf = ledc + 0xA0,
                   timer1_conf = ledc + 0xA8, ch2_conf0 = ledc + 2 * 0x14, ch2_duty = ch2_conf0 + 8,
                   ch2_conf1 = ch2_conf0 + 0xC, ledc_int_clr = ledc + 0xCC;
constexpr uint32_t gpio_func5_out_sel = 0x60004554 + 4 * 5;

// --- the divider: frequency and resolution chosen together --------------------------------

static_assert(ledc::divider_for({1000, 10}).clk_div == 10000);  // 40 MHz / 1024 / 1 kHz = 39.06
static_assert(ledc::divider_for({5000, 13}).status == ledc::error::frequency_too_high);
static_assert(ledc::divider_for({4882, 13}).status == ledc::error::ok);
static_assert(ledc::divider_for({1, 10}).status == ledc::error::frequency_too_low);
static_assert(ledc::divider_for({1000, 0}).status == ledc::error::resolution_out_of_range);
static_assert(ledc::divider_for({1000, 15}).status == ledc::error::resolution_out_of_range);

TEST(ledc_divider, is_the_clock_over_frequency_and_resolution_in_256ths) {
  // 40 MHz / (2^8 * 25 kHz) = 6.25: 1600/256.
  EXPECT_EQ(ledc::divider_for({25000, 8}).clk_div, 1600u);
  // The extremes: divider 1.0 and the largest 18-bit value.
  EXPECT_EQ(ledc::divider_for({40'000'000 >> 14, 14}).clk_div, 256u);
  EXPECT_EQ(ledc::divider_for({0, 8}).status, ledc::error::frequency_too_low);
  EXPECT_EQ(ledc::divider_for({153, 8}).status, ledc::error::ok);                 // 1021.2
  EXPECT_EQ(ledc::divider_for({152, 8}).status, ledc::error::frequency_too_low);  // 1028.0
  EXPECT_STREQ(ledc::describe(ledc::error::frequency_too_high),
               "frequency too high for this resolution");
}

TEST(ledc_timer, configure_clocks_the_block_and_loads_the_period) {
  register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.poke(perip_rst_en0, 1u << 11);  // held in reset
  ledc::timer<0>::configure<1000, 10>();
  EXPECT_NE(fake.peek(perip_clk_en0) & (1u << 11), 0u);
  EXPECT_EQ(fake.peek(perip_rst_en0) & (1u << 11), 0u);
  EXPECT_EQ(fake.peek(ledc_conf), 3u | (1u << 31));  // XTAL_CLK, clock on
  const uint32_t conf = fake.peek(timer0_conf);
  EXPECT_EQ(conf & 0xFu, 10u);
  EXPECT_EQ((conf >> 4) & 0x3FFFFu, 10000u);
  EXPECT_EQ(conf & (1u << 23), 0u);  // counter released from reset
  // Reset while loading, then released with PARA_UP in the same store.
  std::vector<uint32_t> stores;
  for (const auto& a : fake.log) {
    if (a.is_write && a.address == timer0_conf) stores.push_back(a.value);
  }
  ASSERT_EQ(stores.size(), 2u);
  EXPECT_NE(stores[0] & (1u << 23), 0u);
  EXPECT_EQ(stores[1] & ((1u << 23) | (1u << 25)), 1u << 25);
  EXPECT_EQ(ledc::timer<0>::resolution_bits(), 10u);
}

TEST(ledc_timer, an_impossible_pair_at_run_time_is_an_error_and_changes_nothing) {
  register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  EXPECT_EQ(ledc::timer<1>::configure({5000, 14}), ledc::error::frequency_too_high);
  EXPECT_EQ(ledc::timer<1>::configure({1, 14}), ledc::error::frequency_too_low);
  EXPECT_EQ(ledc::timer<1>::configure({1000, 20}), ledc::error::resolution_out_of_range);
  EXPECT_TRUE(fake.log.empty());
  EXPECT_EQ(ledc::timer<1>::configure({5000, 12}), ledc::error::ok);
  EXPECT_EQ((fake.peek(timer1_conf) >> 4) & 0x3FFFFu, 500u);
}

struct ledc_channel_test : ::testing::Test {
  ledc_channel_test() { ledc::timer<1>::configure<1000, 10>(); }
  register_file_fake fake;
  mmio::host_bus_guard guard{fake};
  uint32_t conf1() const { return fake.peek(ch2_conf1); }
};

TEST_F(ledc_channel_test, starts_low_on_its_timer_and_routes_its_signal) {
  ledc::channel<2, 1, 5> pwm;
  EXPECT_EQ(fake.peek(ch2_conf0) & 3u, 1u);         // TIMER_SEL
  EXPECT_NE(fake.peek(ch2_conf0) & (1u << 2), 0u);  // SIG_OUT_EN
  EXPECT_EQ(fake.peek(ch2_duty), 0u);
  EXPECT_EQ(fake.peek(gpio_func5_out_sel) & 0xFFu, 47u);  // LEDC_LS_SIG_OUT2
  EXPECT_EQ(pwm.max_duty_cycle(), 1024u);
}

TEST_F(ledc_channel_test, a_duty_update_is_one_step_latched_by_para_up) {
  ledc::channel<2, 1, 5> pwm;
  fake.log.clear();
  EXPECT_EQ(pwm.set_duty_cycle(512), hal::error_kind::ok);
  EXPECT_EQ(fake.peek(ch2_duty), 512u << 4);                              // 4 fraction bits
  EXPECT_EQ(conf1(), (1u << 31) | (1u << 30) | (1u << 20) | (1u << 10));  // start, 1 step of 0
  ASSERT_FALSE(fake.log.empty());
  EXPECT_EQ(fake.log.back().address, ch2_conf0);  // PARA_UP last
  EXPECT_NE(fake.log.back().value & (1u << 4), 0u);
  EXPECT_EQ(hal::set_duty_cycle_fully_on(pwm), hal::error_kind::ok);
  EXPECT_EQ(fake.peek(ch2_duty), 1024u << 4);
}

TEST_F(ledc_channel_test, a_duty_above_the_maximum_is_refused_untouched) {
  ledc::channel<2, 1, 5> pwm;
  pwm.set_duty_cycle(100);
  fake.log.clear();
  EXPECT_EQ(pwm.set_duty_cycle(1025), hal::error_kind::other);
  EXPECT_EQ(pwm.fade_to(2000, 100), ledc::error::duty_out_of_range);
  for (const auto& a : fake.log) EXPECT_FALSE(a.is_write) << std::hex << a.address;
}

TEST_F(ledc_channel_test, fades_choose_steps_scale_and_periods_per_step) {
  ledc::channel<2, 1, 5> pwm;
  const auto fields = [&] {
    const uint32_t c = conf1();
    return std::vector<uint32_t>{(c >> 20) & 0x3FFu, (c >> 10) & 0x3FFu, c & 0x3FFu,
                                 (c >> 30) & 1u};  // num, cycle, scale, inc
  };
  EXPECT_EQ(pwm.fade_to(1000, 1000), ledc::error::ok);  // one count per period
  EXPECT_EQ(fields(), (std::vector<uint32_t>{1000, 1, 1, 1}));
  EXPECT_NE(fake.peek(ledc_int_clr) | fake.writes_to(ledc_int_clr), 0u);  // end bit cleared
  EXPECT_EQ(pwm.fade_to(1000, 100), ledc::error::ok);  // faster: 10 counts a step
  EXPECT_EQ(fields(), (std::vector<uint32_t>{100, 1, 10, 1}));
  EXPECT_EQ(pwm.fade_to(1000, 5000), ledc::error::ok);  // slower: 5 periods a step
  EXPECT_EQ(fields(), (std::vector<uint32_t>{1000, 5, 1, 1}));
  EXPECT_EQ(pwm.fade_to(10, 100000), ledc::error::fade_too_slow);
  // DUTY_R (the fake keeps it 0) is where a fade starts from; downwards clears DUTY_INC.
  fake.poke(ch2_conf0 + 0x10, 600u << 4);
  EXPECT_EQ(pwm.fade_to(100, 500), ledc::error::ok);
  EXPECT_EQ(fields(), (std::vector<uint32_t>{500, 1, 1, 0}));
  EXPECT_EQ(fake.peek(ch2_duty), 600u << 4);
}

struct pwm_mock {
  uint16_t max_duty_cycle() const { return 200; }
  hal::error_kind set_duty_cycle(uint16_t d) {
    if (d > 200) return hal::error_kind::other;
    duty = d;
    return hal::error_kind::ok;
  }
  uint16_t duty = 7;
};
static_assert(hal::pwm_channel<pwm_mock>);
static_assert(hal::pwm_channel<ledc::channel<5, 3, 4>>);
static_assert(!hal::pwm_channel<register_file_fake>);

TEST(pwm_channel, helpers_scale_the_maximum) {
  pwm_mock pwm;
  EXPECT_EQ(hal::set_duty_cycle_percent(pwm, 25), hal::error_kind::ok);
  EXPECT_EQ(pwm.duty, 50u);
  EXPECT_EQ(hal::set_duty_cycle_fraction(pwm, 1, 3), hal::error_kind::ok);
  EXPECT_EQ(pwm.duty, 66u);
  EXPECT_EQ(hal::set_duty_cycle_fully_on(pwm), hal::error_kind::ok);
  EXPECT_EQ(pwm.duty, 200u);
  EXPECT_EQ(hal::set_duty_cycle_fully_off(pwm), hal::error_kind::ok);
  EXPECT_EQ(pwm.duty, 0u);
  EXPECT_EQ(hal::set_duty_cycle_fraction(pwm, 2, 1), hal::error_kind::other);
  EXPECT_EQ(hal::set_duty_cycle_fraction(pwm, 0, 0), hal::error_kind::other);
  EXPECT_EQ(hal::set_duty_cycle_percent(pwm, 101), hal::error_kind::other);
  EXPECT_EQ(pwm.duty, 0u);
}

// --- ADC1 ------------------------------------------------------------------------------------

static_assert(adc::to_millivolts(0, adc::attenuation::db0) == 0);
static_assert(adc::to_millivolts(4095, adc::attenuation::db0) == 750);
static_assert(adc::to_millivolts(2048, adc::attenuation::db11) == 1250);
static_assert(adc::documented_error_mv(adc::attenuation::db6) == 10);
static_assert(hal::adc_channel<adc::adc1_channel<4, adc::attenuation::db0>>);

/// A SAR controller: ONETIME_START converts at once into `code`, unless `hung`.
class sar_fake final : public mmio::bus {
 public:
  uint32_t read(uint32_t address) override {
    if (address == int_raw) return done ? 1u << 31 : 0u;
    if (address == data) return code | (7u << 13);  // bits above the code: not data
    return regs.peek(address);
  }
  void write(uint32_t address, uint32_t value) override {
    stores.push_back({true, address, value});
    if (address == int_clr && (value & (1u << 31))) done = false;
    if (address == sample && (value & (1u << 29)) && !hung) done = true;
    if (address != int_clr) regs.poke(address, value);
  }
  static constexpr uint32_t base = 0x60040000, ctrl = base, sample = base + 0x20,
                            data = base + 0x2C, int_raw = base + 0x44, int_clr = base + 0x4C;
  register_file_fake regs;
  std::vector<test::access_record> stores;
  uint32_t code = 0;
  bool done = false, hung = false;
};

TEST(adc1, powers_up_the_sar_and_makes_the_pad_analog) {
  sar_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.regs.poke(0x60009004 + 4 * 3, (1u << 9) | (1u << 8));  // IO_MUX GPIO3: input, pull-up
  adc::adc1_channel<3, adc::attenuation::db6> input;
  EXPECT_NE(fake.regs.peek(perip_clk_en0) & (1u << 28), 0u);
  EXPECT_EQ((fake.regs.peek(sar_fake::ctrl) >> 27) & 3u, 3u);  // XPD_SAR_FORCE: on
  EXPECT_NE(fake.regs.peek(sar_fake::ctrl) & (1u << 6), 0u);
  EXPECT_EQ(fake.regs.peek(0x60009004 + 4 * 3) & 0x380u, 0u);  // no input buffer, no pulls
}

TEST(adc1, a_read_selects_channel_and_attenuation_then_starts_and_clears) {
  sar_fake fake;
  mmio::host_bus_guard guard(fake);
  adc::adc1_channel<3, adc::attenuation::db6> input;
  fake.stores.clear();
  fake.code = 2048;
  const adc::reading r = input.read();
  EXPECT_EQ(r.status, adc::error::ok);
  EXPECT_EQ(r.code, 2048u);
  EXPECT_EQ(r.millivolts, 650u);  // 2048 / 4095 * 1300 mV
  ASSERT_EQ(fake.stores.size(), 4u);
  const uint32_t select = (1u << 31) | (3u << 25) | (2u << 23);  // ADC1, channel 3, 6 dB
  EXPECT_EQ(fake.stores[0].value, select);
  EXPECT_EQ(fake.stores[1].value, select | (1u << 29));  // ONETIME_START
  EXPECT_EQ(fake.stores[2].value, select);
  EXPECT_EQ(fake.stores[3].address, sar_fake::int_clr);
  EXPECT_FALSE(fake.done);
  uint16_t mv = 0;
  EXPECT_EQ(input.read_millivolts(mv), hal::error_kind::ok);
  EXPECT_EQ(mv, 650u);
}

TEST(adc1, a_saturated_code_and_a_hung_converter_are_errors) {
  sar_fake fake;
  mmio::host_bus_guard guard(fake);
  adc::adc1_channel<0, adc::attenuation::db11> input;
  fake.code = 4095;
  const adc::reading top = input.read();
  EXPECT_EQ(top.status, adc::error::above_range);
  EXPECT_EQ(top.code, 4095u);
  uint16_t mv = 1;
  EXPECT_EQ(input.read_millivolts(mv), hal::error_kind::other);
  fake.hung = true;
  EXPECT_EQ(input.read().status, adc::error::timeout);
  EXPECT_EQ(input.read_millivolts(mv), hal::error_kind::timeout);
  EXPECT_EQ(fake.regs.peek(sar_fake::sample) & (1u << 29), 0u);  // START dropped after giving up
}

TEST(adc1, the_line_stays_within_the_documented_error_of_every_code) {
  // Half a code is the rounding; the documented error must cover it at every attenuation.
  for (auto a : {adc::attenuation::db0, adc::attenuation::db2_5, adc::attenuation::db6,
                 adc::attenuation::db11}) {
    for (uint32_t code = 0; code < 4095; ++code) {
      const double exact = code * adc::full_scale_mv(a) / 4095.0;
      EXPECT_LE(std::abs(adc::to_millivolts(static_cast<uint16_t>(code), a) - exact), 0.5 + 1e-9);
    }
    EXPECT_LT(adc::full_scale_mv(a) / 4095.0 / 2, adc::documented_error_mv(a));
  }
}

}  // namespace
