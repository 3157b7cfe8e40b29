// esp-blink-emu's front end: from a parsed command line to an exit status. main() parses the
// arguments and calls run_emulator; the fuzz target calls it in-process with an image's bytes.
// Exit statuses are usage()'s: 0 clean halt or time limit, 1 trap or non-zero halt, 2 fault,
// 3 instruction cap, 4 usage or load error (a message "esp-blink-emu: FILE: reason" on err).
#pragma once

#include "options.hpp"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace esp_blink::emu {

inline constexpr int usage_or_load_error = 4;

/// Where the front end writes and whether standard input may feed UART0 RX.
struct emulator_streams {
  std::FILE* out = stdout;  // UART0 and USB-Serial-JTAG bytes
  std::FILE* err = stderr;  // the emulator's own lines, each starting "esp-blink-emu: "
  bool stdin_may_feed_uart = true;
};

struct emulator_exit {
  int status = usage_or_load_error;
  bool ran = false;           // the image loaded and the machine ran
  uint64_t instructions = 0;  // executed, when it ran
};

/// Reads cl.image, loads it and runs it as `cl` says.
emulator_exit run_emulator(const command_line& cl, const emulator_streams& io = {});
/// The same with the file's bytes already read (cl.image only names the file in messages).
emulator_exit run_emulator(const command_line& cl, const std::vector<uint8_t>& image,
                           const emulator_streams& io = {});

}  // namespace esp_blink::emu
