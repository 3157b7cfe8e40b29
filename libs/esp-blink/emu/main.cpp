// esp-blink-emu: runs ESP32-C3 firmware (ELF, app image or direct-boot image) on Unicorn with
// peripheral models. UART0 output goes to stdout, exactly as sent; everything the emulator
// itself says goes to stderr, each line starting "esp-blink-emu: ". Exit statuses: usage().
#include "front_end.hpp"
#include "options.hpp"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using namespace esp_blink::emu;
  const parse_result parsed = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  const command_line& cl = parsed.options;
  if (!parsed.error.empty() || cl.help) {
    if (!parsed.error.empty()) std::fprintf(stderr, "esp-blink-emu: %s\n", parsed.error.c_str());
    std::fputs(usage().c_str(), stderr);
    return parsed.error.empty() ? 0 : usage_or_load_error;
  }
  return run_emulator(cl).status;
}
