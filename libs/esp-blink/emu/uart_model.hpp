// UART model (UART0, or UART1 at its own base address): TX capture with a FIFO that drains at the
// configured baud rate, RX injection, and the baud rate from CLKDIV and CLK_CONF. Bytes written
// while the clock is gated are lost.
//
// Received bytes come either at once (inject_rx: the whole text in the FIFO before the first
// instruction) or on the wire (schedule_rx: one byte per 10 bit times at the baud rate set when
// it arrives, from a given cycle on, into
// the 128-byte RX FIFO; a byte arriving at a full FIFO is lost, raises RXFIFO_OVF and is
// reported). RX interrupts: RXFIFO_FULL while more than CONF1.RXFIFO_FULL_THRHD bytes wait,
// RXFIFO_TOUT (with CONF1.RX_TOUT_EN) once the line has been idle MEM_CONF.RX_TOUT_THRHD bit
// times after a byte with the FIFO not empty.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>

namespace esp_blink::emu {

inline constexpr uint32_t uart0_base = 0x60000000, uart1_base = 0x60010000;

class uart_model final : public peripheral_model {
 public:
  /// As the ROM leaves UART0: 115200 from the XTAL. `base`: uart0_base or uart1_base.
  explicit uart_model(model_context& ctx, uint32_t base = uart0_base);
  /// The registers the model depends on back to their reset values.
  void reset_registers();

  uint32_t read(uint32_t offset, uint64_t now) override;
  void write(uint32_t offset, uint32_t value, uint64_t now) override;

  uint32_t baud() const;
  const std::string& output() const { return tx_; }
  /// Instructions executed when the first byte was queued (0: none yet).
  uint64_t first_byte_instructions() const { return first_tx_instructions_; }
  void inject_rx(const std::string& bytes) { rx_.insert(rx_.end(), bytes.begin(), bytes.end()); }
  /// `bytes` arrive on RXD back to back from `cycle` on (after any byte already scheduled).
  void schedule_rx(const std::string& bytes, uint64_t cycle);
  /// Moves the bytes that have arrived by `now` into the FIFO and updates INT_RAW.
  void advance(uint64_t now);
  /// The next cycle at which advance() has something to do (UINT64_MAX: nothing scheduled).
  uint64_t next_event_cycle() const;
  /// The UART0 interrupt source: INT_RAW & INT_ENA.
  bool interrupt() const;
  uint64_t rx_overruns() const { return rx_overruns_; }

  std::function<void(char)> on_byte;

 private:
  void send(uint32_t value, uint64_t now);
  uint32_t tx_fifo_count(uint64_t now);

  model_context& ctx_;
  uint32_t base_;
  std::string name_;     // "UART0" in reports
  unsigned clock_gate_;  // its bit in SYSTEM PERIP_CLK_EN0 and PERIP_RST_EN0
  std::string tx_;
  uint64_t first_tx_instructions_ = 0;
  // Cycle at which each byte still in the TX FIFO starts shifting out; the shifter sends one
  // byte (start, 8 data, stop bits) per 10 bit times at the configured baud rate.
  std::deque<uint64_t> tx_starts_;
  uint64_t tx_busy_until_ = 0;
  std::deque<char> rx_;
  std::deque<std::pair<uint64_t, char>> rx_wire_;  // scheduled bytes: earliest start, byte
  uint64_t rx_last_arrival_ = 0;                   // cycle the last byte reached the FIFO
  uint64_t rx_timeout_at_ = UINT64_MAX;            // RXFIFO_TOUT deadline, while armed
  uint64_t rx_overruns_ = 0;

  uint64_t byte_cycles() const;
  uint64_t next_arrival() const;  // of rx_wire_.front()
  uint64_t timeout_cycles() const;
  void set_raw(uint32_t bits);
};

}  // namespace esp_blink::emu
