// esp-blink-emu's command line: each option lands in the struct, and each kind of bad argument
// is an error that names it (the CLI then prints usage and exits 4).
#include "options.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace esp_blink::emu;

TEST(command_line, every_option_reaches_the_struct) {
  const parse_result r = parse_command_line(
      {"--max-instructions", "1000", "--max-time-ms", "2", "--watchdog-ms", "0", "--vcd", "out.vcd",
       "--uart-input", "hi", "--trace-gpio", "--quiet", "--i2c-device", "tmp102@0x49=-3.5",
       "--i2c-device", "tmp102@72", "blink.bin"});
  ASSERT_EQ(r.error, "");
  const command_line& c = r.options;
  EXPECT_EQ(c.run.max_instructions, 1000u);
  EXPECT_EQ(c.run.max_cycles, 2u * 160'000u);
  EXPECT_EQ(c.run.watchdog_timeout_cycles, 0u);
  EXPECT_EQ(c.vcd_path, "out.vcd");
  EXPECT_EQ(c.uart_input, "hi");
  EXPECT_TRUE(c.trace_gpio);
  EXPECT_TRUE(c.quiet);
  ASSERT_EQ(c.devices.size(), 2u);
  EXPECT_EQ(c.devices[0].address, 0x49);
  EXPECT_EQ(c.devices[0].value, -3.5);
  EXPECT_EQ(c.devices[1].address, 72);
  EXPECT_EQ(c.devices[1].value, 25.0);  // the default temperature
  EXPECT_EQ(c.image, "blink.bin");
}

TEST(command_line, display_and_usb_options) {
  const parse_result r =
      parse_command_line({"--display", "ssd1306", "--display-dc", "9", "--display-png", "p.png",
                          "--usb-input", "hey", "spi_display.bin"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.display, "ssd1306");
  EXPECT_EQ(r.options.display_dc_pin, 9u);
  EXPECT_EQ(r.options.display_png, "p.png");
  EXPECT_EQ(r.options.usb_input, "hey");
  EXPECT_EQ(parse_command_line({"--display", "ssd1306", "x.bin"}).options.display_dc_pin, 4u);
  EXPECT_EQ(parse_command_line({"--display", "st7789", "x.bin"}).error,
            "--display: unknown display 'st7789' (known: ssd1306)");
  EXPECT_EQ(parse_command_line({"--display-dc", "22", "x.bin"}).error,
            "--display-dc: the ESP32-C3 has GPIO0..GPIO21");
  EXPECT_EQ(parse_command_line({"--display-png", "p.png", "x.bin"}).error,
            "--display-png needs --display");
}

TEST(command_line, stimulus_options_and_file) {
  const std::string path = ::testing::TempDir() + "/esp_blink_stimulus.txt";
  {
    std::ofstream f(path);
    f << "# a comment\n\ngpio-in 4=1@2s\nuart-rx tab\\there@250us\n";
  }
  const parse_result r = parse_command_line({"--gpio-in", "9=0@100ms,1@150", "--uart-rx",
                                             "hi\\n\\x41@200ms", "--stimulus", path, "x.bin"});
  ASSERT_EQ(r.error, "");
  const auto& g = r.options.gpio_inputs;
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].pin, 9u);
  EXPECT_FALSE(g[0].level);
  EXPECT_EQ(g[0].cycle, 100u * 160'000u);
  EXPECT_TRUE(g[1].level);
  EXPECT_EQ(g[1].cycle, 150u * 160'000u) << "a bare number is ms";
  EXPECT_EQ(g[2].pin, 4u);
  EXPECT_EQ(g[2].cycle, 2u * 160'000'000u);
  const auto& u = r.options.uart_inputs;
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].bytes, "hi\nA");
  EXPECT_EQ(u[0].cycle, 200u * 160'000u);
  EXPECT_EQ(u[1].bytes, "tab\there");
  EXPECT_EQ(u[1].cycle, 250u * 160u);
}

TEST(command_line, bad_stimulus_is_named) {
  EXPECT_NE(parse_command_line({"--gpio-in", "22=1@1ms", "x.bin"}).error.find("GPIO0..GPIO21"),
            std::string::npos);
  EXPECT_NE(parse_command_line({"--gpio-in", "9=2@1ms", "x.bin"}).error.find("LEVEL 0 or 1"),
            std::string::npos);
  EXPECT_NE(parse_command_line({"--uart-rx", "no time", "x.bin"}).error.find("TEXT@TIME"),
            std::string::npos);
  EXPECT_NE(
      parse_command_line({"--stimulus", "/nonexistent/s.txt", "x.bin"}).error.find("cannot read"),
      std::string::npos);
}

TEST(command_line, help_needs_no_image) {
  for (const char* flag : {"-h", "--help"}) {
    const parse_result r = parse_command_line({flag});
    EXPECT_EQ(r.error, "");
    EXPECT_TRUE(r.options.help);
  }
}

TEST(command_line, bad_arguments_are_named) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no image given"},
      {{"--bogus", "a.bin"}, "unknown option --bogus"},
      {{"a.bin", "b.bin"}, "more than one image: a.bin, b.bin"},
      {{"a.bin", "--vcd"}, "--vcd needs FILE"},
      {{"--max-instructions", "12x", "a.bin"}, "--max-instructions: not a number: '12x'"},
      {{"--max-time-ms", "-1", "a.bin"}, "--max-time-ms: not a number: '-1'"},
      {{"--i2c-device", "tmp102", "a.bin"}, "expected NAME@ADDR[=VALUE]"},
      {{"--i2c-device", "nosuch@0x48", "a.bin"}, "unknown device 'nosuch'"},
      {{"--i2c-device", "tmp102@0x80", "a.bin"}, "address must be 0..0x7F"},
      {{"--i2c-device", "tmp102@0x48=warm", "a.bin"}, "value must be a number"},
  };
  for (const auto& [args, message] : cases) {
    const parse_result r = parse_command_line(args);
    EXPECT_NE(r.error.find(message), std::string::npos)
        << r.error << " (expected: " << message << ")";
  }
}

TEST(command_line, usage_lists_every_option) {
  const std::string text = usage();
  for (const char* name : {"--max-instructions N", "--max-time-ms MS", "--vcd FILE",
                           "--watchdog-ms MS", "--uart-input TEXT", "--trace-gpio",
                           "--i2c-device NAME@ADDR[=VALUE]", "--quiet", "--help"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
  EXPECT_NE(text.find("4 usage or load error"), std::string::npos);
}

TEST(command_line, adc_voltages_per_channel) {
  const parse_result r = parse_command_line({"--adc", "0=1.25", "--adc", "4=0,2=3.3", "adc.bin"});
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.options.adc_inputs.size(), 3u);
  EXPECT_EQ(r.options.adc_inputs[0].channel, 0u);
  EXPECT_EQ(r.options.adc_inputs[0].volts, 1.25);
  EXPECT_EQ(r.options.adc_inputs[1].channel, 4u);
  EXPECT_EQ(r.options.adc_inputs[2].volts, 3.3);
  for (const char* bad : {"5=1", "0=", "0=x", "0=-0.1", "0=3.4", "1.5", "0=1v"}) {
    const parse_result e = parse_command_line({"--adc", bad, "adc.bin"});
    EXPECT_NE(e.error.find(std::string(bad).find('=') == std::string::npos ? "expected" : "ADC"),
              std::string::npos)
        << bad << ": " << e.error;
  }
}

}  // namespace
