// esp-blink-emu: runs ESP32-C3 firmware (ELF, app image or direct-boot image) on Unicorn with
// peripheral models. UART0 output goes to stdout, exactly as sent; everything the emulator
// itself says goes to stderr, each line starting "esp-blink-emu: ". Exit statuses: usage().
#include "image.hpp"
#include "machine.hpp"
#include "options.hpp"
#include "stdin_source.hpp"
#include "vcd.hpp"

#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace esp_blink::emu;

constexpr int usage_or_load_error = 4;

const char* reason_name(stop_reason r) {
  switch (r) {
    case stop_reason::halted:
      return "halted";
    case stop_reason::trap_halt:
      return "halted after a trap";
    case stop_reason::fault:
      return "fault";
    case stop_reason::instruction_cap:
      return "instruction cap reached";
    case stop_reason::time_limit:
      return "time limit reached";
  }
  return "?";
}

/// UART0 to stdout, reports (and edges, when traced) to stderr, the stimulus, the I2C devices.
void connect(machine& m, const command_line& cl) {
  m.io().on_uart0_byte = [](char c) {
    std::fputc(c, stdout);
    if (c == '\n') std::fflush(stdout);
  };
  m.io().on_report = [](const std::string& what) {
    std::fprintf(stderr, "esp-blink-emu: %s\n", what.c_str());
  };
  if (cl.trace_gpio) {
    const double cpu_hz = cl.run.clocks.cpu_hz;
    m.io().on_edge = [cpu_hz](const gpio_edge& e) {
      std::fprintf(stderr, "esp-blink-emu: gpio%u -> %d at %.6f s (instruction %llu)\n", e.pin,
                   e.level ? 1 : 0, static_cast<double>(e.cycle) / cpu_hz,
                   static_cast<unsigned long long>(e.instructions));
    };
  }
  m.io().on_usb_serial_jtag_byte = m.io().on_uart0_byte;  // the same stdout, like UART0
  m.io().inject_uart0_rx(cl.uart_input);
  m.io().inject_usb_serial_jtag_rx(cl.usb_input);
  if (!cl.display.empty()) m.io().attach_ssd1306(cl.display_dc_pin);
  for (const auto& g : cl.gpio_inputs) m.io().schedule_gpio_input(g.pin, g.level, g.cycle);
  for (const auto& a : cl.adc_inputs) m.io().adc().set_voltage(a.channel, a.volts);
  for (const auto& u : cl.uart_inputs) m.io().schedule_uart0_rx(u.bytes, u.cycle);
  for (const auto& d : cl.devices) {
    m.io().i2c0().attach(d.address, std::make_unique<tmp102>(d.value));
  }
}

/// Instructions from a line becoming ready to the trap, and to the probed handler.
void report_latency(const run_result& result) {
  uint64_t n = 0, to_trap = 0, to_handler = 0, probed = 0, max_trap = 0, max_handler = 0;
  for (const auto& r : result.interrupts) {
    ++n;
    const uint64_t trap = r.taken_instructions - r.ready_instructions;
    to_trap += trap;
    max_trap = trap > max_trap ? trap : max_trap;
    if (r.probe_instructions != 0) {
      const uint64_t handler = r.probe_instructions - r.ready_instructions;
      ++probed;
      to_handler += handler;
      max_handler = handler > max_handler ? handler : max_handler;
    }
  }
  if (n == 0) return;
  std::fprintf(stderr,
               "esp-blink-emu: interrupt latency over %llu: to the trap mean %.1f max %llu "
               "instructions",
               static_cast<unsigned long long>(n),
               static_cast<double>(to_trap) / static_cast<double>(n),
               static_cast<unsigned long long>(max_trap));
  if (probed != 0) {
    std::fprintf(stderr, ", to the handler mean %.1f max %llu instructions (%llu probed)",
                 static_cast<double>(to_handler) / static_cast<double>(probed),
                 static_cast<unsigned long long>(max_handler),
                 static_cast<unsigned long long>(probed));
  }
  std::fputc('\n', stderr);
}

