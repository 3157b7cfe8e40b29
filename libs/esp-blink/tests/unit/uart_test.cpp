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

namespace {

using namespace esp_blink;

constexpr uint32_t uart1 = 0x60010000;
constexpr uint32_t conf0_offset = 0x20;

TEST_F(uart_test, frame_format_parity_stop_and_data_bits) {
  ASSERT_TRUE(serial_.init({.baud = 9600,
                            .data = uart::data_bits::seven,
                            .parity_mode = uart::parity::even,
                            .stop = uart::stop_bits::two}));
  uint32_t conf0 = fake_.peek(0x60000000 + conf0_offset);
  EXPECT_EQ(conf0 & 1u, 0u);         // PARITY: even
  EXPECT_EQ((conf0 >> 1) & 1u, 1u);  // PARITY_EN
  EXPECT_EQ((conf0 >> 2) & 3u, 2u);  // BIT_NUM: 7 bits
  EXPECT_EQ((conf0 >> 4) & 3u, 3u);  // STOP_BIT_NUM: 2
  // 40 MHz / 9600 = 4166.7 needs more than 12 bits: the clock is halved first, 2083 + 5/16.
  EXPECT_EQ((fake_.peek(0x60000078) >> 12) & 0xFFu, 1u);  // SCLK_DIV_NUM
  EXPECT_EQ(fake_.peek(0x60000014) & 0xFFFu, 2083u);
  EXPECT_EQ((fake_.peek(0x60000014) >> 20) & 0xFu, 5u);
  ASSERT_TRUE(serial_.init(
      {.baud = 115200, .parity_mode = uart::parity::odd, .stop = uart::stop_bits::one_and_half}));
  conf0 = fake_.peek(0x60000000 + conf0_offset);
  EXPECT_EQ(conf0 & 3u, 3u);         // odd, enabled
  EXPECT_EQ((conf0 >> 2) & 3u, 3u);  // 8 bits
  EXPECT_EQ((conf0 >> 4) & 3u, 2u);  // 1.5
  ASSERT_TRUE(serial_.init(115200));
  conf0 = fake_.peek(0x60000000 + conf0_offset);
  EXPECT_EQ(conf0 & 0x3Fu, 0b011100u);  // 8N1 again
}

TEST_F(uart_test, a_baud_rate_without_a_divider_is_refused_and_changes_nothing) {
  EXPECT_FALSE(serial_.init(0));
  EXPECT_FALSE(serial_.init(38));         // needs a prescale above 256
  EXPECT_FALSE(serial_.init(6'000'000));  // above 40 MHz / 8
  EXPECT_TRUE(fake_.log.empty());
  EXPECT_TRUE(uart::baud_reachable(39));
  EXPECT_EQ(uart::baud_setting_for(115200).prescale, 1u);  // UART0's usual rate: undivided
  EXPECT_TRUE(uart::baud_reachable(5'000'000));
}

TEST(uart1, init_opens_its_clock_and_routes_through_the_gpio_matrix) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.poke(0x600C0018, 1u << 5);  // UART1 held in reset
  fake.poke(0x600C0010, 0);        // every gate closed
  uart::uart1 link;
  link.route_pins<4, 5>();
  ASSERT_TRUE(link.init({.baud = 57600, .parity_mode = uart::parity::even}));
  EXPECT_NE(fake.peek(0x600C0010) & (1u << 5), 0u);   // UART1 clock
  EXPECT_NE(fake.peek(0x600C0010) & (1u << 24), 0u);  // UART memory clock
  EXPECT_EQ(fake.peek(0x600C0018) & (1u << 5), 0u);   // out of reset
  EXPECT_EQ(fake.peek(uart1 + 0x80) >> 31, 0u);       // REG_UPDATE cleared itself
  EXPECT_EQ(fake.peek(uart1 + conf0_offset) & 3u, 2u);
  EXPECT_EQ(fake.peek(0x60004554 + 4 * 4) & 0xFFu, 9u);   // GPIO4 out <- U1TXD
  const uint32_t in_sel = fake.peek(0x60004154 + 4 * 9);  // U1RXD in
  EXPECT_EQ(in_sel & 0x1Fu, 5u);
  EXPECT_NE(in_sel & (1u << 6), 0u);  // through the matrix
  const uint32_t pad = fake.peek(0x60009004 + 4 * 5);
  EXPECT_NE(pad & (1u << 9), 0u);             // FUN_IE
  EXPECT_NE(pad & (1u << 8), 0u);             // pull-up
  EXPECT_EQ(fake.writes_to(0x60000078), 0u);  // UART0 untouched
}

TEST(uart1, receives_what_its_fifo_holds) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  uart::uart1 link;
  uint8_t byte = 0;
  EXPECT_FALSE(link.try_read_byte(byte));
  fake.poke(uart1 + 0x1C, 1);  // STATUS.RXFIFO_CNT
  fake.poke(uart1, 'z');
  EXPECT_TRUE(link.try_read_byte(byte));
  EXPECT_EQ(byte, 'z');
}

}  // namespace
