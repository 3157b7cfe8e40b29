// INTERRUPT_CORE0 registers: docs/esp32c3.md, "Interrupts".
#include "intmatrix_model.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t cpu_int_enable = 0x104, cpu_int_type = 0x108, cpu_int_clear = 0x10C,
                   cpu_int_eip_status = 0x110, cpu_int_pri_0 = 0x114, cpu_int_thresh = 0x194;

}  // namespace

unsigned intmatrix_model::line_of(unsigned source) const {
  return source < interrupt_sources ? reg(4 * source) & 0x1Fu : 0;
}

uint32_t intmatrix_model::line_levels() const {
  uint32_t levels = 0;
  for (uint64_t s = sources_; s != 0; s &= s - 1) {
    const unsigned line = line_of(static_cast<unsigned>(__builtin_ctzll(s)));
    if (line != 0) levels |= 1u << line;
  }
  return levels;
}

void intmatrix_model::latch_edges() {
  const uint32_t levels = line_levels();
  // A line held in clear (its CPU_INT_CLEAR bit still 1) latches nothing.
  edge_latch_ |= levels & ~previous_levels_ & reg(cpu_int_type) & ~reg(cpu_int_clear);
  previous_levels_ = levels;
}

void intmatrix_model::set_sources(uint64_t levels) {
  sources_ = levels;
  latch_edges();
}

uint32_t intmatrix_model::pending() const {
  const uint32_t edge = reg(cpu_int_type);
  return (line_levels() & ~edge) | (edge_latch_ & edge);
}

unsigned intmatrix_model::ready_line() const {
  const uint32_t candidates = pending() & reg(cpu_int_enable) & ~1u;  // line 0 is not used
  if (candidates == 0) return 0;
  const uint32_t threshold = reg(cpu_int_thresh) & 0xFu;
  unsigned best = 0, best_priority = 0;
  for (uint32_t c = candidates; c != 0; c &= c - 1) {
    const auto line = static_cast<unsigned>(__builtin_ctz(c));
    const unsigned priority = reg(cpu_int_pri_0 + 4 * line) & 0xFu;
    if (priority == 0 || priority < threshold || priority <= best_priority) continue;
    best = line;
    best_priority = priority;
  }
  return best;
}

uint32_t intmatrix_model::read(uint32_t offset, uint64_t) {
  if (offset == cpu_int_eip_status) return pending();
  return ctx_.regs.read(intmatrix_base + offset);
}

void intmatrix_model::write(uint32_t offset, uint32_t value, uint64_t) {
  if (offset == cpu_int_eip_status) return;  // read-only
  if (offset < 4 * interrupt_sources) value &= 0x1Fu;
  if (offset >= cpu_int_pri_0 && offset <= cpu_int_thresh) value &= 0xFu;
  ctx_.regs.write(intmatrix_base + offset, value);
  if (offset == cpu_int_clear) edge_latch_ &= ~value;
  // A new map or type may raise a line's level: the edge rule sees it as an edge.
  latch_edges();
}

}  // namespace esp_blink::emu
