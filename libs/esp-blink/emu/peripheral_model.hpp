// The interface of a peripheral model, and the state all models share.
//
// A model answers for one 4 KiB block of the peripheral address space and is registered in
// `peripherals` under the block's base address; it sees offsets from that base and the virtual
// time (CPU cycles) of each access. Register values live in the shared `register_file`, which
// also applies the store rules more than one register needs (W1TS/W1TC, write-protect keys,
// self-clearing bits); a model adds what depends on time or on its own state.
#pragma once

#include "register_file.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace esp_blink::emu {

inline constexpr uint32_t mmio_base = 0x60000000;
inline constexpr uint32_t mmio_size = 0x000D1000;
inline constexpr uint32_t block_size = 0x1000;  // one peripheral's address block

constexpr uint32_t bit(unsigned n) {
  return 1u << n;
}
std::string hex32(uint32_t value);  // "0x0000002a"

struct clock_config {
  uint32_t cpu_hz = 160'000'000;
  uint32_t systimer_hz = 16'000'000;
};

/// What the models share, owned by `peripherals`.
struct model_context {
  explicit model_context(clock_config c) : clocks(c) {}

  /// SYSTEM's clock gate for `gate_bit` is on and its reset is released (the same bit of
  /// PERIP_CLK_EN0 and PERIP_RST_EN0, docs/esp32c3.md, "SYSTEM clock gates").
  bool clocked(unsigned gate_bit) const;
  void report(const std::string& what) const {
    if (on_report) on_report(what);
  }

  clock_config clocks;
  register_file regs;
  uint64_t instructions = 0;   // executed so far; stamped on edges and the first UART byte
  bool repeated_read = false;  // this read is of the address the previous access read: a poll
  uint64_t idle_skip = 0;      // cycles a poll loop may skip, see peripherals::take_idle_skip
  std::function<void(const std::string&)> on_report;
};

class peripheral_model {
 public:
  virtual ~peripheral_model() = default;
  virtual uint32_t read(uint32_t offset, uint64_t now) = 0;
  virtual void write(uint32_t offset, uint32_t value, uint64_t now) = 0;
};

/// A block with no behaviour beyond the register file's (IO_MUX, SYSTEM).
class storage_model final : public peripheral_model {
 public:
  storage_model(model_context& ctx, uint32_t base) : ctx_(ctx), base_(base) {}
  uint32_t read(uint32_t offset, uint64_t) override { return ctx_.regs.read(base_ + offset); }
  void write(uint32_t offset, uint32_t value, uint64_t) override {
    ctx_.regs.write(base_ + offset, value);
  }

 private:
  model_context& ctx_;
  uint32_t base_;
};

}  // namespace esp_blink::emu
