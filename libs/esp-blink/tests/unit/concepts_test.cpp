// The HAL concepts: the chip's drivers model them (static_asserts in their headers), host
// mocks can, and near misses do not.
#include <esp_blink/gpio.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/systimer.hpp>
#include <esp_blink/uart.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;

struct pin_without_state {
  void set_high() {}
  void set_low() {}
};
static_assert(hal::output_pin<pin_without_state>);
static_assert(!hal::stateful_output_pin<pin_without_state>);
static_assert(!hal::input_pin<pin_without_state>);

struct int_returning_input {
  int is_high() const { return 1; }
  int is_low() const { return 0; }
};
static_assert(!hal::input_pin<int_returning_input>, "levels are bool, not int");

struct spi_mock {
  hal::error_kind write(const uint8_t*, size_t) { return hal::error_kind::ok; }
  hal::error_kind read(uint8_t*, size_t) { return hal::error_kind::ok; }
  hal::error_kind transfer(uint8_t*, const uint8_t*, size_t) { return hal::error_kind::ok; }
  hal::error_kind flush() { return hal::error_kind::ok; }
};
static_assert(hal::spi_bus<spi_mock>);
static_assert(!hal::i2c<spi_mock>);

static_assert(hal::delay_ns<systimer::delay>);
static_assert(hal::serial<uart::uart0>);
static_assert(hal::stateful_output_pin<gpio::output_pin<3>>);

TEST(concepts, error_kinds_have_descriptions) {
  EXPECT_STREQ(hal::describe(hal::error_kind::no_acknowledge_address),
               "no acknowledge of the address");
  EXPECT_STREQ(hal::describe(hal::error_kind::ok), "ok");
}

TEST(concepts, delay_ns_rounds_up_to_whole_ticks) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.ticks_per_read = 1;
  systimer::delay d;
  d.delay_ns(10'000);  // 160 ticks: long enough for the alarm
  uint64_t target = uint64_t{fake.peek(0x6002301C)} << 32 | fake.peek(0x60023020);
  const uint64_t latched = fake.peek(0x60023044);
  EXPECT_EQ(target - latched, 160u);
  d.delay_ns(4'010);  // 64.16 ticks -> 65, still an alarm
  target = uint64_t{fake.peek(0x6002301C)} << 32 | fake.peek(0x60023020);
  EXPECT_GE(fake.systimer_ticks, target);
}

TEST(concepts, short_delays_poll_the_counter_instead_of_arming_the_alarm) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.ticks_per_read = 1;
  systimer::delay d;
  const uint64_t before = fake.systimer_ticks;
  d.delay_ns(100);                            // 1.6 ticks -> 2
  EXPECT_EQ(fake.writes_to(0x60023050), 0u);  // COMP0_LOAD untouched
  EXPECT_GE(fake.systimer_ticks - before, 2u);
}

TEST(concepts, serial_write_and_read_move_bytes) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  uart::uart0 port;
  const uint8_t out[] = {'o', 'k'};
  EXPECT_EQ(port.write(out, 2), 2u);
  EXPECT_EQ(fake.uart0_tx, "ok");
  fake.uart0_rx = {'a', 'b', 'c'};
  uint8_t in[8] = {};
  EXPECT_EQ(port.read(in, 2), 2u);
  EXPECT_EQ(in[1], 'b');
  EXPECT_EQ(port.read(in, 8), 1u);  // only what is there
  EXPECT_EQ(in[0], 'c');
}

}  // namespace
