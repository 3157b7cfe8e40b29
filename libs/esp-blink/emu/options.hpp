// esp-blink-emu's command line: one table of options, parsed into a `command_line`.
//
//   parse_result r = parse_command_line({"--max-time-ms", "500", "blink.bin"});
//   if (!r.error.empty()) ...  // say r.error, print usage(), exit 4
#pragma once

#include "machine.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace esp_blink::emu {

/// A simulated device for I2C0, from `--i2c-device NAME@ADDR[=VALUE]`.
struct i2c_device_spec {
  std::string name;  // "tmp102"
  uint8_t address;   // 7-bit
  double value;      // tmp102: temperature in degC
};

/// `--gpio-in PIN=LEVEL@TIME,...`: the input pin moves to LEVEL at TIME.
struct gpio_stimulus {
  unsigned pin;
  bool level;
  uint64_t cycle;
};

/// `--adc CHANNEL=VOLTS`: the voltage on ADC1 channel CHANNEL (GPIO CHANNEL).
struct adc_input {
  unsigned channel;
  double volts;
};

/// `--uart-rx TEXT@TIME`: TEXT starts arriving on UART0 RXD at TIME.
struct uart_stimulus {
  std::string bytes;
  uint64_t cycle;
};

struct command_line {
  run_options run;
  std::string image;  // IMAGE_OR_ELF
  std::string vcd_path;
  std::string handler_probe;  // a symbol of the ELF image: latency to its first instruction
  std::string uart_input;
  std::string uart1_path;  // where UART1's output goes: a file, or "-" for stdout with a prefix
  std::string usb_input;   // bytes the USB-Serial-JTAG host has sent at the start
  std::string display;     // "ssd1306" or empty
  unsigned display_dc_pin = 4;
  std::string display_png;  // where to write what the display shows at the end
  std::vector<i2c_device_spec> devices;
  std::vector<gpio_stimulus> gpio_inputs;
  std::vector<uart_stimulus> uart_inputs;
  std::vector<adc_input> adc_inputs;
  bool uart_rx_stdin = false;  // `--uart-rx -`: standard input feeds UART0 RX
  bool trace_gpio = false;
  bool quiet = false;
  bool help = false;  // -h/--help: print usage, exit 0
};

struct parse_result {
  command_line options;
  std::string error;  // empty: parsed
};

/// Parses one stimulus line (`gpio-in SPEC` or `uart-rx SPEC`, as the options take them) into
/// `c`; throws std::invalid_argument. A stimulus file is such lines; lines starting with `#`
/// are comments.
void parse_stimulus_line(command_line& c, const std::string& line);

parse_result parse_command_line(const std::vector<std::string>& args);

/// The usage text, one line per option of the table.
std::string usage();

}  // namespace esp_blink::emu
