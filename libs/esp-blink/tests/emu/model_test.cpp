// Peripheral models on their own: the chip behaviours firmware depends on.
#include "peripherals.hpp"

#include <gtest/gtest.h>

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
  p.write(0x60023020, 1600, 0);      // target 100 us
  p.write(0x60023050, 1, 0);         // COMP0_LOAD
  p.write(0x60023000, 1u << 24, 0);  // TARGET0_WORK_EN
  EXPECT_EQ(p.read(0x60023068, 100), 0u);
  EXPECT_EQ(p.take_idle_skip(), 0u);  // one poll is not a wait yet
  EXPECT_EQ(p.read(0x60023068, 110), 0u);
  EXPECT_EQ(p.take_idle_skip(), 16'000u - 110u);
  EXPECT_EQ(p.read(0x60023068, 16'000), 1u);
  p.write(0x6002306C, 1, 16'001);  // INT_CLR
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
  p.read(0x6003F000, 0);
  p.read(0x6003F000, 0);
  EXPECT_EQ(reports.size(), 1u);
  EXPECT_EQ(p.unmodelled().count(0x6003F000), 1u);
}

TEST(register_file, store_rules) {
  register_file r;
  r.write(0x60004008, 0b0110);  // OUT_W1TS
  r.write(0x6000400C, 0b0010);  // OUT_W1TC
  EXPECT_EQ(r.peek(0x60004004), 0b0100u);
  EXPECT_EQ(r.peek(0x60004008), 0u);     // the alias keeps nothing
  EXPECT_FALSE(r.write(0x6001F048, 0));  // TIMG0 WDTCONFIG0 without the key
  EXPECT_EQ(r.peek(0x6001F048), 0x0004C000u);
  EXPECT_TRUE(r.write(0x6001F064, 0x50D83AA1));
  EXPECT_TRUE(r.write(0x6001F048, 0));
  EXPECT_EQ(r.peek(0x6001F048), 0u);
  r.write(0x60000080, 0x80000500);  // UART0 ID with REG_UPDATE
  EXPECT_EQ(r.peek(0x60000080), 0x500u);
  EXPECT_EQ(r.read(0x60023004) & (1u << 29), 1u << 29);  // VALUE_VALID
  r.poke(0x60023068, 1);
  r.write(0x6002306C, 1);  // INT_CLR
  EXPECT_EQ(r.peek(0x60023068), 0u);
}

TEST(model, plain_blocks_are_storage_and_report_nothing) {
  peripherals p;
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  p.write(0x60009004 + 4 * 8, 0x1200, 0);  // IO_MUX GPIO8
  EXPECT_EQ(p.read(0x60009004 + 4 * 8, 0), 0x1200u);
  EXPECT_EQ(p.read(0x600C0010, 0), 0xF9C1E06Fu);  // SYSTEM PERIP_CLK_EN0 reset value
  EXPECT_TRUE(reports.empty());
}

}  // namespace

#include "vcd.hpp"

#include <memory>
#include <sstream>

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

#include "machine.hpp"
#include "sha256.hpp"

#include <cstring>
#include <stdexcept>

namespace {

using namespace esp_blink::emu;

TEST(uart_model, tx_fifo_drains_at_the_baud_rate) {
  peripherals p;  // UART0 as the ROM leaves it: 115200 baud, 10 bits per byte
  const uint64_t byte_cycles = 160'000'000ull * 10 / p.uart0_baud();
  for (char c : std::string("abc")) p.write(0x60000000, static_cast<uint8_t>(c), 0);
  EXPECT_EQ(p.read(0x6000001C, 0) >> 16, 2u);  // first byte already in the shifter
  EXPECT_EQ(p.read(0x6000001C, byte_cycles) >> 16, 1u);
  EXPECT_EQ(p.read(0x6000001C, 2 * byte_cycles) >> 16, 0u);
  EXPECT_EQ(p.uart0_output(), "abc");
}

TEST(uart_model, writing_into_a_full_fifo_loses_the_byte) {
  peripherals p;
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  for (int i = 0; i < 130; ++i) p.write(0x60000000, 'x', 0);
  EXPECT_EQ(p.uart0_output().size(), 129u);  // 1 in the shifter + 128 in the FIFO
  EXPECT_EQ(reports.size(), 1u);
}

TEST(memory_map, sram_is_one_memory_at_two_addresses) {
  machine m;
  m.write_memory(0x3FC80100, {1, 2, 3, 4});
  EXPECT_EQ(m.read_memory(0x40380100, 4), (std::vector<uint8_t>{1, 2, 3, 4}));
  m.write_memory(0x403DFFFC, {9, 8, 7, 6});  // last word of IRAM
  EXPECT_EQ(m.read_memory(0x3FCDFFFC, 4), (std::vector<uint8_t>{9, 8, 7, 6}));
}

// An app image built by hand, so the tests can break the rules the image tool keeps.
std::vector<uint8_t> app_image_of(const std::vector<std::pair<uint32_t, uint32_t>>& segments) {
  std::vector<uint8_t> img = {0xE9, static_cast<uint8_t>(segments.size()),
                              2,    0x2F,
                              0x20, 0x00,
                              0x00, 0x42,
                              0xEE, 0,
                              0,    0,
                              0x05, 0,
                              0,    0,
                              0,    0xFF,
                              0xFF, 0,
                              0,    0,
                              0,    1};
  uint8_t checksum = 0xEF;
  for (auto [addr, len] : segments) {
    for (int i = 0; i < 4; ++i) img.push_back(static_cast<uint8_t>(addr >> (8 * i)));
    for (int i = 0; i < 4; ++i) img.push_back(static_cast<uint8_t>(len >> (8 * i)));
    for (uint32_t i = 0; i < len; ++i) {
      img.push_back(static_cast<uint8_t>(i));
      checksum ^= static_cast<uint8_t>(i);
    }
  }
  while (img.size() % 16 != 15) img.push_back(0);
  img.push_back(checksum);
  const auto digest = sha256(img);
  img.insert(img.end(), digest.begin(), digest.end());
  return img;
}

TEST(memory_map, an_image_obeying_the_64k_rule_loads) {
  // Segment data at flash 0x10000 + 0x20 = 0x10020; vaddr 0x42000020 agrees modulo 64 KiB.
  machine m;
  EXPECT_NO_THROW(m.load_bytes(app_image_of({{0x42000020, 16}})));
  EXPECT_EQ(m.read_memory(0x42000020, 4), (std::vector<uint8_t>{0, 1, 2, 3}));
}

TEST(memory_map, a_segment_breaking_the_64k_rule_is_refused) {
  machine m;
  EXPECT_THROW(m.load_bytes(app_image_of({{0x42000040, 16}})), std::runtime_error);
}

TEST(memory_map, code_and_data_may_not_claim_one_mmu_page_for_two_flash_pages) {
  // DROM page 0 -> flash page 1 (data at 0x10020); IROM page 0 would need flash page 2.
  std::vector<std::pair<uint32_t, uint32_t>> segs = {{0x3C000020, 0x10000 - 8},
                                                     {0x42000028 + 0x10000 - 8, 16}};
  // Check the construction: the second segment's data sits at flash 0x20028 + ...; make it
  // agree with its vaddr modulo 64 KiB so only the shared-page conflict remains.
  const uint32_t second_data = 0x10000 + 24 + 8 + (0x10000 - 8) + 8;
  segs[1].first = 0x42000000 + second_data % 0x10000;
  machine m;
  try {
    m.load_bytes(app_image_of(segs));
    FAIL() << "loaded an image whose code and data share an MMU page";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("MMU conflict"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

using namespace esp_blink::emu;

// A command word in the patched COMD layout.
uint32_t comd(uint32_t op, uint32_t bytes, bool ack_check = false, uint32_t ack_value = 0) {
  return bytes | (ack_check ? 1u << 8 : 0u) | ack_value << 10 | op << 11;
}

TEST(i2c_model, command_list_reads_the_tmp102_temperature) {
  i2c_controller c;
  c.attach(0x48, std::make_unique<tmp102>(25.0));
  for (uint32_t b : {0x90u, 0x00u, 0x91u}) c.write(0x1C, b);
  const uint32_t list[] = {comd(6, 0),       comd(1, 1, true), comd(1, 1, true),     comd(6, 0),
                           comd(1, 1, true), comd(3, 1),       comd(3, 1, false, 1), comd(2, 0)};
  for (uint32_t i = 0; i < 8; ++i) c.write(0x58 + 4 * i, list[i]);
  c.write(0x04, 1u << 5);                      // TRANS_START
  EXPECT_NE(c.read(0x20) & (1u << 7), 0u);     // TRANS_COMPLETE
  EXPECT_EQ((c.read(0x08) >> 8) & 0x3Fu, 2u);  // RXFIFO_CNT
  EXPECT_EQ(c.read(0x1C), 0x19u);
  EXPECT_EQ(c.read(0x1C), 0x00u);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_NE(c.read(0x58 + 4 * i) >> 31, 0u) << i;  // all done
}

TEST(i2c_model, missing_device_nacks_the_address_and_stops_there) {
  i2c_controller c;
  c.write(0x1C, 0x90);
  c.write(0x58, comd(6, 0));
  c.write(0x5C, comd(1, 1, true));
  c.write(0x60, comd(2, 0));
  c.write(0x04, 1u << 5);
  EXPECT_NE(c.read(0x20) & (1u << 10), 0u);  // NACK
  EXPECT_EQ(c.read(0x20) & (1u << 7), 0u);   // not complete
  EXPECT_NE(c.read(0x58) >> 31, 0u);         // RSTART done
  EXPECT_EQ(c.read(0x5C) >> 31, 0u);         // the address write is where it stopped
}

TEST(i2c_model, end_pauses_and_the_next_start_continues) {
  i2c_controller c;
  c.attach(0x48, std::make_unique<tmp102>(0.0));
  c.write(0x1C, 0x90);
  c.write(0x58, comd(6, 0));
  c.write(0x5C, comd(1, 1, true));
  c.write(0x60, comd(4, 0));  // END
  c.write(0x04, 1u << 5);
  EXPECT_NE(c.read(0x20) & (1u << 3), 0u);  // END_DETECT
  c.write(0x24, 0x3FFFF);
  c.write(0x1C, 0x01);  // pointer: configuration
  c.write(0x58, comd(1, 1, true));
  c.write(0x5C, comd(2, 0));
  c.write(0x04, 1u << 5);
  EXPECT_NE(c.read(0x20) & (1u << 7), 0u);
  EXPECT_EQ(c.read(0x20) & (1u << 10), 0u);
}

TEST(i2c_model, bus_recovery_counts_pulses_and_self_clears) {
  i2c_controller c;
  c.write(0x80, 9u << 1 | 1u);
  EXPECT_EQ(c.recovery_pulses(), 9u);
  EXPECT_EQ(c.read(0x80) & 1u, 0u);
}

TEST(i2c_model, gated_clock_ignores_the_controller) {
  peripherals p;  // I2C0's clock is off after reset
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  p.write(0x6001301C, 0x90, 0);
  EXPECT_EQ(reports.size(), 1u);
  EXPECT_EQ((p.read(0x60013008, 0) >> 18) & 0x3Fu, 0u);  // nothing entered the TX FIFO
}

}  // namespace
