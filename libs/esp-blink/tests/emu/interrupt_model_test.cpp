// The interrupt matrix model and the interrupt sources, driven through the peripheral bus the
// way firmware drives them: routing, enable, level and edge lines, priority, threshold, and
// the time-driven sources (SYSTIMER alarm, GPIO stimulus, UART RX on the wire).
#include "peripherals.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace {

using namespace esp_blink::emu;

constexpr uint32_t matrix = 0x600C2000, enable = matrix + 0x104, type = matrix + 0x108,
                   clear = matrix + 0x10C, eip = matrix + 0x110, pri0 = matrix + 0x114,
                   thresh = matrix + 0x194;
constexpr uint32_t from_cpu0 = 0x600C0028;  // SYSTEM CPU_INTR_FROM_CPU_0

void route(peripherals& p, unsigned source, unsigned line, unsigned priority) {
  p.write(matrix + 4 * source, line, 0);
  p.write(pri0 + 4 * line, priority, 0);
  p.write(enable, p.read(enable, 0) | 1u << line, 0);
}

void raise(peripherals& p, unsigned n, bool on) {
  p.write(from_cpu0 + 4 * n, on ? 1 : 0, 0);
  p.update(0);
}

TEST(interrupt_matrix, a_routed_enabled_source_makes_its_line_ready) {
  peripherals p;
  p.write(thresh, 1, 0);
  raise(p, 0, true);
  EXPECT_EQ(p.ready_line(), 0u) << "not routed yet";
  route(p, source_from_cpu0, 5, 1);
  p.update(0);
  EXPECT_EQ(p.ready_line(), 5u);
  EXPECT_EQ(p.read(eip, 0), 1u << 5);
  p.write(enable, 0, 0);
  p.update(0);
  EXPECT_EQ(p.ready_line(), 0u) << "disabled: pending but not taken";
  EXPECT_EQ(p.read(eip, 0), 1u << 5);
}

TEST(interrupt_matrix, the_highest_priority_wins_and_a_tie_goes_to_the_lower_line) {
  peripherals p;
  route(p, source_from_cpu0, 7, 2);
  route(p, source_from_cpu0 + 1, 3, 5);
  route(p, source_from_cpu0 + 2, 9, 5);
  raise(p, 0, true);
  EXPECT_EQ(p.ready_line(), 7u);
  raise(p, 2, true);
  EXPECT_EQ(p.ready_line(), 9u);
  raise(p, 1, true);
  EXPECT_EQ(p.ready_line(), 3u);
}

TEST(interrupt_matrix, threshold_masks_lines_below_it_and_priority_0_is_never_taken) {
  peripherals p;
  route(p, source_from_cpu0, 4, 3);
  raise(p, 0, true);
  p.write(thresh, 4, 0);
  p.update(0);
  EXPECT_EQ(p.ready_line(), 0u);
  p.write(thresh, 3, 0);
  p.update(0);
  EXPECT_EQ(p.ready_line(), 4u) << "priority equal to the threshold is taken";
  p.write(pri0 + 4 * 4, 0, 0);
  p.write(thresh, 0, 0);
  p.update(0);
  EXPECT_EQ(p.ready_line(), 0u);
}

TEST(interrupt_matrix, an_edge_line_latches_until_cleared_a_level_line_follows_the_source) {
  peripherals p;
  route(p, source_from_cpu0, 2, 1);
  route(p, source_from_cpu0 + 1, 6, 1);
  p.write(type, 1u << 6, 0);  // line 6: edge
  raise(p, 0, true);
  raise(p, 1, true);
  EXPECT_EQ(p.read(eip, 0), (1u << 2) | (1u << 6));
  raise(p, 0, false);
  raise(p, 1, false);
  EXPECT_EQ(p.read(eip, 0), 1u << 6) << "the edge stays latched after the source drops";
  p.write(clear, 1u << 6, 0);
  p.write(clear, 0, 0);
  EXPECT_EQ(p.read(eip, 0), 0u);
  raise(p, 1, true);  // a new rising edge latches again
  EXPECT_EQ(p.read(eip, 0), 1u << 6);
}

