// A register file standing in for the chip in host tests. Plain storage for every address,
// plus the behaviours drivers depend on:
//   - GPIO OUT/ENABLE set and clear through W1TS/W1TC;
//   - watchdog registers drop writes unless the write-protect key is in place;
//   - UART0 FIFO writes are captured, STATUS reports an empty TX FIFO and the RX bytes queued,
//     ID.REG_UPDATE clears itself;
//   - SYSTIMER: UPDATE latches the counter, which advances a fixed step per SYSTIMER read;
//     the alarm 0 raw bit rises once the counter reaches the loaded target.
// Every access is logged, so a test can count stores.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <esp_blink/mmio.hpp>

namespace esp_blink::test {

struct access_record {
  bool is_write;
  uint32_t address;
  uint32_t value;
};

class register_file_fake final : public mmio::bus {
 public:
  register_file_fake();

  uint32_t read(uint32_t address) override;
  void write(uint32_t address, uint32_t value) override;

  uint32_t peek(uint32_t address) const;
  void poke(uint32_t address, uint32_t value) { regs_[address] = value; }

  size_t writes_to(uint32_t address) const;
  size_t reads_from(uint32_t address) const;

  std::vector<access_record> log;
  std::string uart0_tx;
  std::deque<uint8_t> uart0_rx;
  uint32_t dropped_writes = 0;
  uint64_t systimer_ticks = 0;
  uint64_t ticks_per_read = 1000;

 private:
  std::map<uint32_t, uint32_t> regs_;
};

}  // namespace esp_blink::test
