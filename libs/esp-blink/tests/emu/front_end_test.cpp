// The emulator's front end (run_emulator, what esp-blink-emu's main runs) on bytes: a file it
// cannot load is exit status 4 with one line naming the file and the reason; a file that loads
// runs within the instruction cap.
#include "front_end.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace esp_blink::emu;

struct captured {
  emulator_exit exit;
  std::string err;
};

captured run_bytes(const std::vector<uint8_t>& image, uint64_t max_instructions) {
  command_line cl;
  cl.image = "test.bin";
  cl.quiet = true;
  cl.run.max_instructions = max_instructions;
  char* text = nullptr;
  size_t length = 0;
  std::FILE* err = open_memstream(&text, &length);
  std::FILE* out = std::fopen("/dev/null", "w");
  captured c;
  c.exit = run_emulator(cl, image, {out, err, false});
  std::fclose(out);
  std::fclose(err);
  c.err.assign(text, length);
  std::free(text);  // NOLINT(cppcoreguidelines-no-malloc): open_memstream's buffer
  return c;
}

const std::vector<uint8_t> direct_magic = {0x1d, 0x04, 0xdb, 0xae, 0x1d, 0x04, 0xdb, 0xae};

TEST(front_end, an_unknown_file_is_a_load_error_naming_it) {
  const captured c = run_bytes({'n', 'o', 'p', 'e'}, 1000);
  EXPECT_FALSE(c.exit.ran);
  EXPECT_EQ(c.exit.status, usage_or_load_error);
  EXPECT_EQ(c.err,
            "esp-blink-emu: test.bin: neither an ELF, an app image nor a direct-boot image\n");
}

TEST(front_end, a_missing_file_is_a_load_error) {
  command_line cl;
  cl.image = "/nonexistent/fw.bin";
  char* text = nullptr;
  size_t length = 0;
  std::FILE* err = open_memstream(&text, &length);
  const emulator_exit e = run_emulator(cl, {stdout, err, false});
  std::fclose(err);
  const std::string said(text, length);
  std::free(text);  // NOLINT(cppcoreguidelines-no-malloc): open_memstream's buffer
  EXPECT_EQ(e.status, usage_or_load_error);
  EXPECT_EQ(said, "esp-blink-emu: /nonexistent/fw.bin: cannot open /nonexistent/fw.bin\n");
}

// Found by esp_blink_fuzz_emulator: an undecodable first instruction (0x000005ff, a >64-bit
// encoding) made Unicorn report the block with a negative length, counted as 32765 executed
// instructions past a cap of 100. It traps as an illegal instruction and runs nothing.
TEST(front_end, an_undecodable_first_instruction_traps_without_counting) {
  std::vector<uint8_t> image = direct_magic;
  image.push_back(0xff);
  image.push_back(0x05);
  const captured c = run_bytes(image, 100);
  ASSERT_TRUE(c.exit.ran);
  EXPECT_EQ(c.exit.instructions, 0u);
  EXPECT_EQ(c.exit.status, 2);  // the trap vector is unmapped: a fault
  EXPECT_NE(c.err.find("trap mcause=2 mepc=0x42000008 mtval=0x000005ff"), std::string::npos)
      << c.err;
}

TEST(front_end, a_loaded_loop_stops_at_the_instruction_cap) {
  std::vector<uint8_t> image = direct_magic;
  // addi a0, a0, 1; c.j -4: a loop that never halts.
  const std::vector<uint8_t> loop = {0x13, 0x05, 0x15, 0x00, 0xf5, 0xbf};
  image.insert(image.end(), loop.begin(), loop.end());
  const captured c = run_bytes(image, 1000);
  ASSERT_TRUE(c.exit.ran);
  EXPECT_EQ(c.exit.status, 3);
  EXPECT_GE(c.exit.instructions, 1000u);
  EXPECT_LE(c.exit.instructions, 1002u);
}

}  // namespace