TEST(interrupt_sources, systimer_alarm_is_a_timed_event_and_asserts_its_source) {
  peripherals p;
  route(p, source_systimer_target0, 1, 1);
  p.write(0x60023064, 1, 0);           // INT_ENA target0
  p.write(0x60023020, 1600, 0);        // TARGET0_LO: 100 us
  p.write(0x60023050, 1, 0);           // COMP0_LOAD
  p.write(0x60023000, 0x47000000, 0);  // CONF: unit 0 counting, TARGET0_WORK_EN
  p.update(0);
  EXPECT_EQ(p.next_event_cycle(), 16'000u);  // 100 us at 160 MHz
  EXPECT_EQ(p.ready_line(), 0u);
  ASSERT_TRUE(p.needs_update(16'000));
  p.update(16'000);
  EXPECT_EQ(p.ready_line(), 1u);
  EXPECT_EQ(p.next_event_cycle(), UINT64_MAX) << "one-shot: nothing further";
  p.write(0x6002306C, 1, 16'100);  // INT_CLR
  p.update(16'100);
  EXPECT_EQ(p.ready_line(), 0u);
}

TEST(interrupt_sources, gpio_falling_edge_and_low_level_inputs) {
  peripherals p;
  route(p, source_gpio, 1, 1);
  p.write(0x60004074 + 4 * 9, 2u << 7 | 1u << 13, 0);  // PIN9: falling edge, CPU interrupt
  p.write(0x60004074 + 4 * 4, 4u << 7 | 1u << 13, 0);  // PIN4: low level
  p.schedule_gpio_input(9, true, 100);
  p.schedule_gpio_input(4, true, 100);
  p.schedule_gpio_input(9, false, 200);
  p.update(0);
  EXPECT_EQ(p.ready_line(), 1u) << "GPIO4 is low at reset: a low-level pin is pending";
  p.write(0x6000404C, 1u << 4, 10);  // STATUS_W1TC
  p.update(10);
  EXPECT_EQ(p.read(0x60004044, 10), 1u << 4) << "the level holds: STATUS is set again";
  EXPECT_EQ(p.next_event_cycle(), 100u);
  p.update(100);
  p.write(0x6000404C, 1u << 4, 110);
  p.update(110);
  EXPECT_EQ(p.ready_line(), 0u) << "rising edge on a falling-edge pin, GPIO4 high";
  p.update(200);
  EXPECT_EQ(p.ready_line(), 1u);
  EXPECT_EQ(p.read(0x6000405C, 200), 1u << 9);  // PCPU_INT
  ASSERT_FALSE(p.edges().empty());
  EXPECT_EQ(p.edges().back().pin, 9u);
  EXPECT_EQ(p.edges().back().cycle, 200u);
}

TEST(interrupt_sources, uart_rx_arrives_at_the_baud_rate_with_threshold_and_timeout) {
  peripherals p;
  route(p, source_uart0, 1, 1);
  p.write(0x60000024, 2 | 1u << 21, 0);  // CONF1: threshold 2, RX_TOUT_EN
  p.write(0x6000000C, 1u | 1u << 8, 0);  // INT_ENA: RXFIFO_FULL, RXFIFO_TOUT
  const uint64_t byte = 160'000'000ull * 10 / p.uart0_baud();
  p.schedule_uart0_rx("abc", 1000);
  p.update(0);
  EXPECT_EQ(p.next_event_cycle(), 1000 + byte);
  p.update(1000 + 2 * byte);
  EXPECT_EQ(p.read(0x6000001C, 0) & 0x3FF, 2u);
  EXPECT_EQ(p.ready_line(), 0u) << "2 bytes is not more than the threshold";
  p.update(1000 + 3 * byte);
  EXPECT_EQ(p.ready_line(), 1u);
  EXPECT_EQ(p.read(0x60000008, 0), 1u) << "INT_ST: RXFIFO_FULL";
  for (int i = 0; i < 3; ++i) p.read(0x60000000, 0);
  p.write(0x60000010, 1, 0);  // INT_CLR
  p.schedule_uart0_rx("d", 1000 + 3 * byte);
  p.update(1000 + 4 * byte);
  EXPECT_EQ(p.ready_line(), 0u);
  const uint64_t timeout = p.next_event_cycle();
  EXPECT_GT(timeout, 1000 + 4 * byte);
  p.update(timeout);
  EXPECT_EQ(p.ready_line(), 1u);
  EXPECT_EQ(p.read(0x60000008, 0), 1u << 8) << "INT_ST: RXFIFO_TOUT";
}

TEST(interrupt_sources, uart_rx_overrun_loses_bytes_and_says_so) {
  peripherals p;
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  p.schedule_uart0_rx(std::string(130, 'x'), 0);
  p.update(UINT64_MAX / 2);
  EXPECT_EQ(p.read(0x6000001C, 0) & 0x3FF, 128u);
  EXPECT_EQ(p.uart0_rx_overruns(), 2u);
  EXPECT_EQ(reports.size(), 2u);
  EXPECT_NE(p.read(0x60000004, 0) & 1u << 4, 0u) << "INT_RAW: RXFIFO_OVF";
}

TEST(interrupt_sources, i2c_trans_complete_asserts_i2c_ext0_when_enabled) {
  i2c_controller c;
  c.attach(0x48, std::make_unique<tmp102>(25.0));
  c.write(0x1C, 0x90);                    // address byte, write
  c.write(0x58, 6u << 11);                // RSTART
  c.write(0x5C, 1u << 11 | 1u << 8 | 1);  // WRITE 1 byte, check the ACK
  c.write(0x60, 2u << 11);                // STOP
  c.write(0x04, 1u << 5);                 // TRANS_START
  ASSERT_NE(c.read(0x20) & 1u << 7, 0u);  // TRANS_COMPLETE raw
  EXPECT_FALSE(c.interrupt()) << "not enabled";
  c.write(0x28, 1u << 7);  // INT_ENA
  EXPECT_TRUE(c.interrupt());
  c.write(0x24, 1u << 7 | 1u << 3);  // INT_CLR
  EXPECT_FALSE(c.interrupt());
}

}  // namespace
