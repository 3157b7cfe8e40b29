// The SYSTIMER driver's register sequences (snapshot, read, alarms) against the register-file fake.
#include <esp_blink/systimer.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;
constexpr uint32_t base = 0x60023000;

class systimer_test : public ::testing::Test {
 protected:
  test::register_file_fake fake_;
  mmio::host_bus_guard guard_{fake_};
};

TEST_F(systimer_test, now_latches_then_reads_both_halves) {
  fake_.systimer_ticks = (uint64_t{0x12345} << 32) | 0x89ABCDEFu;
  fake_.ticks_per_read = 0;
  EXPECT_EQ(systimer::now(), (uint64_t{0x12345} << 32) | 0x89ABCDEFu);
  EXPECT_EQ(fake_.writes_to(base + 0x04), 1u);
}

TEST_F(systimer_test, delay_arms_alarm_zero_at_now_plus_ticks_and_waits_for_it) {
  fake_.systimer_ticks = 5000;
  fake_.ticks_per_read = 100;
  systimer::delay_us(250);
  const uint64_t target = uint64_t{fake_.peek(base + 0x1C)} << 32 | fake_.peek(base + 0x20);
  // now() saw 5000 plus a few reads' worth of ticks; the target is that plus 250 us * 16.
  EXPECT_GE(target, 5000u + 250u * 16u);
  EXPECT_LE(target, 5000u + 250u * 16u + 5 * 100u);
  EXPECT_GE(fake_.systimer_ticks, target);       // returned only after the alarm fired
  EXPECT_EQ((fake_.peek(base) >> 24) & 1u, 1u);  // TARGET0_WORK_EN
  EXPECT_EQ(fake_.peek(base + 0x34), 0u);        // one-shot on unit 0
}

TEST_F(systimer_test, delay_clears_a_stale_alarm_before_waiting) {
  fake_.poke(base + 0x68, 1);  // raw bit left from an earlier delay
  fake_.ticks_per_read = 1000;
  systimer::delay_ms(1);
  EXPECT_GE(fake_.reads_from(base + 0x68), 2u) << "a stale raw bit ended the wait at once";
}

}  // namespace
