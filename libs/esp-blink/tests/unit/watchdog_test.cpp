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
