// Fuzzes esp-blink-emu's front end (emu/front_end.cpp, what main() runs) in-process: the input
// is the file given to the emulator, run with a bound on emulated instructions and on virtual
// time. Either the file is refused with the load-error status (4) and one line
// "esp-blink-emu: IMAGE: reason", or it loads and the run ends within the bound with a run
// status (0 halt or time limit, 1 trap, 2 fault, 3 instruction cap). No crash, no exception
// out of the front end, no hang (the fuzzer's -timeout).
#include "front_end.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

constexpr uint64_t instruction_bound = 20'000;
// The cap is checked once per translated block, so a run may pass it by at most one block
// (Unicorn translates fewer than 1024 instructions into one).
constexpr uint64_t block_slack = 1'024;

using namespace esp_blink::emu;

std::FILE* null_output() {
  static std::FILE* sink = std::fopen("/dev/null", "w");
  require(sink != nullptr);
  return sink;
}

// What the front end wrote to its error stream, and its exit.
struct outcome {
  emulator_exit exit;
  std::string messages;
};

outcome run(const std::vector<uint8_t>& image) {
  command_line cl;
  cl.image = "fuzz.bin";
  cl.quiet = true;
  cl.run.max_instructions = instruction_bound;
  cl.run.max_cycles = 50 * instruction_bound;  // WFI sleeps move virtual time in jumps
  char* text = nullptr;
  std::size_t length = 0;
  std::FILE* err = open_memstream(&text, &length);
  require(err != nullptr);
  outcome o;
  o.exit = run_emulator(cl, image, {null_output(), err, false});
  require(std::fclose(err) == 0);
  o.messages.assign(text, length);
  std::free(text);  // NOLINT(cppcoreguidelines-no-malloc): open_memstream's buffer
  return o;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<uint8_t> image(data, data + size);
  const outcome o = run(image);
  if (!o.exit.ran) {
    const std::string prefix = "esp-blink-emu: fuzz.bin: ";
    require(o.exit.status == usage_or_load_error);
    require(o.messages.compare(0, prefix.size(), prefix) == 0);
    require(o.messages.size() > prefix.size() + 1 && o.messages.back() == '\n');
    require(o.messages.find('\n') == o.messages.size() - 1);  // one line, the reason
    return 0;
  }
  require(o.exit.status >= 0 && o.exit.status <= 3);
  require(o.exit.instructions <= instruction_bound + block_slack);
  return 0;
}
