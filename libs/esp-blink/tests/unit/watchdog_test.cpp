// Disabling and feeding the watchdogs: write-protect keys and configuration stores, in order.
#include <esp_blink/watchdog.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;
constexpr uint32_t rtc_config0 = 0x60008090, rtc_wprotect = 0x600080A8;
constexpr uint32_t swd_conf = 0x600080AC, swd_wprotect = 0x600080B0;
constexpr uint32_t timg0_config0 = 0x6001F048, timg0_wprotect = 0x6001F064;
constexpr uint32_t timg1_config0 = 0x60020048, timg1_wprotect = 0x60020064;

class watchdog_test : public ::testing::Test {
 protected:
  test::register_file_fake fake_;
  mmio::host_bus_guard guard_{fake_};
};

TEST_F(watchdog_test, fake_drops_writes_without_the_key) {
  mmio::write(rtc_config0, 0);
  mmio::write(timg0_config0, 0);
  mmio::write(swd_conf, 1u << 31);
  EXPECT_EQ(fake_.dropped_writes, 3u);
  EXPECT_EQ(fake_.peek(rtc_config0), 0x00013214u);
}

TEST_F(watchdog_test, disable_all_stops_every_watchdog_and_relocks) {
  watchdog::disable_all();
  EXPECT_EQ(fake_.dropped_writes, 0u);
  EXPECT_EQ(fake_.peek(rtc_config0), 0u);     // WDT_EN and FLASHBOOT_MOD_EN clear
  EXPECT_EQ(fake_.peek(swd_conf) >> 31, 1u);  // auto-feed
  for (uint32_t cfg : {timg0_config0, timg1_config0}) {
    EXPECT_EQ(fake_.peek(cfg) >> 31, 0u);
    EXPECT_EQ((fake_.peek(cfg) >> 14) & 1u, 0u);
    EXPECT_EQ((fake_.peek(cfg) >> 22) & 1u, 1u);  // CONF_UPDATE_EN written
  }
  for (uint32_t key : {rtc_wprotect, swd_wprotect, timg0_wprotect, timg1_wprotect}) {
    EXPECT_EQ(fake_.peek(key), 0u) << std::hex << key;
  }
}

TEST_F(watchdog_test, timer_group_config_is_one_store) {
  watchdog::disable_timer_group<pac::timg0>();
  EXPECT_EQ(fake_.writes_to(timg0_config0), 1u);
  EXPECT_EQ(fake_.writes_to(timg0_wprotect), 2u);  // key, then relock
}

}  // namespace

