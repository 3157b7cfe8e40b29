// The WS2812 encoding as it lands in the RMT channel RAM, against the register-file fake.
#include <esp_blink/ws2812.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;
constexpr uint32_t ram = 0x60016400, conf0 = 0x60016010, int_raw = 0x60016038;

struct half {
  bool level;
  uint32_t ticks;
};

half first(uint32_t item) {
  return {(item & 0x8000u) != 0, item & 0x7FFFu};
}
half second(uint32_t item) {
  return {(item >> 31) != 0, (item >> 16) & 0x7FFFu};
}

TEST(ws2812, bits_are_items_with_datasheet_timing_in_grb_order) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.poke(int_raw, 1);  // the fake's channel "finishes" at once
  ws2812<8> led;
  led.write({{0xA5, 0x0F, 0x81}});             // r, g, b
  const uint8_t wire[3] = {0x0F, 0xA5, 0x81};  // g, r, b
  constexpr double tick_ns = 12.5;
  for (unsigned i = 0; i < 24; ++i) {
    const uint32_t item = fake.peek(ram + 4 * i);
    const bool one = ((uint32_t{wire[i / 8]} >> (7 - i % 8)) & 1u) != 0;
    const half h = first(item), l = second(item);
    EXPECT_TRUE(h.level);
    EXPECT_FALSE(l.level);
    EXPECT_NEAR(h.ticks * tick_ns, one ? 800 : 400, 150) << "bit " << i;
    EXPECT_NEAR(l.ticks * tick_ns, one ? 450 : 850, 150) << "bit " << i;
  }
  const uint32_t latch = fake.peek(ram + 4 * 24);
  EXPECT_FALSE(first(latch).level);
  EXPECT_GE(first(latch).ticks * tick_ns, 280'000);
  EXPECT_EQ(second(latch).ticks, 0u);  // end marker
  // Routed through the matrix (signal 51), clocked from APB, RAM in direct mode.
  EXPECT_EQ(fake.peek(0x60004554 + 4 * 8) & 0xFFu, 51u);
  EXPECT_EQ(fake.peek(0x60016068) & 1u, 1u);
  EXPECT_EQ((fake.peek(0x60016068) >> 24) & 3u, 1u);
  EXPECT_EQ((fake.peek(conf0) >> 8) & 0xFFu, 1u);  // channel divider 1: 12.5 ns ticks
  EXPECT_GE(fake.writes_to(conf0), 3u);            // configure, reset read pointer, start
  EXPECT_EQ(fake.log.back().address, int_raw);     // and it waited for TX_END last
}

TEST(ws2812, a_chain_of_three_uses_two_ram_blocks) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  fake.poke(int_raw, 1);
  ws2812<8, 3> chain;
  chain.write({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
  EXPECT_EQ((fake.peek(conf0) >> 16) & 7u, 2u);  // MEM_SIZE: 73 items need 2 blocks of 48
  EXPECT_EQ(second(fake.peek(ram + 4 * 72)).ticks, 0u);
}

}  // namespace
