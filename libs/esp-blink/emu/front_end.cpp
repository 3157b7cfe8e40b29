// esp-blink-emu's front end (front_end.hpp): loads the image, connects the models and the
// streams, runs, reports and writes the requested outputs.
#include "front_end.hpp"

#include "image.hpp"
#include "machine.hpp"
#include "stdin_source.hpp"
#include "vcd.hpp"

#include <exception>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace esp_blink::emu {

namespace {

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

/// UART0 to `out`, reports (and edges, when traced) to `err`, the stimulus, the I2C devices.
void connect(machine& m, const command_line& cl, const emulator_streams& io) {
  std::FILE* out = io.out;
  std::FILE* err = io.err;
  m.io().on_uart0_byte = [out](char c) {
    std::fputc(c, out);
    if (c == '\n') std::fflush(out);
  };
  m.io().on_report = [err](const std::string& what) {
    std::fprintf(err, "esp-blink-emu: %s\n", what.c_str());
  };
  if (cl.trace_gpio) {
    const double cpu_hz = cl.run.clocks.cpu_hz;
    m.io().on_edge = [cpu_hz, err](const gpio_edge& e) {
      std::fprintf(err, "esp-blink-emu: gpio%u -> %d at %.6f s (instruction %llu)\n", e.pin,
                   e.level ? 1 : 0, static_cast<double>(e.cycle) / cpu_hz,
                   static_cast<unsigned long long>(e.instructions));
    };
  }
  m.io().on_usb_serial_jtag_byte = m.io().on_uart0_byte;  // the same `out`, like UART0
  if (cl.uart1_path == "-") {
    m.io().on_uart1_byte = [out, line_start = true](char c) mutable {
      if (line_start) std::fputs("uart1: ", out);
      std::fputc(c, out);
      line_start = c == '\n';
      if (line_start) std::fflush(out);
    };
  } else if (!cl.uart1_path.empty()) {
    auto file = std::make_shared<std::ofstream>(cl.uart1_path, std::ios::binary);
    if (!*file) throw std::runtime_error("cannot write " + cl.uart1_path);
    m.io().on_uart1_byte = [file](char c) { file->put(c).flush(); };
  }
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
void report_latency(const run_result& result, std::FILE* err) {
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
  std::fprintf(err,
               "esp-blink-emu: interrupt latency over %llu: to the trap mean %.1f max %llu "
               "instructions",
               static_cast<unsigned long long>(n),
               static_cast<double>(to_trap) / static_cast<double>(n),
               static_cast<unsigned long long>(max_trap));
  if (probed != 0) {
    std::fprintf(err, ", to the handler mean %.1f max %llu instructions (%llu probed)",
                 static_cast<double>(to_handler) / static_cast<double>(probed),
                 static_cast<unsigned long long>(max_handler),
                 static_cast<unsigned long long>(probed));
  }
  std::fputc('\n', err);
}

/// Traps and a fault always; the one-line summary unless --quiet.
void report(const machine& m, const run_result& result, const command_line& cl, std::FILE* err) {
  for (const auto& t : result.traps) {
    std::fprintf(err, "esp-blink-emu: trap mcause=%u mepc=0x%08x mtval=0x%08x\n", t.mcause, t.mepc,
                 t.mtval);
  }
  if (result.reason == stop_reason::fault) {
    std::fprintf(err, "esp-blink-emu: fault: %s\n", result.fault.c_str());
  }
  if (cl.quiet) return;
  report_latency(result, err);
  if (result.interrupts_taken != 0 || result.sleep_cycles != 0) {
    std::fprintf(err, "esp-blink-emu: %llu interrupts taken, asleep in WFI %.6f s (%.2f%%)\n",
                 static_cast<unsigned long long>(result.interrupts_taken),
                 static_cast<double>(result.sleep_cycles) / cl.run.clocks.cpu_hz,
                 result.cycles == 0 ? 0.0
                                    : 100.0 * static_cast<double>(result.sleep_cycles) /
                                          static_cast<double>(result.cycles));
  }
  std::fprintf(err,
               "esp-blink-emu: %s (%s), status %u, %llu instructions, %.6f s virtual, "
               "%zu GPIO edges, first UART byte at instruction %llu\n",
               reason_name(result.reason), m.boot_kind().c_str(), result.halt_status,
               static_cast<unsigned long long>(result.instructions),
               static_cast<double>(result.cycles) / cl.run.clocks.cpu_hz, m.io().edges().size(),
               static_cast<unsigned long long>(result.first_uart_byte_instructions));
}

bool write_vcd_file(const machine& m, const run_result& result, const command_line& cl,
                    std::FILE* err) {
  std::ofstream out(cl.vcd_path);
  write_vcd(out, m.io().edges(), result.cycles, cl.run.clocks.cpu_hz);
  if (out) return true;
  std::fprintf(err, "esp-blink-emu: cannot write %s\n", cl.vcd_path.c_str());
  return false;
}

}  // namespace

emulator_exit run_emulator(const command_line& cl, const emulator_streams& io) {
  std::vector<uint8_t> image;
  try {
    image = read_file(cl.image);
  } catch (const std::exception& e) {
    std::fprintf(io.err, "esp-blink-emu: %s: %s\n", cl.image.c_str(), e.what());
    return {};
  }
  return run_emulator(cl, image, io);
}

emulator_exit run_emulator(const command_line& cl, const std::vector<uint8_t>& image,
                           const emulator_streams& io) {
  run_options run = cl.run;
  if (!cl.handler_probe.empty()) {
    try {
      const auto address = parse_elf(image).symbol(cl.handler_probe);
      if (!address) throw std::runtime_error("no symbol " + cl.handler_probe);
      run.handler_probe = *address;
    } catch (const std::exception& e) {
      std::fprintf(io.err, "esp-blink-emu: --handler-probe: %s: %s\n", cl.image.c_str(), e.what());
      return {};
    }
  }
  if (io.stdin_may_feed_uart && (cl.uart_rx_stdin || stdin_is_interactive())) {
    run.uart_rx_source = read_stdin;
  }
  machine m(run);
  try {
    connect(m, cl, io);
    m.load_bytes(image);
  } catch (const std::exception& e) {
    std::fprintf(io.err, "esp-blink-emu: %s: %s\n", cl.image.c_str(), e.what());
    return {};
  }
  const run_result result = m.run();
  std::fflush(io.out);
  report(m, result, cl, io.err);
  emulator_exit done{result.exit_status(), true, result.instructions};
  if (!cl.vcd_path.empty() && !write_vcd_file(m, result, cl, io.err)) {
    done.status = usage_or_load_error;
    return done;
  }
  if (!cl.display_png.empty()) {
    const std::string error = write_display_png(*m.io().display(), cl.display_png);
    if (!error.empty()) {
      std::fprintf(io.err, "esp-blink-emu: %s\n", error.c_str());
      done.status = usage_or_load_error;
      return done;
    }
    std::fprintf(io.err, "esp-blink-emu: display written to %s\n", cl.display_png.c_str());
  }
  return done;
}

}  // namespace esp_blink::emu
