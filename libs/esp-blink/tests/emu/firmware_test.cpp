// The real firmware images in the emulator: what each one does, seen from outside the chip.
#include "image.hpp"
#include "machine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

using namespace esp_blink::emu;

std::string fw(const std::string& name) {
  return std::string(ESP_BLINK_FIRMWARE_BIN) + "/" + name;
}

struct run_output {
  run_result result;
  std::string uart;
  std::vector<gpio_edge> edges;
  bool watchdogs_off = false;
  std::vector<std::string> reports;
};

run_output run_file(const std::string& path, run_options options = {}) {
  machine m(options);
  run_output out;
  m.io().on_report = [&](const std::string& r) { out.reports.push_back(r); };
  m.load_file(path);
  out.result = m.run();
  out.uart = m.io().uart0_output();
  out.edges = m.io().edges();
  out.watchdogs_off = !m.io().rtc_wdt().enabled && !m.io().super_wdt().enabled &&
                      !m.io().timg_wdt(0).enabled && !m.io().timg_wdt(1).enabled;
  return out;
}

class hello : public ::testing::TestWithParam<const char*> {};

TEST_P(hello, prints_exactly_hello_world_and_halts_cleanly) {
  const auto out = run_file(fw(GetParam()));
  EXPECT_EQ(out.uart, "hello world\n");
  EXPECT_EQ(out.result.reason, stop_reason::halted);
  EXPECT_EQ(out.result.exit_status(), 0);
  EXPECT_TRUE(out.result.traps.empty());
  EXPECT_TRUE(out.watchdogs_off);
  EXPECT_TRUE(out.reports.empty()) << out.reports.front();  // no unmodelled or dropped access
  EXPECT_GT(out.result.first_uart_byte_instructions, 0u);
}

INSTANTIATE_TEST_SUITE_P(every_format, hello,
                         ::testing::Values("hello.bin", "hello.direct.bin", "hello.elf",
                                           "hello.app.elf"));

TEST(hello_baud, uart0_runs_at_115200_and_flush_waits_for_the_fifo) {
  machine m;
  m.load_file(fw("hello.bin"));
  const auto result = m.run();
  EXPECT_NEAR(m.io().uart0_baud(), 115200.0, 115200 * 0.01);
  // flush() returns when the last of 12 bytes enters the shifter: 11 byte times of 10 bits.
  const double seconds = static_cast<double>(result.cycles) / 160e6;
  EXPECT_GE(seconds, 11 * 10 / 115200.0);
  EXPECT_LT(seconds, 13 * 10 / 115200.0);
}

class blink : public ::testing::TestWithParam<const char*> {};

TEST_P(blink, gpio8_period_is_one_second_for_ten_periods) {
  run_options options;
  options.max_cycles = uint64_t{options.clocks.cpu_hz} * 11;  // 11 s of virtual time
  const auto out = run_file(fw(GetParam()), options);
  EXPECT_EQ(out.result.reason, stop_reason::time_limit);
  std::vector<gpio_edge> rising;
  for (const auto& e : out.edges) {
    ASSERT_EQ(e.pin, 8u) << "only GPIO8 may move";
    if (e.level) rising.push_back(e);
  }
  ASSERT_GE(rising.size(), 11u);
  const double hz = options.clocks.cpu_hz;
  for (size_t i = 1; i <= 10; ++i) {
    const double period = static_cast<double>(rising[i].cycle - rising[i - 1].cycle) / hz;
    EXPECT_NEAR(period, 1.0, 0.01) << "period " << i;
  }
  // Duty cycle: each falling edge half-way.
  for (size_t i = 1; i + 1 < out.edges.size(); ++i) {
    const double half = static_cast<double>(out.edges[i + 1].cycle - out.edges[i].cycle) / hz;
    EXPECT_NEAR(half, 0.5, 0.005);
  }
  EXPECT_TRUE(out.watchdogs_off);
  EXPECT_TRUE(out.reports.empty()) << out.reports.front();
}

