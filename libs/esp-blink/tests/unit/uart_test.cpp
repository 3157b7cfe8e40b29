// The UART driver's register sequences (configuration, FIFO writes and reads) against the fake.
#include <esp_blink/uart.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;

class uart_test : public ::testing::Test {
 protected:
  test::register_file_fake fake_;
  mmio::host_bus_guard guard_{fake_};
  uart::uart0 serial_;
};

TEST(uart_divider, baud_from_the_40_mhz_clock) {
  constexpr auto d = uart::divider_for(40'000'000, 115200);
  static_assert(d.integer == 347 && d.fraction == 4);  // 347.22 -> 347 + 4/16
  constexpr auto fast = uart::divider_for(40'000'000, 1'000'000);
  static_assert(fast.integer == 40 && fast.fraction == 0);
  // The actual rate is within 0.1% of the request.
  const double actual = 40e6 * 16 / (d.integer * 16 + d.fraction);
  EXPECT_NEAR(actual, 115200.0, 115.2);
}

TEST_F(uart_test, init_programs_clock_and_divider_then_latches) {
  serial_.init(115200);
  const uint32_t clk_conf = fake_.peek(0x60000078);
  EXPECT_EQ((clk_conf >> 20) & 3u, 3u);  // XTAL
  EXPECT_EQ((clk_conf >> 12) & 0xFFu, 0u);
  EXPECT_EQ((clk_conf >> 22) & 0xFu, 0b1101u);  // SCLK_EN, core not in reset, TX/RX clocks
  const uint32_t clkdiv = fake_.peek(0x60000014);
  EXPECT_EQ(clkdiv & 0xFFFu, 347u);
  EXPECT_EQ((clkdiv >> 20) & 0xFu, 4u);
  EXPECT_EQ(fake_.writes_to(0x60000080), 1u);   // REG_UPDATE
  EXPECT_EQ(fake_.peek(0x60000080) >> 31, 0u);  // and it cleared
}

TEST_F(uart_test, write_and_print_reach_the_fifo_in_order) {
  serial_.write("ab");
  print(serial_, ' ', 42, " ", -7, " ", hex{0xBEEF}, "\n");
  EXPECT_EQ(fake_.uart0_tx, "ab 42 -7 0x0000beef\n");
}

TEST_F(uart_test, read_returns_received_bytes) {
  fake_.uart0_rx = {'o', 'k'};
  EXPECT_EQ(serial_.read_byte(), 'o');
  uint8_t b = 0;
  EXPECT_TRUE(serial_.try_read_byte(b));
  EXPECT_EQ(b, 'k');
  EXPECT_FALSE(serial_.try_read_byte(b));
}

}  // namespace
