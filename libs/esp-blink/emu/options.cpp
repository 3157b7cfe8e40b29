// The option table behind parse_command_line, and the usage text made from it.
#include "options.hpp"

#include <cctype>
#include <fstream>
#include <stdexcept>

namespace esp_blink::emu {
namespace {

/// A whole decimal number or nothing: "12x", "-1" and "" are errors, not 12 or a wrap-around.
uint64_t to_u64(const std::string& text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) {
    throw std::invalid_argument("not a number: '" + text + "'");
  }
  size_t used = 0;
  const uint64_t value = std::stoull(text, &used);
  if (used != text.size()) throw std::invalid_argument("not a number: '" + text + "'");
  return value;
}

uint64_t ms_to_cycles(const command_line& c, const std::string& text) {
  return to_u64(text) * (c.run.clocks.cpu_hz / 1000u);
}

/// NAME@ADDR[=VALUE]; ADDR in C notation (0x48, 72), at most 0x7F.
i2c_device_spec parse_device(const std::string& spec) {
  const auto at = spec.find('@');
  const auto eq = spec.find('=');
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("bad I2C device '" + spec + "': " + why);
  };
  if (at == std::string::npos) throw bad("expected NAME@ADDR[=VALUE]");
  const std::string name = spec.substr(0, at);
  if (name != "tmp102") throw bad("unknown device '" + name + "' (known: tmp102)");
  const std::string address = spec.substr(at + 1, eq == std::string::npos ? eq : eq - at - 1);
  size_t used = 0;
  unsigned long a = 0;
  try {
    a = std::stoul(address, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (address.empty() || used != address.size() || a > 0x7F) {
    throw bad("address must be 0..0x7F");
  }
  double value = 25.0;
  if (eq != std::string::npos) {
    try {
      value = std::stod(spec.substr(eq + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != spec.size() - eq - 1) throw bad("value must be a number");
  }
  return {name, static_cast<uint8_t>(a), value};
}

/// CHANNEL=VOLTS[,CHANNEL=VOLTS...]: ADC1 channels 0..4, 0 to 3.3 V (the pads' supply).
void parse_adc(command_line& c, const std::string& spec) {
  size_t from = 0;
  for (;;) {
    const auto comma = spec.find(',', from);
    const std::string item = spec.substr(from, comma == std::string::npos ? comma : comma - from);
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      throw std::invalid_argument("expected CHANNEL=VOLTS, got '" + item + "'");
    }
    const uint64_t channel = to_u64(item.substr(0, eq));
    if (channel >= adc1_channels) throw std::invalid_argument("ADC1 has channels 0..4");
    const std::string text = item.substr(eq + 1);
    size_t used = 0;
    double volts = -1;
    try {
      volts = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || !(volts >= 0.0 && volts <= 3.3)) {
      throw std::invalid_argument("ADC voltage must be a number from 0 to 3.3, got '" + text + "'");
    }
    c.adc_inputs.push_back({static_cast<unsigned>(channel), volts});
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
}

/// 100ms, 250us, 2s, or a bare number of ms.
uint64_t time_to_cycles(const command_line& c, const std::string& text) {
  const uint64_t hz = c.run.clocks.cpu_hz;
  const auto ends = [&](const char* unit) {
    const std::string u(unit);
    return text.size() > u.size() && text.compare(text.size() - u.size(), u.size(), u) == 0;
  };
  if (ends("us")) return to_u64(text.substr(0, text.size() - 2)) * (hz / 1'000'000u);
  if (ends("ms")) return to_u64(text.substr(0, text.size() - 2)) * (hz / 1000u);
  if (ends("s")) return to_u64(text.substr(0, text.size() - 1)) * hz;
  return to_u64(text) * (hz / 1000u);
}

/// PIN=LEVEL@TIME[,LEVEL@TIME...]
void parse_gpio_in(command_line& c, const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) throw std::invalid_argument("expected PIN=LEVEL@TIME,...");
  const uint64_t pin = to_u64(spec.substr(0, eq));
  if (pin >= gpio_pins) throw std::invalid_argument("the ESP32-C3 has GPIO0..GPIO21");
  size_t from = eq + 1;
  for (;;) {
    const auto comma = spec.find(',', from);
    const std::string item = spec.substr(from, comma == std::string::npos ? comma : comma - from);
    const auto at = item.find('@');
    const std::string level = item.substr(0, at);
    if (at == std::string::npos || (level != "0" && level != "1")) {
      throw std::invalid_argument("expected LEVEL@TIME with LEVEL 0 or 1, got '" + item + "'");
    }
    c.gpio_inputs.push_back(
        {static_cast<unsigned>(pin), level == "1", time_to_cycles(c, item.substr(at + 1))});
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
}

/// TEXT@TIME, TEXT with the escapes \n \r \t \\ \xHH.
void parse_uart_rx(command_line& c, const std::string& spec) {
  const auto at = spec.rfind('@');
  if (at == std::string::npos) throw std::invalid_argument("expected TEXT@TIME");
  std::string bytes;
  for (size_t i = 0; i < at; ++i) {
    if (spec[i] != '\\' || i + 1 >= at) {
      bytes += spec[i];
      continue;
    }
    const char e = spec[++i];
    switch (e) {
      case 'n':
        bytes += '\n';
        break;
      case 'r':
        bytes += '\r';
        break;
      case 't':
        bytes += '\t';
        break;
      case '\\':
        bytes += '\\';
        break;
      case 'x':
        if (i + 2 >= at) throw std::invalid_argument("\\x needs two hex digits");
        bytes += static_cast<char>(std::stoul(spec.substr(i + 1, 2), nullptr, 16));
        i += 2;
        break;
      default:
        throw std::invalid_argument(std::string("unknown escape \\") + e);
    }
  }
  c.uart_inputs.push_back({bytes, time_to_cycles(c, spec.substr(at + 1))});
}

void parse_stimulus_file(command_line& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read " + path);
  std::string line;
  unsigned number = 0;
  while (std::getline(in, line)) {
    ++number;
    try {
      parse_stimulus_line(c, line);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
}

struct option {
  const char* name;
  const char* value_name;                                  // nullptr: a flag
  const char* help;                                        // further lines after '\n'
  void (*apply)(command_line&, const std::string& value);  // throws std::invalid_argument
};

const option options[] = {
    {"--max-instructions", "N", "stop after N instructions (exit status 3)",
     [](command_line& c, const std::string& v) { c.run.max_instructions = to_u64(v); }},
    {"--max-time-ms", "MS", "stop after MS ms of virtual time (exit status 0)",
     [](command_line& c, const std::string& v) { c.run.max_cycles = ms_to_cycles(c, v); }},
    {"--vcd", "FILE", "write the GPIO pins as a VCD",
     [](command_line& c, const std::string& v) { c.vcd_path = v; }},
    {"--watchdog-ms", "MS",
     "a watchdog the ROM armed running MS ms unfed is a\nfault (default 5000; 0: off)",
     [](command_line& c, const std::string& v) {
       c.run.watchdog_timeout_cycles = ms_to_cycles(c, v);
     }},
    {"--uart-input", "TEXT", "bytes for UART0 to receive, all in the FIFO at the start",
     [](command_line& c, const std::string& v) { c.uart_input = v; }},
    {"--gpio-in", "PIN=LEVEL@TIME,...",
     "drive input PIN to LEVEL (0/1) at each TIME (100ms,\n250us, 2s; bare numbers are ms)",
     [](command_line& c, const std::string& v) { parse_gpio_in(c, v); }},
    {"--uart-rx", "TEXT@TIME",
     "TEXT arrives on UART0 RXD from TIME on, at the baud\nrate (escapes \\n \\r \\t \\\\ \\xHH); "
     "'-':"
     " standard\ninput, as it arrives (also when stdin and stdout are\na terminal)",
     [](command_line& c, const std::string& v) {
       if (v == "-") {
         c.uart_rx_stdin = true;
       } else {
         parse_uart_rx(c, v);
       }
     }},
    {"--stimulus", "FILE",
     "lines 'gpio-in SPEC' and 'uart-rx SPEC' as the two\noptions above; lines starting '#' are "
     "comments",
     [](command_line& c, const std::string& v) { parse_stimulus_file(c, v); }},
    {"--trace-gpio", nullptr, "print every GPIO edge to stderr",
     [](command_line& c, const std::string&) { c.trace_gpio = true; }},
    {"--i2c-device", "NAME@ADDR[=VALUE]",
     "attach a simulated I2C device to I2C0; NAME: tmp102\n(VALUE: temperature in degC, default "
     "25)",
     [](command_line& c, const std::string& v) { c.devices.push_back(parse_device(v)); }},
    {"--uart1", "FILE",
     "write what UART1 sends on its pin to FILE; '-': to\nstdout, each line starting 'uart1: '",
     [](command_line& c, const std::string& v) { c.uart1_path = v; }},
    {"--adc", "CHANNEL=VOLTS,...",
     "the voltage on ADC1 channel CHANNEL (0..4, GPIO0..4),\n0 to 3.3 V; unset channels read 0 V",
     [](command_line& c, const std::string& v) { parse_adc(c, v); }},
    {"--usb-input", "TEXT", "bytes for the USB-Serial-JTAG port to receive",
     [](command_line& c, const std::string& v) { c.usb_input = v; }},
    {"--display", "NAME",
     "attach a display to SPI2 (CS0); NAME: ssd1306 (128x64,\nD/C on GPIO4 unless --display-dc)",
     [](command_line& c, const std::string& v) {
       if (v != "ssd1306")
         throw std::invalid_argument("unknown display '" + v + "' (known: ssd1306)");
       c.display = v;
     }},
    {"--display-dc", "PIN", "the display's D/C line (default GPIO4)",
     [](command_line& c, const std::string& v) {
       const uint64_t pin = to_u64(v);
       if (pin >= gpio_pins) throw std::invalid_argument("the ESP32-C3 has GPIO0..GPIO21");
       c.display_dc_pin = static_cast<unsigned>(pin);
     }},
    {"--display-png", "FILE", "write what the display shows at the end as a PNG\n(needs --display)",
     [](command_line& c, const std::string& v) { c.display_png = v; }},
    {"--handler-probe", "SYMBOL",
     "(ELF images) report interrupt latency to SYMBOL's\nfirst instruction, in instructions",
     [](command_line& c, const std::string& v) { c.handler_probe = v; }},
    {"--quiet", nullptr, "no summary on stderr",
     [](command_line& c, const std::string&) { c.quiet = true; }},
    {"--help", nullptr, "this text (also -h)",
     [](command_line& c, const std::string&) { c.help = true; }},
};

const option* find_option(const std::string& arg) {
  const std::string name = arg == "-h" ? "--help" : arg;
  for (const auto& o : options) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

}  // namespace

void parse_stimulus_line(command_line& c, const std::string& line) {
  const std::string text = line.substr(0, line.find('#') == 0 ? 0 : std::string::npos);
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return;
  const auto space = text.find(' ', first);
  const std::string verb = text.substr(first, space == std::string::npos ? space : space - first);
  const std::string spec = space == std::string::npos ? "" : text.substr(space + 1);
  if (verb == "gpio-in") return parse_gpio_in(c, spec);
  if (verb == "uart-rx") return parse_uart_rx(c, spec);
  throw std::invalid_argument("expected 'gpio-in SPEC' or 'uart-rx SPEC', got '" + verb + "'");
}

parse_result parse_command_line(const std::vector<std::string>& args) {
  parse_result r;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const option* o = find_option(arg);
    if (o == nullptr && !arg.empty() && arg[0] == '-') {
      r.error = "unknown option " + arg;
      return r;
    }
    if (o == nullptr) {
      if (!r.options.image.empty()) {
        r.error = "more than one image: " + r.options.image + ", " + arg;
        return r;
      }
      r.options.image = arg;
      continue;
    }
    if (o->value_name != nullptr && i + 1 >= args.size()) {
      r.error = arg + " needs " + o->value_name;
      return r;
    }
    try {
      o->apply(r.options, o->value_name != nullptr ? args[++i] : std::string());
    } catch (const std::exception& e) {
      r.error = arg + ": " + e.what();
      return r;
    }
    if (r.options.help) return r;
  }
  if (r.options.image.empty()) r.error = "no image given";
  if (r.error.empty() && !r.options.display_png.empty() && r.options.display.empty()) {
    r.error = "--display-png needs --display";
  }
  return r;
}

std::string usage() {
  constexpr size_t help_column = 24;
  std::string text = "usage: esp-blink-emu [options] IMAGE_OR_ELF\n";
  for (const auto& o : options) {
    std::string line = std::string("  ") + o.name;
    if (o.value_name != nullptr) line += std::string(" ") + o.value_name;
    line += line.size() + 2 <= help_column ? std::string(help_column - line.size(), ' ')
                                           : "\n" + std::string(help_column, ' ');
    for (const char* c = o.help; *c != '\0'; ++c) {
      line += *c;
      if (*c == '\n') line += std::string(help_column, ' ');
    }
    text += line + "\n";
  }
  text +=
      "exit status: 0 clean halt (status 0) or time limit, 1 trap or non-zero halt,\n"
      "             2 fault, 3 instruction cap, 4 usage or load error\n";
  return text;
}

}  // namespace esp_blink::emu