INSTANTIATE_TEST_SUITE_P(every_format, blink,
                         ::testing::Values("blink.bin", "blink.direct.bin", "blink.elf"));

TEST(trap, illegal_instruction_is_reported_with_cause_and_address) {
  const auto elf = parse_elf(read_file(fw("trap.elf")));
  const auto site = elf.symbol("trap_site");
  ASSERT_TRUE(site.has_value());
  const auto out = run_file(fw("trap.direct.bin"));
  ASSERT_EQ(out.result.traps.size(), 1u);
  EXPECT_EQ(out.result.traps[0].mcause, 2u);
  EXPECT_EQ(out.result.traps[0].mepc, *site);
  char expected[64];
  std::snprintf(expected, sizeof expected, "trap: mcause=0x00000002 mepc=0x%08x", *site);
  EXPECT_NE(out.uart.find(expected), std::string::npos) << out.uart;
  EXPECT_EQ(out.result.reason, stop_reason::trap_halt);
  EXPECT_NE(out.result.exit_status(), 0);
}

TEST(panic, failed_assertion_reports_file_line_and_condition) {
  const auto out = run_file(fw("panic.bin"));
  EXPECT_NE(out.uart.find("panic: "), std::string::npos) << out.uart;
  EXPECT_NE(out.uart.find("panic.cpp:"), std::string::npos) << out.uart;
  EXPECT_NE(out.uart.find(": answer == 42\n"), std::string::npos) << out.uart;
  EXPECT_EQ(out.result.reason, stop_reason::halted);
  EXPECT_EQ(out.result.halt_status, 1u);
  EXPECT_EQ(out.result.exit_status(), 1);
}

TEST(echo, uart_receive_path_end_to_end) {
  machine m;
  m.io().inject_uart0_rx("esp32c3\n");
  m.load_file(fw("echo.bin"));
  const auto result = m.run();
  EXPECT_EQ(m.io().uart0_output(), "got 'esp32c3' (7 bytes)\n");
  EXPECT_EQ(result.exit_status(), 0);
}

class startup : public ::testing::TestWithParam<const char*> {};

TEST_P(startup, data_bss_constructors_and_iram_code_are_set_up) {
  // Both layouts: the direct-boot one copies .data and IRAM code itself, the app one relies
  // on the bootloader's RAM segments. Either way IRAM code and .data share one SRAM, so .data
  // must start after the IRAM code ends.
  const std::string name = GetParam();
  const auto elf =
      parse_elf(read_file(fw(name == "startup.bin" ? "startup.app.elf" : "startup.elf")));
  const auto siram = elf.symbol("_siram"), eiram = elf.symbol("_eiram"),
             sdata = elf.symbol("_sdata"), vectors = elf.symbol("_vector_table"),
             iram_function = elf.symbol("_Z14triple_in_iramm");  // (unsigned long)
  ASSERT_TRUE(siram && eiram && sdata && vectors && iram_function);
  EXPECT_EQ(*siram, 0x40380000u);
  EXPECT_EQ(*vectors, *siram) << "the vector table opens the RAM code (256-byte aligned)";
  EXPECT_GT(*iram_function, *vectors);
  EXPECT_LT(*iram_function, *eiram);
  EXPECT_GT(*eiram, *siram);
  // .data on the first 4 KiB page after the RAM code's bytes (seen through DRAM).
  EXPECT_EQ(*sdata, (0x3FC80000u + (*eiram - *siram) + 4095u) & ~4095u);
  const auto out = run_file(fw(name));
  char expected[128];
  std::snprintf(expected, sizeof expected,
                "data=0x00005eed bss=0 ctor=42 iram=21 at=0x%08x data_at=0x%08x\n", *iram_function,
                *sdata);
  EXPECT_EQ(out.uart, expected);
  EXPECT_EQ(out.result.exit_status(), 0);
}

INSTANTIATE_TEST_SUITE_P(both_layouts, startup,
                         ::testing::Values("startup.direct.bin", "startup.bin"));