/// Traps and a fault always; the one-line summary unless --quiet.
void report(const machine& m, const run_result& result, const command_line& cl) {
  for (const auto& t : result.traps) {
    std::fprintf(stderr, "esp-blink-emu: trap mcause=%u mepc=0x%08x mtval=0x%08x\n", t.mcause,
                 t.mepc, t.mtval);
  }
  if (result.reason == stop_reason::fault) {
    std::fprintf(stderr, "esp-blink-emu: fault: %s\n", result.fault.c_str());
  }
  if (cl.quiet) return;
  report_latency(result);
  if (result.interrupts_taken != 0 || result.sleep_cycles != 0) {
    std::fprintf(stderr, "esp-blink-emu: %llu interrupts taken, asleep in WFI %.6f s (%.2f%%)\n",
                 static_cast<unsigned long long>(result.interrupts_taken),
                 static_cast<double>(result.sleep_cycles) / cl.run.clocks.cpu_hz,
                 result.cycles == 0 ? 0.0
                                    : 100.0 * static_cast<double>(result.sleep_cycles) /
                                          static_cast<double>(result.cycles));
  }
  std::fprintf(stderr,
               "esp-blink-emu: %s (%s), status %u, %llu instructions, %.6f s virtual, "
               "%zu GPIO edges, first UART byte at instruction %llu\n",
               reason_name(result.reason), m.boot_kind().c_str(), result.halt_status,
               static_cast<unsigned long long>(result.instructions),
               static_cast<double>(result.cycles) / cl.run.clocks.cpu_hz, m.io().edges().size(),
               static_cast<unsigned long long>(result.first_uart_byte_instructions));
}

bool write_vcd_file(const machine& m, const run_result& result, const command_line& cl) {
  std::ofstream out(cl.vcd_path);
  write_vcd(out, m.io().edges(), result.cycles, cl.run.clocks.cpu_hz);
  if (out) return true;
  std::fprintf(stderr, "esp-blink-emu: cannot write %s\n", cl.vcd_path.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const parse_result parsed = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  const command_line& cl = parsed.options;
  if (!parsed.error.empty() || cl.help) {
    if (!parsed.error.empty()) std::fprintf(stderr, "esp-blink-emu: %s\n", parsed.error.c_str());
    std::fputs(usage().c_str(), stderr);
    return parsed.error.empty() ? 0 : usage_or_load_error;
  }

  run_options run = cl.run;
  if (!cl.handler_probe.empty()) {
    try {
      const auto address = parse_elf(read_file(cl.image)).symbol(cl.handler_probe);
      if (!address) throw std::runtime_error("no symbol " + cl.handler_probe);
      run.handler_probe = *address;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "esp-blink-emu: --handler-probe: %s: %s\n", cl.image.c_str(), e.what());
      return usage_or_load_error;
    }
  }
  if (cl.uart_rx_stdin || stdin_is_interactive()) run.uart_rx_source = read_stdin;
  machine m(run);
  connect(m, cl);
  try {
    m.load_file(cl.image);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "esp-blink-emu: %s: %s\n", cl.image.c_str(), e.what());
    return usage_or_load_error;
  }
  const run_result result = m.run();
  std::fflush(stdout);
  report(m, result, cl);
  if (!cl.vcd_path.empty() && !write_vcd_file(m, result, cl)) return usage_or_load_error;
  if (!cl.display_png.empty()) {
    const std::string error = write_display_png(*m.io().display(), cl.display_png);
    if (!error.empty()) {
      std::fprintf(stderr, "esp-blink-emu: %s\n", error.c_str());
      return usage_or_load_error;
    }
    std::fprintf(stderr, "esp-blink-emu: display written to %s\n", cl.display_png.c_str());
  }
  return result.exit_status();
}
