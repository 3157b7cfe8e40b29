// Switching the CPU clock: SYSTEM's source, divider and PLL period, and the frequencies read back.
#include <esp_blink/clock.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

using namespace esp_blink;
constexpr uint32_t cpu_per_conf = 0x600C0008, sysclk_conf = 0x600C0058;

class clock_test : public ::testing::Test {
 protected:
  test::register_file_fake fake_;
  mmio::host_bus_guard guard_{fake_};
};

TEST_F(clock_test, boots_at_160_mhz_from_the_pll) {
  EXPECT_EQ(clock::cpu_hz(), 160'000'000u);
  EXPECT_EQ(clock::apb_hz(), 80'000'000u);
}

TEST_F(clock_test, pll_80_and_back_to_160) {
  clock::set_cpu(clock::cpu_source::pll_80mhz);
  EXPECT_EQ(fake_.peek(cpu_per_conf) & 3u, 0u);         // CPUPERIOD_SEL: 80 MHz
  EXPECT_EQ((fake_.peek(cpu_per_conf) >> 2) & 1u, 1u);  // PLL_FREQ_SEL: 480 MHz
  EXPECT_EQ((fake_.peek(sysclk_conf) >> 10) & 3u, 1u);  // SOC_CLK_SEL: PLL
  EXPECT_EQ(clock::cpu_hz(), 80'000'000u);
  EXPECT_EQ(clock::apb_hz(), 80'000'000u);
  clock::set_cpu(clock::cpu_source::pll_160mhz);
  EXPECT_EQ(fake_.peek(cpu_per_conf) & 3u, 1u);
  EXPECT_EQ(clock::cpu_hz(), 160'000'000u);
}

TEST_F(clock_test, xtal_undivided_and_apb_follows_the_cpu) {
  clock::set_cpu(clock::cpu_source::xtal_40mhz);
  EXPECT_EQ(fake_.peek(sysclk_conf) & 0xFFFu, 0u);  // SOC_CLK_SEL XTAL, PRE_DIV_CNT 0
  EXPECT_EQ(clock::cpu_hz(), 40'000'000u);
  EXPECT_EQ(clock::apb_hz(), 40'000'000u);
  fake_.poke(sysclk_conf, 3u);  // XTAL / 4, as a ROM might leave it
  EXPECT_EQ(clock::cpu_hz(), 10'000'000u);
}

TEST_F(clock_test, switching_to_the_pll_is_one_store_per_register) {
  clock::set_cpu(clock::cpu_source::xtal_40mhz);
  const size_t before = fake_.writes_to(sysclk_conf);
  clock::set_cpu(clock::cpu_source::pll_160mhz);
  EXPECT_EQ(fake_.writes_to(cpu_per_conf), 1u);
  EXPECT_EQ(fake_.writes_to(sysclk_conf), before + 1);
  // The read-only CLK_XTAL_FREQ field is left as it was.
  EXPECT_EQ((fake_.peek(sysclk_conf) >> 12) & 0x7Fu, 40u);
}

}  // namespace
