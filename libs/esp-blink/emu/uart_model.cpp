// UART0/UART1 registers and timing: docs/esp32c3.md, "UART0" (UART1 is the same block).
#include "uart_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t fifo = 0x00, int_raw = 0x04, int_ena = 0x0C, clkdiv = 0x14, status = 0x1C,
                   conf1 = 0x24, mem_conf = 0x60, clk_conf = 0x78, id = 0x80;
constexpr uint32_t rxfifo_full = bit(0), rxfifo_ovf = bit(4), rxfifo_tout = bit(8);
constexpr uint32_t rx_tout_en = bit(21);
constexpr uint32_t fifo_size = 128;

}  // namespace

uart_model::uart_model(model_context& ctx, uint32_t base)
    : ctx_(ctx),
      base_(base),
      name_(base == uart0_base ? "UART0" : "UART1"),
      clock_gate_(base == uart0_base ? 2 : 5) {  // SYSTEM PERIP_CLK_EN0.UARTn_CLK_EN
  reset_registers();
}

void uart_model::reset_registers() {
  ctx_.regs.poke(base_ + conf1, 0x0000C060);     // thresholds 96 (SVD reset value)
  ctx_.regs.poke(base_ + mem_conf, 0x000A0012);  // RX_TOUT_THRHD 10 (SVD reset value)
  ctx_.regs.poke(base_ + clkdiv, 0x0040015B);    // 347 + 4/16
  ctx_.regs.poke(base_ + clk_conf, 0x03701000);  // XTAL
  ctx_.regs.poke(base_ + id, 0x40000500);
}

uint32_t uart_model::baud() const {
  const uint32_t div = ctx_.regs.peek(base_ + clkdiv);
  const uint32_t conf = ctx_.regs.peek(base_ + clk_conf);
  const uint32_t sel = (conf >> 20) & 3u;
  const uint64_t sclk = sel == 3 ? 40'000'000u : sel == 1 ? 80'000'000u : 17'500'000u;
  const uint64_t div_num = ((conf >> 12) & 0xFFu) + 1u;
  const uint64_t sixteenths = uint64_t{div & 0xFFFu} * 16u + ((div >> 20) & 0xFu);
  return sixteenths == 0 ? 0 : static_cast<uint32_t>(sclk * 16u / div_num / sixteenths);
}

uint64_t uart_model::byte_cycles() const {
  const uint32_t rate = baud();
  return rate == 0 ? 0 : uint64_t{ctx_.clocks.cpu_hz} * 10u / rate;
}

uint64_t uart_model::timeout_cycles() const {
  const uint32_t rate = baud();
  const uint64_t bits = (ctx_.regs.peek(base_ + mem_conf) >> 16) & 0x3FFu;
  return rate == 0 ? 0 : uint64_t{ctx_.clocks.cpu_hz} * bits / rate;
}

void uart_model::set_raw(uint32_t bits) {
  ctx_.regs.poke(base_ + int_raw, ctx_.regs.peek(base_ + int_raw) | bits);
}

void uart_model::schedule_rx(const std::string& bytes, uint64_t cycle) {
  for (const char c : bytes) rx_wire_.emplace_back(cycle, c);
}

uint64_t uart_model::next_arrival() const {
  // A byte is in the FIFO once its stop bit is in: 10 bit times at the baud rate the firmware
  // has set by then, after the previous byte and not before its scheduled start.
  const uint64_t start = rx_wire_.front().first;
  return (start > rx_last_arrival_ ? start : rx_last_arrival_) + byte_cycles();
}

void uart_model::advance(uint64_t now) {
  while (!rx_wire_.empty() && next_arrival() <= now) {
    const uint64_t at = next_arrival();
    rx_last_arrival_ = at;
    if (rx_.size() >= fifo_size) {
      ++rx_overruns_;
      set_raw(rxfifo_ovf);
      ctx_.report(name_ + " RX FIFO overflow: byte lost (the firmware read too slowly)");
    } else {
      rx_.push_back(rx_wire_.front().second);
    }
    rx_wire_.pop_front();
    rx_timeout_at_ = at + timeout_cycles();
  }
  const uint32_t threshold = ctx_.regs.peek(base_ + conf1) & 0x1FFu;
  if (rx_.size() > threshold) set_raw(rxfifo_full);
  if (rx_timeout_at_ <= now) {
    rx_timeout_at_ = UINT64_MAX;
    if (!rx_.empty() && (ctx_.regs.peek(base_ + conf1) & rx_tout_en) != 0) set_raw(rxfifo_tout);
  }
}

uint64_t uart_model::next_event_cycle() const {
  const uint64_t wire = rx_wire_.empty() ? UINT64_MAX : next_arrival();
  return wire < rx_timeout_at_ ? wire : rx_timeout_at_;
}

bool uart_model::interrupt() const {
  return (ctx_.regs.peek(base_ + int_raw) & ctx_.regs.peek(base_ + int_ena)) != 0;
}

uint32_t uart_model::tx_fifo_count(uint64_t now) {
  while (!tx_starts_.empty() && tx_starts_.front() <= now) tx_starts_.pop_front();
  return static_cast<uint32_t>(tx_starts_.size());
}

uint32_t uart_model::read(uint32_t offset, uint64_t now) {
  if (offset == fifo) {
    if (rx_.empty()) return 0;
    const char c = rx_.front();
    rx_.pop_front();
    return static_cast<uint8_t>(c);
  }
  if (offset == int_raw + 4) {  // INT_ST
    return ctx_.regs.peek(base_ + int_raw) & ctx_.regs.peek(base_ + int_ena);
  }
  if (offset == status) {  // TXFIFO_CNT from the shifter's progress, RXFIFO_CNT from injected bytes
    return tx_fifo_count(now) << 16 | static_cast<uint32_t>(rx_.size() & 0x3FFu);
  }
  return ctx_.regs.read(base_ + offset);
}

void uart_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  if (offset == fifo) {
    send(value, now);
  } else if (offset != status) {
    ctx_.regs.write(base_ + offset, value);
  }
}

void uart_model::send(uint32_t value, uint64_t now) {
  if (!ctx_.clocked(clock_gate_)) {
    ctx_.report(name_ + " byte dropped: clock gated or held in reset (SYSTEM PERIP_CLK_EN0)");
    return;
  }
  if (tx_fifo_count(now) >= fifo_size) {
    ctx_.report(name_ + " TX FIFO overflow: byte lost (write only while TXFIFO_CNT < 128)");
    return;
  }
  const uint64_t start = tx_busy_until_ > now ? tx_busy_until_ : now;
  tx_starts_.push_back(start);
  tx_busy_until_ = start + byte_cycles();
  const char c = static_cast<char>(value & 0xFFu);
  if (tx_.empty()) first_tx_instructions_ = ctx_.instructions;
  tx_.push_back(c);
  if (on_byte) on_byte(c);
}

}  // namespace esp_blink::emu
