// async_blink in the emulator: the blink period and the button that changes it, the UART echo,
// the share of time asleep in WFI, and a UART flood (nothing lost, or every loss reported).
#include "machine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace esp_blink::emu;

constexpr double cpu_hz = 160e6;

struct async_blink_run {
  run_result result;
  std::string uart;
  std::vector<double> gpio8_rises;  // seconds
};

// Runs async_blink for `seconds` with GPIO9 driven through `gpio9` {level, seconds} and each
// {text, seconds} of `rx` arriving on UART0 from its time on.
async_blink_run run_async_blink(double seconds, const std::vector<std::pair<bool, double>>& gpio9,
                                const std::vector<std::pair<std::string, double>>& rx = {}) {
  run_options options;
  options.max_cycles = static_cast<uint64_t>(seconds * cpu_hz);
  machine m(options);
  m.io().schedule_gpio_input(9, true, 0);  // the BOOT button's pull-up: released
  for (const auto& [level, at] : gpio9) {
    m.io().schedule_gpio_input(9, level, static_cast<uint64_t>(at * cpu_hz));
  }
  for (const auto& [text, at] : rx) {
    m.io().schedule_uart0_rx(text, static_cast<uint64_t>(at * cpu_hz));
  }
  m.load_file(std::string(ESP_BLINK_FIRMWARE_BIN) + "/async_blink.bin");
  async_blink_run out;
  out.result = m.run();
  out.uart = m.io().uart0_output();
  for (const auto& e : m.io().edges()) {
    if (e.pin == 8 && e.level) out.gpio8_rises.push_back(static_cast<double>(e.cycle) / cpu_hz);
  }
  return out;
}

// The periods (rise to rise) that start in [from, to).
std::vector<double> periods_between(const std::vector<double>& rises, double from, double to) {
  std::vector<double> periods;
  for (size_t i = 1; i < rises.size(); ++i) {
    if (rises[i - 1] >= from && rises[i - 1] < to) periods.push_back(rises[i] - rises[i - 1]);
  }
  return periods;
}

TEST(async_blink, the_button_halves_the_period_and_restores_it) {
  // Presses (falling edges) at 3.1 s and 6.1 s.
  const auto out = run_async_blink(10.0, {{false, 3.1}, {true, 3.15}, {false, 6.1}, {true, 6.15}});
  EXPECT_EQ(out.result.reason, stop_reason::time_limit);
  // Each press takes effect at the next toggle; skip the period it falls in.
  const auto slow_before = periods_between(out.gpio8_rises, 0.0, 2.1);
  const auto fast = periods_between(out.gpio8_rises, 3.6, 5.6);
  const auto slow_after = periods_between(out.gpio8_rises, 7.1, 9.0);
  ASSERT_GE(slow_before.size(), 2u);
  ASSERT_GE(fast.size(), 3u);
  ASSERT_GE(slow_after.size(), 1u);
  for (double p : slow_before) EXPECT_NEAR(p, 1.0, 0.01);
  for (double p : fast) EXPECT_NEAR(p, 0.5, 0.005);
  for (double p : slow_after) EXPECT_NEAR(p, 1.0, 0.01);
}

TEST(async_blink, uart_lines_come_back_in_order) {
  const auto out = run_async_blink(1.0, {}, {{"hello\nasync world\n\nlast\n", 0.2}});
  EXPECT_EQ(out.uart, "echo: hello\necho: async world\necho: \necho: last\n");
}

TEST(async_blink, the_cpu_sleeps_at_least_99_percent_of_the_time_while_only_blinking) {
  const auto out = run_async_blink(5.0, {});
  EXPECT_EQ(out.gpio8_rises.size(), 5u);
  EXPECT_GE(static_cast<double>(out.result.sleep_cycles),
            0.99 * static_cast<double>(out.result.cycles));
}

TEST(async_blink, a_flood_of_10000_bytes_in_one_line_loses_none) {
  const auto out = run_async_blink(2.0, {}, {{std::string(10'000, 'u') + "\n", 0.1}});
  // The line is cut at 80 characters, every byte was taken from the channel in time.
  EXPECT_EQ(out.uart, "echo: " + std::string(80, 'u') + "\n");
}

TEST(async_blink, a_flood_of_short_lines_reports_every_byte_it_drops) {
  // 60 lines of 9 characters: each echo is longer than its line, so once the TX FIFO is full
  // the echo falls behind the line rate and the receive channel overflows (after about 40
  // lines). Every byte must be accounted for: echoed, a line end, or counted in an
  // "rx overrun" report. A last line end after the flood flushes a line whose own end was
  // dropped. (Short: while the echo waits for the TX FIFO the CPU is busy.)
  std::string flood;
  for (int i = 0; i < 60; ++i) flood += "abcdefghi\n";
  const auto out = run_async_blink(0.3, {}, {{flood, 0.05}, {"\n", 0.25}});
  size_t echoed = 0, line_ends = 0, dropped = 0, reports = 0;
  size_t pos = 0;
  while (pos < out.uart.size()) {
    const size_t end = out.uart.find('\n', pos);
    ASSERT_NE(end, std::string::npos) << "output ends inside a line";
    const std::string line = out.uart.substr(pos, end - pos);
    if (line.rfind("echo: ", 0) == 0) {
      echoed += line.size() - 6;
      ++line_ends;
    } else {
      ASSERT_EQ(line.rfind("rx overrun: ", 0), 0u) << line;
      dropped += std::stoul(line.substr(12));
      ++reports;
    }
    pos = end + 1;
  }
  EXPECT_GT(reports, 0u);
  EXPECT_EQ(echoed + line_ends + dropped, flood.size() + 1);
}

TEST(async_blink, a_live_uart_source_is_read_as_the_run_goes_and_no_more_once_it_ends) {
  run_options options;
  options.max_cycles = static_cast<uint64_t>(2.0 * cpu_hz);
  options.uart_rx_poll_instructions = 10'000;
  int calls = 0, calls_after_end = 0;
  bool ended = false;
  // Bytes on the 3rd and 6th call, the end on the 8th: never asked again after it.
  options.uart_rx_source = [&](std::string& bytes, bool) {
    if (ended) ++calls_after_end;
    ++calls;
    if (calls == 3) bytes = "first\n";
    if (calls == 6) bytes = "second\n";
    if (calls == 8) ended = true;
    return !ended;
  };
  machine m(options);
  m.io().schedule_gpio_input(9, true, 0);
  m.load_file(std::string(ESP_BLINK_FIRMWARE_BIN) + "/async_blink.bin");
  const auto result = m.run();
  EXPECT_EQ(result.reason, stop_reason::time_limit);
  EXPECT_EQ(m.io().uart0_output(), "echo: first\necho: second\n");
  EXPECT_EQ(calls, 8);
  EXPECT_EQ(calls_after_end, 0);
}

}  // namespace
