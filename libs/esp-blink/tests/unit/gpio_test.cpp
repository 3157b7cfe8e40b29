// GPIO pins and the signal-matrix connections against the register-file fake.
#include <esp_blink/gpio.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace esp_blink;
constexpr uint32_t out = 0x60004004, w1ts = 0x60004008, w1tc = 0x6000400C, enable = 0x60004020;
constexpr uint32_t in = 0x6000403C;

class gpio_test : public ::testing::Test {
 protected:
  test::register_file_fake fake_;
  mmio::host_bus_guard guard_{fake_};
};

TEST_F(gpio_test, output_pin_routes_the_pad_to_gpio_out_and_enables_it) {
  gpio::output_pin<8> led(false, gpio::drive::ma40);
  EXPECT_EQ(fake_.peek(0x60004554 + 4 * 8) & 0x2FFu, 128u | (1u << 9));  // OUT_SEL, OEN_SEL
  const uint32_t pad = fake_.peek(0x60009004 + 4 * 8);
  EXPECT_EQ((pad >> 12) & 7u, 1u);  // MCU_SEL = GPIO
  EXPECT_EQ((pad >> 9) & 1u, 0u);   // input disabled
  EXPECT_EQ((pad >> 10) & 3u, 3u);  // 40 mA
  EXPECT_EQ(fake_.peek(enable), 1u << 8);
  EXPECT_EQ(fake_.peek(out) & (1u << 8), 0u);
}

TEST_F(gpio_test, set_and_clear_leave_other_pins_alone) {
  fake_.poke(out, 1u << 3);
  gpio::output_pin<8> led;
  led.set_high();
  EXPECT_EQ(fake_.peek(out), (1u << 3) | (1u << 8));
  led.set_low();
  EXPECT_EQ(fake_.peek(out), 1u << 3);
}

TEST_F(gpio_test, toggle_is_one_store_and_no_load) {
  gpio::output_pin<5> pin;
  fake_.log.clear();
  pin.toggle();
  ASSERT_EQ(fake_.log.size(), 1u);
  EXPECT_TRUE(fake_.log[0].is_write);
  EXPECT_EQ(fake_.log[0].address, w1ts);
  EXPECT_EQ(fake_.log[0].value, 1u << 5);
  pin.toggle();
  ASSERT_EQ(fake_.log.size(), 2u);
  EXPECT_EQ(fake_.log[1].address, w1tc);
  EXPECT_FALSE(pin.is_set_high());
}

TEST_F(gpio_test, initially_high_pin_is_high_before_it_drives) {
  gpio::output_pin<2> pin(true);
  EXPECT_TRUE(pin.is_set_high());
  EXPECT_EQ(fake_.peek(out), 1u << 2);
  // The level is set before the output is enabled, so the pin never glitches low.
  size_t set_at = 0, enable_at = 0;
  for (size_t i = 0; i < fake_.log.size(); ++i) {
    if (fake_.log[i].address == w1ts) set_at = i;
    if (fake_.log[i].address == 0x60004024) enable_at = i;
  }
  EXPECT_LT(set_at, enable_at);
}

TEST_F(gpio_test, input_pin_with_pull_up_reads_gpio_in) {
  fake_.poke(enable, 1u << 4);
  gpio::input_pin<4> button(gpio::pull::up);
  EXPECT_EQ(fake_.peek(enable) & (1u << 4), 0u);  // output driver off
  const uint32_t pad = fake_.peek(0x60009004 + 4 * 4);
  EXPECT_EQ((pad >> 8) & 1u, 1u);  // FUN_WPU
  EXPECT_EQ((pad >> 7) & 1u, 0u);  // FUN_WPD
  EXPECT_EQ((pad >> 9) & 1u, 1u);  // FUN_IE
  fake_.poke(in, 1u << 4);
  EXPECT_TRUE(button.is_high());
  fake_.poke(in, ~(1u << 4));
  EXPECT_TRUE(button.is_low());
}

TEST_F(gpio_test, connect_output_routes_the_signal_sets_the_pad_and_enables_the_driver_last) {
  gpio::connect_output<6, 53>(
      {.pull_resistor = gpio::pull::up, .input_enable = true, .open_drain = true});
  std::vector<test::access_record> writes;
  for (const auto& a : fake_.log) {
    if (a.is_write) writes.push_back(a);
  }
  ASSERT_EQ(writes.size(), 4u);
  EXPECT_EQ(writes[0].address, 0x60004074u + 4 * 6);  // PIN6: PAD_DRIVER, open drain
  EXPECT_EQ(writes[0].value, 1u << 2);
  EXPECT_EQ(writes[1].address, 0x60004554u + 4 * 6);  // FUNC6_OUT_SEL_CFG: signal 53, OEN_SEL
  EXPECT_EQ(writes[1].value, 53u | (1u << 9));
  EXPECT_EQ(writes[2].address, 0x60009004u + 4 * 6);  // IO_MUX GPIO6: matrix, IE, WPU, 20 mA
  EXPECT_EQ(writes[2].value & 0x7F80u, (1u << 12) | (2u << 10) | (1u << 9) | (1u << 8));
  EXPECT_EQ(writes[3].address, 0x60004024u);  // ENABLE_W1TS
  EXPECT_EQ(writes[3].value, 1u << 6);
}

TEST_F(gpio_test, connect_input_feeds_the_signal_from_the_pin_through_the_matrix) {
  gpio::connect_input<5, 54>();
  ASSERT_EQ(fake_.log.size(), 1u);                        // one store, no load
  EXPECT_EQ(fake_.log[0].address, 0x60004154u + 4 * 54);  // FUNC54_IN_SEL_CFG
  EXPECT_EQ(fake_.log[0].value, 5u | (1u << 6));          // IN_SEL = GPIO5, SEL
}

TEST_F(gpio_test, unlocked_flash_pin_is_usable) {
  gpio::output_pin<13, gpio::unlock::flash> pin;
  pin.set_high();
  EXPECT_EQ(fake_.peek(out), 1u << 13);
}

}  // namespace
