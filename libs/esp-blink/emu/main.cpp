// esp-blink-emu: runs ESP32-C3 firmware (ELF, app image or direct-boot image) on Unicorn with
// peripheral models. UART0 output goes to stdout, exactly as sent; everything the emulator
// itself says goes to stderr.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "machine.hpp"
#include "vcd.hpp"

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: esp-blink-emu [options] IMAGE_OR_ELF\n"
               "  --max-instructions N  stop after N instructions (exit status 3)\n"
               "  --max-time-ms MS      stop after MS ms of virtual time (exit status 0)\n"
               "  --vcd FILE            write the GPIO pins as a VCD\n"
               "  --watchdog-ms MS      a watchdog running MS ms unfed is a fault (default\n"
               "                        5000; 0: off)\n"
               "  --uart-input TEXT     bytes for UART0 to receive\n"
               "  --trace-gpio          print every GPIO edge to stderr\n"
               "  --i2c-device NAME@ADDR[=VALUE]\n"
               "                        attach a simulated I2C device to I2C0; NAME: tmp102\n"
               "                        (VALUE: temperature in degC, default 25)\n"
               "  --quiet               no summary on stderr\n"
               "exit status: 0 clean halt (status 0) or time limit, 1 trap or non-zero halt,\n"
               "             2 fault, 3 instruction cap, 4 usage or load error\n");
}

const char* reason_name(esp_blink::emu::stop_reason r) {
  using esp_blink::emu::stop_reason;
  switch (r) {
    case stop_reason::halted: return "halted";
    case stop_reason::trap_halt: return "halted after a trap";
    case stop_reason::fault: return "fault";
    case stop_reason::instruction_cap: return "instruction cap reached";
    case stop_reason::time_limit: return "time limit reached";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  esp_blink::emu::run_options options;
  std::string path, vcd_path, uart_input;
  bool trace_gpio = false, quiet = false;
  struct device_spec {
    std::string name;
    unsigned long address;
    double value;
  };
  std::vector<device_spec> devices;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(4);
      }
      return argv[++i];
    };
    try {
      if (arg == "--max-instructions") {
        options.max_instructions = std::stoull(value());
      } else if (arg == "--max-time-ms") {
        options.max_cycles = std::stoull(value()) * (options.clocks.cpu_hz / 1000u);
      } else if (arg == "--watchdog-ms") {
        options.watchdog_timeout_cycles = std::stoull(value()) * (options.clocks.cpu_hz / 1000u);
      } else if (arg == "--vcd") {
        vcd_path = value();
      } else if (arg == "--uart-input") {
        uart_input = value();
      } else if (arg == "--i2c-device") {
        const std::string spec = value();
        const auto at = spec.find('@');
        const auto eq = spec.find('=');
        if (at == std::string::npos) throw std::invalid_argument(spec);
        device_spec d{spec.substr(0, at),
                      std::stoul(spec.substr(at + 1, eq == std::string::npos ? std::string::npos
                                                                             : eq - at - 1),
                                 nullptr, 0),
                      eq == std::string::npos ? 25.0 : std::stod(spec.substr(eq + 1))};
        if (d.name != "tmp102" || d.address > 0x7F) throw std::invalid_argument(spec);
        devices.push_back(d);
      } else if (arg == "--trace-gpio") {
        trace_gpio = true;
      } else if (arg == "--quiet") {
        quiet = true;
      } else if (arg == "-h" || arg == "--help") {
        usage();
        return 0;
      } else if (!arg.empty() && arg[0] == '-') {
        usage();
        return 4;
      } else {
        path = arg;
      }
    } catch (const std::exception&) {
      usage();
      return 4;
    }
  }
  if (path.empty()) {
    usage();
    return 4;
  }

  esp_blink::emu::machine m(options);
  const double cpu_hz = options.clocks.cpu_hz;
  m.io().on_uart0_byte = [](char c) {
    std::fputc(c, stdout);
    if (c == '\n') std::fflush(stdout);
  };
  m.io().on_report = [](const std::string& what) {
    std::fprintf(stderr, "esp-blink-emu: %s\n", what.c_str());
  };
  if (trace_gpio) {
    m.io().on_edge = [cpu_hz](const esp_blink::emu::gpio_edge& e) {
      std::fprintf(stderr, "esp-blink-emu: gpio%u -> %d at %.6f s (instruction %llu)\n", e.pin,
                   e.level ? 1 : 0, static_cast<double>(e.cycle) / cpu_hz,
                   static_cast<unsigned long long>(e.instructions));
    };
  }
  m.io().inject_uart0_rx(uart_input);
  for (const auto& d : devices) {
    m.io().i2c0().attach(static_cast<uint8_t>(d.address),
                         std::make_unique<esp_blink::emu::tmp102>(d.value));
  }
  try {
    m.load_file(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "esp-blink-emu: %s: %s\n", path.c_str(), e.what());
    return 4;
  }
  const auto result = m.run();
  std::fflush(stdout);
  for (const auto& t : result.traps) {
    std::fprintf(stderr, "esp-blink-emu: trap mcause=%u mepc=0x%08x mtval=0x%08x\n", t.mcause,
                 t.mepc, t.mtval);
  }
  if (result.reason == esp_blink::emu::stop_reason::fault) {
    std::fprintf(stderr, "esp-blink-emu: fault: %s\n", result.fault.c_str());
  }
  if (!quiet) {
    std::fprintf(stderr,
                 "esp-blink-emu: %s (%s), status %u, %llu instructions, %.6f s virtual, "
                 "%zu GPIO edges, first UART byte at instruction %llu\n",
                 reason_name(result.reason), m.boot_kind().c_str(), result.halt_status,
                 static_cast<unsigned long long>(result.instructions),
                 static_cast<double>(result.cycles) / cpu_hz, m.io().edges().size(),
                 static_cast<unsigned long long>(result.first_uart_byte_instructions));
  }
  if (!vcd_path.empty()) {
    std::ofstream out(vcd_path);
    esp_blink::emu::write_vcd(out, m.io().edges(), result.cycles, options.clocks.cpu_hz);
    if (!out) {
      std::fprintf(stderr, "esp-blink-emu: cannot write %s\n", vcd_path.c_str());
      return 4;
    }
  }
  return result.exit_status();
}
