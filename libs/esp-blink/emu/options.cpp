// The option table behind parse_command_line, and the usage text made from it.
#include "options.hpp"

#include <cctype>
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
    {"--watchdog-ms", "MS", "a watchdog running MS ms unfed is a fault (default\n5000; 0: off)",
     [](command_line& c, const std::string& v) {
       c.run.watchdog_timeout_cycles = ms_to_cycles(c, v);
     }},
    {"--uart-input", "TEXT", "bytes for UART0 to receive",
     [](command_line& c, const std::string& v) { c.uart_input = v; }},
    {"--trace-gpio", nullptr, "print every GPIO edge to stderr",
     [](command_line& c, const std::string&) { c.trace_gpio = true; }},
    {"--i2c-device", "NAME@ADDR[=VALUE]",
     "attach a simulated I2C device to I2C0; NAME: tmp102\n(VALUE: temperature in degC, default "
     "25)",
     [](command_line& c, const std::string& v) { c.devices.push_back(parse_device(v)); }},
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