class i2c_example : public ::testing::TestWithParam<const char*> {};

TEST_P(i2c_example, prints_the_temperature_the_sensor_model_was_set_to) {
  machine m;
  std::vector<std::string> reports;
  m.io().on_report = [&](const std::string& r) { reports.push_back(r); };
  m.io().i2c0().attach(0x48, std::make_unique<tmp102>(21.5));
  m.load_file(fw(GetParam()));
  const auto result = m.run();
  EXPECT_EQ(m.io().uart0_output(), "temperature: 21.5000 C\n");
  EXPECT_EQ(result.exit_status(), 0);
  EXPECT_EQ(m.io().i2c0().transactions(), 2u);  // address+write, then repeated START+read
  EXPECT_TRUE(reports.empty()) << reports.front();
}

TEST_P(i2c_example, negative_temperatures_too) {
  machine m;
  m.io().i2c0().attach(0x48, std::make_unique<tmp102>(-40.0625));
  m.load_file(fw(GetParam()));
  m.run();
  EXPECT_EQ(m.io().uart0_output(), "temperature: -40.0625 C\n");
}

TEST_P(i2c_example, without_a_device_reports_the_nack_and_stops) {
  machine m;
  m.io().i2c0().attach(0x49, std::make_unique<tmp102>(20.0));  // wrong address
  m.load_file(fw(GetParam()));
  const auto result = m.run();
  EXPECT_EQ(m.io().uart0_output(), "i2c error: no acknowledge of the address (tmp102 at 0x48)\n");
  EXPECT_EQ(result.reason, stop_reason::halted);  // not the instruction cap: no hang
  EXPECT_EQ(result.exit_status(), 1);
}

TEST_P(i2c_example, with_no_device_at_all_reports_the_address_nack_and_halts) {
  run_options options;
  options.max_instructions = 50'000'000;  // far above a clean run, far below a hang's poll loop
  machine m(options);
  std::vector<std::string> reports;
  m.io().on_report = [&](const std::string& r) { reports.push_back(r); };
  m.load_file(fw(GetParam()));  // nothing attached: every address byte goes unacknowledged
  const auto result = m.run();
  EXPECT_EQ(m.io().uart0_output(), "i2c error: no acknowledge of the address (tmp102 at 0x48)\n");
  EXPECT_EQ(result.reason, stop_reason::halted);
  EXPECT_LT(result.instructions, options.max_instructions);
  EXPECT_EQ(result.exit_status(), 1);
  EXPECT_EQ(m.io().i2c0().transactions(), 1u);  // one address byte sent, then given up
  EXPECT_TRUE(reports.empty()) << reports.front();
}

INSTANTIATE_TEST_SUITE_P(both_layouts, i2c_example, ::testing::Values("i2c.bin", "i2c.direct.bin"));

