// Register storage with the ESP32-C3's store rules that the emulator's peripheral models and the
// host tests' register-file fake both rely on, so that each rule is written once
// (docs/esp32c3.md, "GPIO and IO_MUX", "Watchdogs", "UART0", "SYSTIMER"):
//   - set/clear aliases: a store to GPIO OUT_W1TS/OUT_W1TC (ENABLE_W1TS/ENABLE_W1TC) sets or
//     clears the written bits of OUT (ENABLE), and a store to SYSTIMER INT_CLR clears them in
//     INT_RAW (UART0 INT_CLR likewise), and GPIO STATUS_W1TS/STATUS_W1TC set or clear STATUS;
//     the alias itself keeps nothing;
//   - write protection: a store to a watchdog's configuration registers (RTC, super, TIMG0/1) is
//     dropped unless the watchdog's protect register holds its key;
//   - self-clearing bits: UART0/UART1 ID.REG_UPDATE;
//   - bits that always read as one: SYSTIMER UNIT0_OP.VALUE_VALID (the snapshot is immediate);
//   - the reset values a model or a driver depends on.
// Everything else is plain storage: an address never written reads as its reset value or 0.
// Behaviour that depends on time or on a peripheral's internal state (FIFOs, counters, edges)
// belongs to the models. Addresses are written out here rather than taken from the generated
// headers, so that the tests check the generator instead of repeating it.
#pragma once

#include <cstdint>
#include <map>

namespace esp_blink::emu {

class register_file {
 public:
  register_file();  // chip reset values

  /// A store from the CPU, with the rules above. Returns false when write protection dropped it.
  bool write(uint32_t address, uint32_t value);
  /// A load from the CPU: the stored value with the bits that read as one.
  uint32_t read(uint32_t address) const;

  /// The stored value and direct storage, for models and tests (no rule applies).
  uint32_t peek(uint32_t address) const;
  void poke(uint32_t address, uint32_t value) { values_[address] = value; }

  /// Every register back to its reset value except those in [base, base + size): a reset of
  /// the digital core keeps the RTC domain.
  void reset_except(uint32_t base, uint32_t size);

 private:
  std::map<uint32_t, uint32_t> values_;
};

}  // namespace esp_blink::emu
