// pwm_fade and adc_read in the emulator: the fade's duty measured from the VCD the run writes,
// and the millivolts adc_read prints for the voltages given to the ADC model.
#include "machine.hpp"
#include "vcd.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace esp_blink::emu;

std::string fw(const std::string& name) {
  return std::string(ESP_BLINK_FIRMWARE_BIN) + "/" + name;
}

struct level_change {
  uint64_t ns;
  bool level;
};

/// The changes of wire `name` in a VCD file, in time order (the initial low is not one).
std::vector<level_change> read_vcd_wire(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::string line, id;
  std::vector<level_change> changes;
  uint64_t now = 0;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first, kind, size, var_id, var_name;
    words >> first;
    if (first == "$var" && (words >> kind >> size >> var_id >> var_name) && var_name == name) {
      id = var_id;
    } else if (!first.empty() && first[0] == '#') {
      now = std::stoull(first.substr(1));
    } else if (!id.empty() && first.size() == 1 + id.size() && first.substr(1) == id &&
               (first[0] == '0' || first[0] == '1')) {
      const bool level = first[0] == '1';
      if (level != (changes.empty() ? false : changes.back().level))
        changes.push_back({now, level});
    }
  }
  return changes;
}

TEST(pwm_fade, the_duty_in_the_vcd_follows_the_fade_within_1_percent) {
  machine m;
  std::vector<std::string> reports;
  m.io().on_report = [&](const std::string& r) { reports.push_back(r); };
  m.load_file(fw("pwm_fade.bin"));
  const run_result result = m.run();
  EXPECT_EQ(result.reason, stop_reason::halted);
  EXPECT_EQ(m.io().uart0_output(),
            "pwm: 5 kHz at 14 bits: frequency too high for this resolution\n"
            "pwm: up to 1000/1024\npwm: down to 0\n");
  EXPECT_TRUE(reports.empty()) << reports.front();
  const std::string vcd = ESP_BLINK_PWM_VCD;
  {
    std::ofstream out(vcd);
    write_vcd(out, m.io().edges(), result.cycles, 160'000'000);
  }
  const std::vector<level_change> wire = read_vcd_wire(vcd, "gpio5");
  std::vector<uint64_t> rises, falls;
  for (const auto& c : wire) (c.level ? rises : falls).push_back(c.ns);
  ASSERT_GE(rises.size(), 1000u);
  ASSERT_FALSE(wire.back().level);  // faded down to off

  // 1 kHz, 10-bit duty: the fade up steps one count per period from 0, so the first period
  // with a pulse is one period after the fade started; the duty at time t after the start is
  // 1000/1024 * t / 1 s.
  const double period_ns = 1e6;
  EXPECT_NEAR(static_cast<double>(rises[1] - rises[0]), period_ns, period_ns / 100);
  const double start_ns = static_cast<double>(rises[0]) - period_ns;
  for (unsigned point = 1; point <= 10; ++point) {
    const size_t i = point * 100 - 1;  // the period starting 100 * point periods in
    ASSERT_LT(i + 1, rises.size());
    ASSERT_LT(rises[i], falls[i]);
    const double high = static_cast<double>(falls[i] - rises[i]);
    const double period = static_cast<double>(rises[i + 1] - rises[i]);
    const double measured = high / period;
    const double expected = 1000.0 / 1024 * (static_cast<double>(rises[i]) - start_ns) / 1e9;
    EXPECT_NEAR(measured, expected, expected / 100) << "point " << point;
  }
}

/// adc_read's report for one channel: millivolts, or -1 for "above range".
int reported_mv(const std::string& output, unsigned channel) {
  const std::string key = "adc: channel " + std::to_string(channel) + " at ";
  const auto at = output.find(key);
  if (at == std::string::npos) return -2;
  const auto colon = output.find(": ", at + key.size());
  const std::string rest = output.substr(colon + 2, output.find('\n', colon) - colon - 2);
  if (rest.rfind("above range", 0) == 0) return -1;
  return std::stoi(rest);
}

TEST(adc_read, prints_the_given_voltages_within_the_documented_error) {
  // channel 0 at 0 dB (+-10 mV), 1 at 2.5 dB, 2 at 6 dB (+-10), 3 and 4 at 11 dB (+-35).
  const double error_mv[] = {10, 10, 10, 35, 35};
  const std::vector<std::vector<double>> cases = {
      {0.5, 0.9, 1.2, 2.2, 3.0}, {0.1, 0.3, 0.05, 1.0, 0.6}, {0.0, 1.04, 1.29, 0.15, 2.49}};
  for (const auto& volts : cases) {
    machine m;
    for (unsigned ch = 0; ch < 5; ++ch) m.io().adc().set_voltage(ch, volts[ch]);
    m.load_file(fw("adc_read.bin"));
    const run_result result = m.run();
    ASSERT_EQ(result.reason, stop_reason::halted);
    const std::string& out = m.io().uart0_output();
    for (unsigned ch = 0; ch < 5; ++ch) {
      const int mv = reported_mv(out, ch);
      if (volts[ch] >= 2.5 && ch >= 3) {
        EXPECT_EQ(mv, -1) << out;  // 11 dB ends at 2500 mV
        continue;
      }
      EXPECT_NEAR(mv, volts[ch] * 1000, error_mv[ch]) << "channel " << ch << "\n" << out;
    }
    EXPECT_EQ(m.io().adc().conversions(), 5u);
  }
}

}  // namespace