TEST(rgb, ws2812_waveform_on_gpio8_meets_the_datasheet) {
  machine m;
  m.load_file(fw("rgb.bin"));
  const auto result = m.run();
  ASSERT_EQ(result.exit_status(), 0);
  EXPECT_EQ(m.io().rmt_transmissions(), 4u);
  const auto& edges = m.io().edges();
  for (const auto& e : edges) ASSERT_EQ(e.pin, 8u);
  // Four frames of 24 bits: each bit a rising and a falling edge.
  ASSERT_EQ(edges.size(), 4u * 24u * 2u);
  const double ns_per_cycle = 1e9 / 160e6;
  const uint8_t expected[4][3] = {{0, 0x20, 0}, {0x20, 0, 0}, {0, 0, 0x20}, {8, 8, 8}};  // GRB
  for (unsigned frame = 0; frame < 4; ++frame) {
    uint8_t bytes[3] = {};
    for (unsigned bit = 0; bit < 24; ++bit) {
      const size_t i = (frame * 24 + bit) * 2;
      ASSERT_TRUE(edges[i].level);
      ASSERT_FALSE(edges[i + 1].level);
      const double high = static_cast<double>(edges[i + 1].cycle - edges[i].cycle) * ns_per_cycle;
      const bool one = high > 600;
      EXPECT_NEAR(high, one ? 800 : 400, 150) << "frame " << frame << " bit " << bit;
      if (bit + 1 < 24) {
        const double low =
            static_cast<double>(edges[i + 2].cycle - edges[i + 1].cycle) * ns_per_cycle;
        EXPECT_NEAR(low, one ? 450 : 850, 150) << "frame " << frame << " bit " << bit;
      } else if (frame + 1 < 4) {
        const double gap =
            static_cast<double>(edges[i + 2].cycle - edges[i + 1].cycle) * ns_per_cycle;
        EXPECT_GE(gap, 280'000) << "latch time before frame " << frame + 1;
      }
      if (one) bytes[bit / 8] = static_cast<uint8_t>(bytes[bit / 8] | 1u << (7 - bit % 8));
    }
    EXPECT_EQ(bytes[0], expected[frame][0]) << "green, frame " << frame;
    EXPECT_EQ(bytes[1], expected[frame][1]) << "red, frame " << frame;
    EXPECT_EQ(bytes[2], expected[frame][2]) << "blue, frame " << frame;
  }
}

TEST(watchdog, firmware_that_leaves_them_running_is_stopped) {
  run_options options;
  options.watchdog_timeout_cycles = 160'000'000;  // 1 s
  const auto out = run_file(fw("forgetful.bin"), options);
  EXPECT_EQ(out.result.reason, stop_reason::fault);
  EXPECT_NE(out.result.fault.find("watchdog still running"), std::string::npos) << out.result.fault;
  EXPECT_GE(out.result.cycles, 160'000'000u);
  EXPECT_LT(out.result.cycles, 2 * 160'000'000u);
  EXPECT_EQ(out.result.exit_status(), 2);
}

TEST(watchdog, feeding_keeps_a_watchdog_quiet) {
  peripherals p;
  p.write(0x6001F064, 0x50D83AA1, 0);  // TIMG0 key
  p.write(0x6001F060, 1, 900);         // feed at cycle 900
  EXPECT_STRNE(p.expired_watchdog(1000, 1000), "TIMG0 watchdog");
  EXPECT_STREQ(p.expired_watchdog(1000, 100), "super watchdog");  // never fed, no auto-feed
}

class watchdog_example : public ::testing::TestWithParam<const char*> {};

TEST_P(watchdog_example, the_mwdt_resets_the_chip_and_the_next_boot_reads_why) {
  const auto out = run_file(fw(GetParam()));
  EXPECT_EQ(out.uart,
            "watchdog: reset reason 1 (power on)\n"
            "watchdog: fed for 500 ms, feeding no more\n"
            "watchdog: reset reason 7 (TIMG0 watchdog, core)\n");
  EXPECT_EQ(out.result.reason, stop_reason::halted);
  EXPECT_EQ(out.result.exit_status(), 0);
  EXPECT_EQ(out.result.resets, 1u);
  ASSERT_EQ(out.reports.size(), 1u);
  // Fed last at 500 ms (plus the boot's few microseconds), reset 200 ms later.
  EXPECT_NE(out.reports[0].find("chip reset by a watchdog at 700 ms (reset reason 0x00000007), "
                                "boot 2"),
            std::string::npos)
      << out.reports[0];
}

INSTANTIATE_TEST_SUITE_P(layouts, watchdog_example,
                         ::testing::Values("watchdog.bin", "watchdog.direct.bin", "watchdog.elf"));

TEST(watchdog, resets_are_bounded) {
  run_options options;
  options.max_resets = 0;
  const auto out = run_file(fw("watchdog.bin"), options);
  EXPECT_EQ(out.result.reason, stop_reason::fault);
  EXPECT_NE(out.result.fault.find("reset loop"), std::string::npos) << out.result.fault;
  EXPECT_EQ(out.uart.find("reset reason 7"), std::string::npos);
}

TEST(watchdog, a_configured_mwdt_fires_at_its_first_reset_stage) {
  peripherals p;
  constexpr uint32_t timg1 = 0x60020000;
  p.write(timg1 + 0x64, 0x50D83AA1, 0);                               // key
  p.write(timg1 + 0x4C, 40'000u << 16, 0);                            // 1 kHz from the XTAL
  p.write(timg1 + 0x50, 10, 0);                                       // stage 0: 10 ms
  p.write(timg1 + 0x54, 5, 0);                                        // stage 1: 5 ms
  p.write(timg1 + 0x48, bit(31) | 1u << 29 | 2u << 27 | bit(21), 0);  // interrupt, CPU reset
  EXPECT_EQ(p.watchdog_reset_cycle(), 15u * 160'000u);  // counting since reset (cycle 0)
  p.write(timg1 + 0x60, 1, 1000);                       // fed at cycle 1000
  EXPECT_EQ(p.watchdog_reset_cycle(), 1000u + 15u * 160'000u);
  EXPECT_EQ(p.watchdog_reset_reason(), 0x11);  // TIMG1, CPU
  p.chip_reset(0x11, true, 5000);
  EXPECT_EQ(p.watchdog_reset_cycle(), UINT64_MAX);  // TIMG1 is back to flash-boot mode
  EXPECT_EQ(p.read(0x60008038, 5000) & 0x3Fu, 0x11u);
}

/// The "N" of "<prefix>N spins per ms" in `text` (0 if absent).
unsigned spins_after(const std::string& text, const std::string& prefix) {
  const size_t at = text.find(prefix);
  return at == std::string::npos
             ? 0u
             : static_cast<unsigned>(std::stoul(text.substr(at + prefix.size())));
}

TEST(clock160, blink_timing_is_exact_at_80_and_at_160_mhz) {
  const auto out = run_file(fw("clock160.bin"));
  EXPECT_EQ(out.result.reason, stop_reason::halted);
  EXPECT_TRUE(out.reports.empty()) << out.reports.front();
  ASSERT_EQ(out.edges.size(), 40u);
  // Both halves: every edge 5 ms after the previous one, give or take the poll loop's turn
  // (a few instructions: under 200 ns, 32 cycles of the 160 MHz time base), and the 20 edges of
  // each half span exactly 19 half periods (the deadlines are absolute, so nothing adds up).
  const int64_t half_period = 5 * 160'000;
  for (size_t i = 1; i < out.edges.size(); ++i) {
    if (i == 20) continue;  // the switch and the 160 MHz measurement lie between the halves
    const auto gap = static_cast<int64_t>(out.edges[i].cycle - out.edges[i - 1].cycle);
    EXPECT_LE(std::abs(gap - half_period), 32) << "edge " << i;
  }
  for (size_t first : {size_t{0}, size_t{20}}) {
    const auto span = static_cast<int64_t>(out.edges[first + 19].cycle - out.edges[first].cycle);
    EXPECT_LE(std::abs(span - 19 * half_period), 32) << "half starting at edge " << first;
  }
  // The CPU itself ran twice as fast after the switch: twice the loop turns per millisecond.
  const unsigned slow = spins_after(out.uart, "clock160: cpu 80 MHz, ");
  const unsigned fast = spins_after(out.uart, "clock160: cpu 160 MHz, ");
  ASSERT_GT(slow, 100u) << out.uart;
  EXPECT_NEAR(static_cast<double>(fast) / slow, 2.0, 0.05) << out.uart;
}

TEST(uart1, firmware_prints_through_the_gpio_matrix) {
  machine m;
  std::vector<std::string> reports;
  m.io().on_report = [&](const std::string& r) { reports.push_back(r); };
  std::string seen;
  m.io().on_uart1_byte = [&](char c) { seen.push_back(c); };
  m.load_file(fw("uart1_hello.bin"));
  const run_result result = m.run();
  EXPECT_EQ(result.reason, stop_reason::halted);
  EXPECT_EQ(result.exit_status(), 0);
  EXPECT_EQ(m.io().uart1_output(), "hello on UART1, GPIO4\n");
  EXPECT_EQ(seen, m.io().uart1_output());
  EXPECT_EQ(m.io().uart0_output(), "");
  EXPECT_TRUE(reports.empty()) << reports.front();
}

TEST(uart1, bytes_reach_a_pin_only_once_u1txd_is_routed) {
  peripherals p;
  std::vector<std::string> reports;
  p.on_report = [&](const std::string& r) { reports.push_back(r); };
  p.write(0x60010000, 'x', 0);  // UART1 FIFO, TXD routed nowhere
  EXPECT_EQ(p.uart1_output(), "");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("UART1 byte on no pin"), std::string::npos) << reports[0];
  p.write(0x60004554 + 4 * 7, 9, 0);  // GPIO7's output: U1TXD
  p.write(0x60010000, 'y', 10);
  EXPECT_EQ(p.uart1_output(), "y");
  EXPECT_EQ(p.uart0_output(), "");
}

TEST(cap, instruction_cap_stops_a_running_firmware) {
  run_options options;
  options.max_instructions = 500;
  const auto out = run_file(fw("blink.bin"), options);
  EXPECT_EQ(out.result.reason, stop_reason::instruction_cap);
  EXPECT_GE(out.result.instructions, 500u);
  EXPECT_EQ(out.result.exit_status(), 3);
}

}  // namespace

// --- interrupts --------------------------------------------------------------------------------

TEST(interrupts, nesting_threshold_level_reentry_critical_section_and_unbound_line) {
  const auto out = run_file(fw("interrupts.bin"));
  EXPECT_NE(out.uart.find("nesting: LHlE\n"), std::string::npos)
      << "priority 3 preempts priority 1, an equal priority waits:\n"
      << out.uart;
  EXPECT_NE(out.uart.find("threshold: 0 entries while masked\n"), std::string::npos) << out.uart;
  EXPECT_NE(out.uart.find("level: 3 entries\n"), std::string::npos) << out.uart;
  EXPECT_NE(out.uart.find("critical_section: inside 0, after 1\n"), std::string::npos) << out.uart;
  EXPECT_NE(out.uart.find("trap: mcause=0x80000014 "), std::string::npos) << out.uart;
  EXPECT_EQ(out.uart.find("unbound: not reported"), std::string::npos) << out.uart;
  EXPECT_EQ(out.result.reason, stop_reason::halted);
  EXPECT_EQ(out.result.halt_status, 2u);  // rt::halt_code::trap
  ASSERT_FALSE(out.result.interrupts.empty());
  EXPECT_EQ(out.result.interrupts.back().line, 20u);
  EXPECT_TRUE(out.reports.empty()) << out.reports.front();
}

TEST(interrupts, the_trap_enters_the_vector_of_its_line_with_mepc_where_it_left) {
  const auto elf = parse_elf(read_file(fw("interrupts.app.elf")));
  const auto table = elf.symbol("_vector_table");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(*table % 256, 0u);
  const auto out = run_file(fw("interrupts.bin"));
  // Nesting: 'H' on line 2 interrupts the handler of line 1, so two entries overlap; every
  // record was taken no earlier than its line became ready.
  ASSERT_GE(out.result.interrupts.size(), 8u);
  EXPECT_EQ(out.result.interrupts[0].line, 1u);
  EXPECT_EQ(out.result.interrupts[1].line, 2u);
  for (const auto& r : out.result.interrupts) {
    EXPECT_GE(r.taken_instructions, r.ready_instructions);
  }
}

/// irq_sleep with GPIO events {pin, {level, seconds}} and UART text arriving from `rx_at` s.
run_output run_sleep(run_options options,
                     const std::vector<std::pair<unsigned, std::pair<bool, double>>>& gpio,
                     const std::string& rx, double rx_at) {
  machine m(options);
  run_output out;
  m.io().on_report = [&](const std::string& r) { out.reports.push_back(r); };
  const double hz = options.clocks.cpu_hz;
  for (const auto& [pin, event] : gpio) {
    m.io().schedule_gpio_input(pin, event.first, static_cast<uint64_t>(event.second * hz));
  }
  if (!rx.empty()) m.io().schedule_uart0_rx(rx, static_cast<uint64_t>(rx_at * hz));
  m.load_file(fw("irq_sleep.bin"));
  out.result = m.run();
  out.uart = m.io().uart0_output();
  out.edges = m.io().edges();
  return out;
}

TEST(wfi, alarms_button_and_uart_lines_wake_the_sleeping_cpu) {
  const auto out = run_sleep({},
                             {{9, {true, 0.0}},
                              {9, {false, 0.150}},
                              {9, {true, 0.160}},
                              {9, {false, 0.420}},
                              {9, {true, 0.430}}},
                             "hello\nworld\n", 0.250);
  EXPECT_EQ(out.uart,
            "press 1 at alarm 1\n"
            "line 'hello' at alarm 2\n"
            "line 'world' at alarm 2\n"
            "press 2 at alarm 4\n"
            "alarms 10 presses 2 received 12 lost 0\n");
  EXPECT_EQ(out.result.exit_status(), 0);
  EXPECT_TRUE(out.reports.empty()) << out.reports.front();
}

TEST(wfi, the_cpu_sleeps_at_least_99_percent_of_a_second_of_alarms) {
  const auto out = run_sleep({}, {}, "", 0);
  EXPECT_EQ(out.uart, "alarms 10 presses 0 received 0 lost 0\n");
  EXPECT_EQ(out.result.interrupts_taken, 10u);
  const double seconds = static_cast<double>(out.result.cycles) / 160e6;
  EXPECT_NEAR(seconds, 1.0, 0.01);
  EXPECT_GE(static_cast<double>(out.result.sleep_cycles),
            0.99 * static_cast<double>(out.result.cycles));
  // Virtual time is instructions plus sleep (plus any idle skip, none here).
  EXPECT_EQ(out.result.cycles, out.result.instructions + out.result.sleep_cycles);
}

TEST(wfi, a_flood_of_10000_uart_bytes_loses_none) {
  const auto out = run_sleep({}, {}, std::string(10'000, 'u'), 0.020);
  EXPECT_NE(out.uart.find("received 10000 lost 0\n"), std::string::npos)
      << out.uart.substr(out.uart.size() > 200 ? out.uart.size() - 200 : 0);
  EXPECT_TRUE(out.reports.empty()) << out.reports.front();  // no RX FIFO overrun
}

TEST(wfi, a_virtual_time_limit_ends_the_sleep_exactly_there) {
  run_options options;
  options.max_cycles = 160'000'000 / 2;  // half a second
  const auto out = run_sleep(options, {}, "", 0);
  EXPECT_EQ(out.result.reason, stop_reason::time_limit);
  EXPECT_EQ(out.result.cycles, options.max_cycles) << "the sleep ends exactly at the limit";
}

TEST(interrupt_latency, handler_probe_counts_instructions_to_the_first_handler_instruction) {
  const auto elf = parse_elf(read_file(fw("irq_sleep.app.elf")));
  const auto handler = elf.symbol("_ZN12_GLOBAL__N_18on_alarmEv");
  ASSERT_TRUE(handler.has_value());
  run_options options;
  options.handler_probe = *handler;
  const auto out = run_sleep(options, {}, "", 0);
  ASSERT_EQ(out.result.interrupts.size(), 10u);
  for (const auto& r : out.result.interrupts) {
    ASSERT_NE(r.probe_instructions, 0u);
    // Trap entry saves 18 words and reads three CSRs; dispatch looks up the handler.
    EXPECT_GT(r.probe_instructions - r.ready_instructions, 20u);
    EXPECT_LT(r.probe_instructions - r.ready_instructions, 80u);
  }
}
