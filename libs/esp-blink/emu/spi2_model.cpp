// SPI2: chunks run at once on CMD.USR (register offsets: ESP32-C3 SVD, SPI2).
#include "spi2_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t cmd = 0x00, user = 0x10, ms_dlen = 0x1C, misc = 0x20, w0 = 0x98;
constexpr unsigned spi2_clock_gate = 6;  // SYSTEM PERIP_CLK_EN0 / PERIP_RST_EN0 bit
constexpr uint32_t buffer_bytes = 64;

}  // namespace

void spi2_model::write(uint32_t offset, uint32_t value, uint64_t) {
  if (offset != cmd) {
    ctx_.regs.write(spi2_base + offset, value);
    return;
  }
  // UPDATE and USR are done by the time the next access can look: store neither.
  ctx_.regs.write(spi2_base + offset, value & ~(bit(23) | bit(24)));
  if ((value & bit(24)) == 0) return;
  if (!ctx_.clocked(spi2_clock_gate)) {
    ctx_.report("SPI2 transfer started with its clock off or in reset");
    return;
  }
  run_chunk();
}

void spi2_model::run_chunk() {
  const uint32_t bits = (ctx_.regs.peek(spi2_base + ms_dlen) & 0x3FFFFu) + 1;
  if (bits % 8 != 0 || bits / 8 > buffer_bytes) {
    ctx_.report("SPI2 transfer of " + std::to_string(bits) +
                " bits: the model moves whole bytes, up to 64");
    return;
  }
  const bool selected = (ctx_.regs.peek(spi2_base + misc) & 1u) == 0;  // CS0 enabled
  const bool store_in = (ctx_.regs.peek(spi2_base + user) & bit(28)) != 0;
  for (uint32_t i = 0; i < bits / 8; ++i) {
    const uint32_t word_address = spi2_base + w0 + (i / 4) * 4;
    const unsigned shift = 8 * (i % 4);
    const auto out = static_cast<uint8_t>(ctx_.regs.peek(word_address) >> shift);
    // An unselected or absent device leaves MISO floating: it reads as ones.
    const uint8_t in = selected && device_ != nullptr ? device_->exchange(out) : 0xFF;
    if (store_in) {
      const uint32_t word = ctx_.regs.peek(word_address) & ~(0xFFu << shift);
      ctx_.regs.poke(word_address, word | uint32_t{in} << shift);
    }
  }
  bytes_ += bits / 8;
}

}  // namespace esp_blink::emu
