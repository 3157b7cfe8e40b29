// UART0 model: TX capture with a FIFO that drains at the configured baud rate, RX injection,
// and the baud rate from CLKDIV and CLK_CONF. Bytes written while the clock is gated are lost.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

namespace esp_blink::emu {

inline constexpr uint32_t uart0_base = 0x60000000;

class uart_model final : public peripheral_model {
 public:
  explicit uart_model(model_context& ctx);  // as the ROM leaves UART0: 115200 from the XTAL

  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  uint32_t baud() const;
  const std::string& output() const { return tx_; }
  /// Instructions executed when the first byte was queued (0: none yet).
  uint64_t first_byte_instructions() const { return first_tx_instructions_; }
  void inject_rx(const std::string& bytes) { rx_.insert(rx_.end(), bytes.begin(), bytes.end()); }

  std::function<void(char)> on_byte;

 private:
  void send(uint32_t value, uint64_t now);
  uint32_t tx_fifo_count(uint64_t now);

  model_context& ctx_;
  std::string tx_;
  uint64_t first_tx_instructions_ = 0;
  // Cycle at which each byte still in the TX FIFO starts shifting out; the shifter sends one
  // byte (start, 8 data, stop bits) per 10 bit times at the configured baud rate.
  std::deque<uint64_t> tx_starts_;
  uint64_t tx_busy_until_ = 0;
  std::deque<char> rx_;
};

}  // namespace esp_blink::emu
