// A register file standing in for the chip in host tests: the emulator's `register_file` (plain
// storage with the chip's store rules: GPIO W1TS/W1TC, watchdog write-protect keys, UART0
// ID.REG_UPDATE clearing itself, SYSTIMER VALUE_VALID and INT_CLR), plus what host tests need
// instead of time:
//   - UART0 FIFO writes are captured, STATUS reports an empty TX FIFO and the RX bytes queued;
//   - SYSTIMER: UPDATE latches the counter, which advances a fixed step per SYSTIMER read;
//     the alarm 0 raw bit rises once the counter reaches the loaded target.
// Every access is logged, so a test can count stores.
#pragma once

#include <esp_blink/mmio.hpp>

#include "register_file.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace esp_blink::test {

struct access_record {
  bool is_write;
  uint32_t address;
  uint32_t value;
};

class register_file_fake final : public mmio::bus {
 public:
  uint32_t read(uint32_t address) override;
  void write(uint32_t address, uint32_t value) override;

  uint32_t peek(uint32_t address) const { return regs_.peek(address); }
  void poke(uint32_t address, uint32_t value) { regs_.poke(address, value); }

  size_t writes_to(uint32_t address) const;
  size_t reads_from(uint32_t address) const;

  std::vector<access_record> log;
  std::string uart0_tx;
  std::deque<uint8_t> uart0_rx;
  uint32_t dropped_writes = 0;  // stores the write protection refused
  uint64_t systimer_ticks = 0;
  uint64_t ticks_per_read = 1000;

 private:
  emu::register_file regs_;
};

}  // namespace esp_blink::test
