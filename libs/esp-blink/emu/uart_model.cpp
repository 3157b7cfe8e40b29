// UART0 registers and timing: docs/esp32c3.md, "UART0".
#include "uart_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t fifo = 0x00, clkdiv = 0x14, status = 0x1C, clk_conf = 0x78, id = 0x80;
constexpr uint32_t fifo_size = 128;
constexpr unsigned clock_gate = 2;  // SYSTEM PERIP_CLK_EN0.UART_CLK_EN

}  // namespace

uart_model::uart_model(model_context& ctx) : ctx_(ctx) {
  ctx_.regs.poke(uart0_base + clkdiv, 0x0040015B);    // 347 + 4/16
  ctx_.regs.poke(uart0_base + clk_conf, 0x03701000);  // XTAL
  ctx_.regs.poke(uart0_base + id, 0x40000500);
}

uint32_t uart_model::baud() const {
  const uint32_t div = ctx_.regs.peek(uart0_base + clkdiv);
  const uint32_t conf = ctx_.regs.peek(uart0_base + clk_conf);
  const uint32_t sel = (conf >> 20) & 3u;
  const uint64_t sclk = sel == 3 ? 40'000'000u : sel == 1 ? 80'000'000u : 17'500'000u;
  const uint64_t div_num = ((conf >> 12) & 0xFFu) + 1u;
  const uint64_t sixteenths = uint64_t{div & 0xFFFu} * 16u + ((div >> 20) & 0xFu);
  return sixteenths == 0 ? 0 : static_cast<uint32_t>(sclk * 16u / div_num / sixteenths);
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
  if (offset == status) {  // TXFIFO_CNT from the shifter's progress, RXFIFO_CNT from injected bytes
    return tx_fifo_count(now) << 16 | static_cast<uint32_t>(rx_.size() & 0x3FFu);
  }
  return ctx_.regs.read(uart0_base + offset);
}

void uart_model::write(uint32_t offset, uint32_t value, uint64_t now) {
  if (offset == fifo) {
    send(value, now);
  } else if (offset != status) {
    ctx_.regs.write(uart0_base + offset, value);
  }
}

void uart_model::send(uint32_t value, uint64_t now) {
  if (!ctx_.clocked(clock_gate)) {
    ctx_.report("UART0 byte dropped: clock gated or held in reset (SYSTEM PERIP_CLK_EN0)");
    return;
  }
  if (tx_fifo_count(now) >= fifo_size) {
    ctx_.report("UART0 TX FIFO overflow: byte lost (write only while TXFIFO_CNT < 128)");
    return;
  }
  const uint32_t rate = baud();
  const uint64_t byte_cycles = rate == 0 ? 0 : uint64_t{ctx_.clocks.cpu_hz} * 10u / rate;
  const uint64_t start = tx_busy_until_ > now ? tx_busy_until_ : now;
  tx_starts_.push_back(start);
  tx_busy_until_ = start + byte_cycles;
  const char c = static_cast<char>(value & 0xFFu);
  if (tx_.empty()) first_tx_instructions_ = ctx_.instructions;
  tx_.push_back(c);
  if (on_byte) on_byte(c);
}

}  // namespace esp_blink::emu