namespace {

using namespace esp_blink;
constexpr uint32_t timg0_config1 = 0x6001F04C, timg0_config2 = 0x6001F050,
                   timg0_config3 = 0x6001F054, timg0_feed = 0x6001F060;
constexpr uint32_t timg1_feed = 0x60020060;
constexpr uint32_t rtc_config1 = 0x60008094, rtc_config2 = 0x60008098, rtc_feed = 0x600080A4;
constexpr uint32_t reset_state = 0x60008038;

using watchdog_config_test = watchdog_test;  // the same fake, for the configuration tests

constexpr watchdog::config interrupt_then_reset{
    {{watchdog::action::interrupt, 100}, {watchdog::action::reset_core, 50}}};

TEST_F(watchdog_config_test, timer_group_gets_stages_prescale_and_is_fed_and_relocked) {
  ASSERT_EQ(watchdog::configure_timer_group<pac::timg0>(interrupt_then_reset), watchdog::error::ok);
  EXPECT_EQ(fake_.dropped_writes, 0u);
  const uint32_t cfg = fake_.peek(timg0_config0);
  EXPECT_EQ(cfg >> 31, 1u);                             // WDT_EN
  EXPECT_EQ((cfg >> 29) & 3u, 1u);                      // stage 0: interrupt
  EXPECT_EQ((cfg >> 27) & 3u, 3u);                      // stage 1: reset the digital core
  EXPECT_EQ((cfg >> 23) & 0xFu, 0u);                    // stages 2 and 3 off
  EXPECT_EQ((cfg >> 21) & 1u, 1u);                      // XTAL: independent of the CPU clock
  EXPECT_EQ((cfg >> 14) & 1u, 0u);                      // flash-boot mode off
  EXPECT_EQ(fake_.peek(timg0_config1) >> 16, 40'000u);  // 40 MHz / 40000: 1 ms ticks
  EXPECT_EQ(fake_.peek(timg0_config2), 100u);
  EXPECT_EQ(fake_.peek(timg0_config3), 50u);
  EXPECT_EQ(fake_.writes_to(timg0_feed), 1u);
  EXPECT_EQ(fake_.writes_to(timg0_config0), 2u);  // off first, then armed
  EXPECT_EQ(fake_.peek(timg0_wprotect), 0u);
}

TEST_F(watchdog_config_test, feeding_a_timer_group_unlocks_feeds_relocks) {
  watchdog::feed_timer_group<pac::timg1>();
  EXPECT_EQ(fake_.dropped_writes, 0u);
  EXPECT_EQ(fake_.writes_to(timg1_feed), 1u);
  EXPECT_EQ(fake_.writes_to(timg1_wprotect), 2u);
  EXPECT_EQ(fake_.peek(timg1_wprotect), 0u);
}

TEST_F(watchdog_config_test, rtc_watchdog_counts_slow_clock_cycles) {
  const watchdog::config c{
      {{watchdog::action::reset_cpu, 10}, {watchdog::action::reset_system, 2}}};
  ASSERT_EQ(watchdog::configure_rtc(c), watchdog::error::ok);
  EXPECT_EQ(fake_.dropped_writes, 0u);
  const uint32_t cfg = fake_.peek(rtc_config0);
  EXPECT_EQ(cfg >> 31, 1u);
  EXPECT_EQ((cfg >> 28) & 7u, 2u);  // stage 0: CPU reset
  EXPECT_EQ((cfg >> 25) & 7u, 4u);  // stage 1: system reset (RTC domain too)
  EXPECT_EQ((cfg >> 12) & 1u, 0u);
  EXPECT_EQ(fake_.peek(rtc_config1), 10u * 136u);
  EXPECT_EQ(fake_.peek(rtc_config2), 2u * 136u);
  EXPECT_EQ(fake_.writes_to(rtc_feed), 1u);
  EXPECT_EQ(fake_.peek(rtc_wprotect), 0u);
}

TEST_F(watchdog_config_test, bad_configurations_are_refused_before_any_write) {
  using watchdog::action;
  using watchdog::error;
  EXPECT_EQ(watchdog::configure_timer_group<pac::timg0>({{{action::reset_core, 0}}}),
            error::zero_timeout);
  EXPECT_EQ(watchdog::configure_timer_group<pac::timg0>({{{action::interrupt, 5}}}),
            error::no_reset_stage);
  EXPECT_EQ(watchdog::configure_timer_group<pac::timg0>(watchdog::config{}), error::no_reset_stage);
  EXPECT_EQ(watchdog::configure_timer_group<pac::timg1>({{{action::reset_system, 5}}}),
            error::action_unsupported);
  EXPECT_EQ(watchdog::configure_rtc({{{action::reset_core, 40'000'000}}}), error::timeout_too_long);
  EXPECT_EQ(fake_.writes_to(timg0_wprotect) + fake_.writes_to(timg1_wprotect) +
                fake_.writes_to(rtc_wprotect),
            0u);
  // A stage after an `off` one is not used, so its bad timeout is not an error.
  EXPECT_EQ(watchdog::check_mwdt({{{action::reset_cpu, 1}, {}, {action::reset_core, 0}}}),
            error::ok);
}

TEST_F(watchdog_config_test, super_watchdog_enable_and_feed) {
  watchdog::disable_super();
  watchdog::enable_super();
  EXPECT_EQ(fake_.peek(swd_conf) >> 30, 0u);  // neither auto-fed nor disabled
  watchdog::feed_super();
  EXPECT_EQ(fake_.dropped_writes, 0u);
  EXPECT_EQ(fake_.writes_to(swd_conf), 3u);
  EXPECT_EQ(fake_.peek(swd_wprotect), 0u);
}

TEST_F(watchdog_config_test, reset_reason_is_read_from_reset_state) {
  fake_.poke(reset_state, 0x3000u | 0x07u);
  EXPECT_EQ(watchdog::last_reset_reason(), watchdog::reset_reason::core_mwdt0);
  EXPECT_STREQ(watchdog::name(watchdog::last_reset_reason()), "TIMG0 watchdog, core");
  fake_.poke(reset_state, 0x01u);
  EXPECT_STREQ(watchdog::name(watchdog::last_reset_reason()), "power on");
}

}  // namespace
