// The register and field templates, checked through the generated GPIO/UART/I2C headers.
#include <esp_blink/pac.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;
using gpio = pac::gpio;
using out_cfg8 = gpio::func_out_sel_cfg<8>;

class reg_test : public ::testing::Test {
 protected:
  test::register_file_fake fake_;
  mmio::host_bus_guard guard_{fake_};
};

TEST_F(reg_test, addresses_match_the_data_sheet) {
  static_assert(gpio::out_w1ts::address == 0x60004008);
  static_assert(gpio::enable_w1tc::address == 0x60004028);
  static_assert(gpio::pin<0>::address == 0x60004074);
  static_assert(gpio::func_out_sel_cfg<21>::address == 0x60004554 + 4 * 21);
  static_assert(pac::io_mux::gpio<8>::address == 0x60009004 + 4 * 8);
  static_assert(pac::uart0::clk_conf::address == 0x60000078);
  static_assert(pac::uart1::fifo::address == 0x60010000);  // derivedFrom UART0
  static_assert(pac::timg1::wdtwprotect::address == 0x60020064);
  SUCCEED();
}

TEST_F(reg_test, multi_field_write_is_one_store_over_the_reset_value) {
  out_cfg8::write(out_cfg8::out_sel::value<128>(), out_cfg8::oen_sel::value<1>());
  ASSERT_EQ(fake_.log.size(), 1u);
  EXPECT_TRUE(fake_.log[0].is_write);
  EXPECT_EQ(fake_.log[0].address, out_cfg8::address);
  EXPECT_EQ(fake_.log[0].value, 128u | (1u << 9));
}

TEST_F(reg_test, write_starts_from_the_reset_value) {
  using clkdiv = pac::uart0::clkdiv;  // reset 0x2B6
  clkdiv::write(clkdiv::frag::value<3>());
  EXPECT_EQ(fake_.peek(clkdiv::address), 0x2B6u | (3u << 20));
}

TEST_F(reg_test, modify_keeps_other_fields_with_one_load_and_one_store) {
  fake_.poke(out_cfg8::address, 0xFFFFFFFFu);
  out_cfg8::modify(out_cfg8::out_sel::value<5>());
  ASSERT_EQ(fake_.log.size(), 2u);
  EXPECT_FALSE(fake_.log[0].is_write);
  EXPECT_TRUE(fake_.log[1].is_write);
  EXPECT_EQ(fake_.peek(out_cfg8::address), 0xFFFFFF05u);
}

TEST_F(reg_test, dynamic_values_are_truncated_to_the_field) {
  out_cfg8::write(out_cfg8::out_sel::dynamic(0x1FF));
  EXPECT_EQ(fake_.peek(out_cfg8::address) & 0xFFu, 0xFFu);
  EXPECT_EQ(fake_.peek(out_cfg8::address) & 0x100u, 0u);  // INV_SEL untouched
}

TEST_F(reg_test, field_read_extracts_its_bits) {
  fake_.poke(pac::uart0::clk_conf::address, 3u << 20 | 0x55u);
  EXPECT_EQ(pac::uart0::clk_conf::sclk_sel::read(), 3u);
  EXPECT_EQ(pac::uart0::clk_conf::sclk_div_b::read(), 0x15u);
}

TEST_F(reg_test, patched_i2c_command_fields) {
  using comd = pac::i2c0::comd<3>;
  static_assert(comd::address == 0x60013000 + 0x58 + 3 * 4);
  static_assert(comd::op_code::offset == 11 && comd::op_code::width == 3);
  static_assert(static_cast<uint32_t>(comd::op_code::values::write) == 1 &&
                static_cast<uint32_t>(comd::op_code::values::rstart) == 6);
  static_assert(detail::is_same_v<comd::op_code::values, pac::i2c0_comd_op_code>);
  comd::write(comd::op_code::value<comd::op_code::values::read>(), comd::byte_num::value<32>(),
              comd::ack_val::value<1>());
  EXPECT_EQ(fake_.peek(comd::address), (3u << 11) | 32u | (1u << 10));
  EXPECT_EQ(comd::op_code::read(), pac::i2c0_comd_op_code::read);
}

TEST_F(reg_test, i2c_commands_indexed_at_run_time) {
  using comd = pac::i2c0::comd_array;
  using word = comd::element;
  static_assert(comd::size == 8 && comd::address(7) == pac::i2c0::comd<7>::address);
  // The packer: a command word from named fields, checked at compile time when constant.
  constexpr uint32_t write_two = word::pack(word::op_code::value<word::op_code::values::write>(),
                                            word::byte_num::value<2>(), word::ack_en::value<1>());
  static_assert(write_two == ((1u << 11) | (1u << 8) | 2u));
  for (unsigned i = 0; i < comd::size; ++i) {
    comd::write(i, word::op_code::dynamic(pac::i2c0_comd_op_code::stop),
                word::byte_num::dynamic(i));
  }
  for (unsigned i = 0; i < comd::size; ++i) {
    EXPECT_EQ(fake_.peek(0x60013058 + 4 * i), (2u << 11) | i);
    EXPECT_EQ(word::byte_num::extract(comd::read(i)), i);
  }
  comd::modify(3, word::done::value<1>());
  EXPECT_EQ(fake_.peek(0x60013058 + 4 * 3), (1u << 31) | (2u << 11) | 3u);
}

TEST_F(reg_test, fields_mask_covers_every_field) {
  static_assert(pac::i2c0::int_clr::fields_mask == 0x3FFFFu);  // 18 interrupts
  static_assert(gpio::func_out_sel_cfg<0>::fields_mask == 0x7FFu);
  SUCCEED();
}

TEST(reg_array_death, index_outside_the_array_panics) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  volatile unsigned eight = 8;  // a run-time index
  EXPECT_DEATH(pac::i2c0::comd_array::write_raw(eight, 0), "register array index out of range");
}

TEST_F(reg_test, patched_gpio_arrays_have_22_entries) {
  // func_out_sel_cfg<22> does not compile (see compile_fail.cpp case 10); 21 is the last.
  static_assert(gpio::func_out_sel_cfg<21>::address - gpio::func_out_sel_cfg<0>::address == 84);
  SUCCEED();
}

}  // namespace
