// Peripheral models on their own: the chip behaviours firmware depends on.
#include <gtest/gtest.h>

#include "peripherals.hpp"

namespace {

using namespace esp_blink::emu;

TEST(model, watchdog_write_without_key_is_ignored) {
  peripherals p;
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  p.write(0x6001F048, 0, 0);  // TIMG0 WDTCONFIG0, locked
  EXPECT_TRUE(p.timg_wdt(0).enabled);
  EXPECT_EQ(p.timg_wdt(0).locked_writes, 1u);
  EXPECT_EQ(reports.size(), 1u);
  p.write(0x6001F064, 0x50D83AA1, 0);
  p.write(0x6001F048, 0, 0);
  EXPECT_FALSE(p.timg_wdt(0).enabled);
}

TEST(model, super_watchdog_has_its_own_key) {
  peripherals p;
  p.write(0x600080B0, 0x50D83AA1, 0);  // the other watchdogs' key
  p.write(0x600080AC, 1u << 31, 0);
  EXPECT_TRUE(p.super_wdt().enabled);
  p.write(0x600080B0, 0x8F1D312A, 0);
  p.write(0x600080AC, 1u << 31, 0);
  EXPECT_FALSE(p.super_wdt().enabled);
}

TEST(model, gpio_w1ts_w1tc_and_edges_only_on_driven_pins) {
  peripherals p;
  p.write(0x60004008, 1u << 3, 10);  // set while not enabled: no edge
  EXPECT_TRUE(p.edges().empty());
  p.write(0x60004024, 1u << 3, 20);  // enable: the pin now drives high
  ASSERT_EQ(p.edges().size(), 1u);
  EXPECT_EQ(p.edges()[0].cycle, 20u);
  EXPECT_TRUE(p.edges()[0].level);
  p.write(0x6000400C, 1u << 3, 30);
  ASSERT_EQ(p.edges().size(), 2u);
  EXPECT_FALSE(p.edges()[1].level);
  EXPECT_EQ(p.read(0x60004004, 31), 0u);
}

TEST(model, systimer_counts_16_mhz_of_virtual_time) {
  peripherals p;
  p.write(0x60023004, 1u << 30, 160'000'000);  // one virtual second at 160 MHz
  EXPECT_NE(p.read(0x60023004, 0) & (1u << 29), 0u);
  EXPECT_EQ(p.read(0x60023044, 0), 16'000'000u);
  EXPECT_EQ(p.read(0x60023040, 0), 0u);
}

TEST(model, alarm_poll_skips_idle_time_exactly_to_the_target) {
  peripherals p;
  p.write(0x60023020, 1600, 0);           // target 100 us
  p.write(0x60023050, 1, 0);              // COMP0_LOAD
  p.write(0x60023000, 1u << 24, 0);       // TARGET0_WORK_EN
  EXPECT_EQ(p.read(0x60023068, 100), 0u);
  EXPECT_EQ(p.take_idle_skip(), 0u);      // one poll is not a wait yet
  EXPECT_EQ(p.read(0x60023068, 110), 0u);
  EXPECT_EQ(p.take_idle_skip(), 16'000u - 110u);
  EXPECT_EQ(p.read(0x60023068, 16'000), 1u);
  p.write(0x6002306C, 1, 16'001);         // INT_CLR
  EXPECT_EQ(p.read(0x60023068, 16'002), 0u);
}

TEST(model, uart_gated_clock_drops_bytes) {
  peripherals p;
  p.write(0x60000000, 'a', 0);
  p.write(0x600C0010, 0, 0);  // every peripheral clock off
  p.write(0x60000000, 'b', 0);
  EXPECT_EQ(p.uart0_output(), "a");
}

TEST(model, uart_rx_injection_and_status_count) {
  peripherals p;
  p.inject_uart0_rx("hi");
  EXPECT_EQ(p.read(0x6000001C, 0) & 0x3FFu, 2u);
  EXPECT_EQ(p.read(0x60000000, 0), static_cast<uint32_t>('h'));
  EXPECT_EQ(p.read(0x6000001C, 0) & 0x3FFu, 1u);
}

TEST(model, unmodelled_access_is_reported_once) {
  peripherals p;
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  p.read(0x60040000, 0);
  p.read(0x60040000, 0);
  EXPECT_EQ(reports.size(), 1u);
  EXPECT_EQ(p.unmodelled().count(0x60040000), 1u);
}

}  // namespace

#include <sstream>

#include "vcd.hpp"

namespace {

TEST(vcd, edges_become_timed_value_changes) {
  using namespace esp_blink::emu;
  const std::vector<gpio_edge> edges = {{160, 10, 8, true}, {320, 20, 8, false}};
  std::ostringstream out;
  write_vcd(out, edges, 480, 160'000'000);
  const std::string vcd = out.str();
  const char id = static_cast<char>('!' + 8);
  EXPECT_NE(vcd.find(std::string("$var wire 1 ") + id + " gpio8 $end"), std::string::npos);
  EXPECT_NE(vcd.find(std::string("#1000\n1") + id + "\n"), std::string::npos) << vcd;
  EXPECT_NE(vcd.find(std::string("#2000\n0") + id + "\n"), std::string::npos) << vcd;
  EXPECT_NE(vcd.find("#3000\n"), std::string::npos);
}

}  // namespace
