// The C++ half of interrupt entry (rt/interrupt_entry.S): from the CPU line in mcause to the
// bound handler, with the threshold raised for nesting.
#include <esp_blink/interrupt.hpp>
#include <esp_blink/rt.hpp>

#include <stdint.h>

extern "C" [[noreturn]] void esp_blink_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval);

namespace {

uint32_t read_mepc() {
  uint32_t v;
  asm volatile("csrr %0, mepc" : "=r"(v));
  return v;
}

}  // namespace

// Entered from esp_blink_interrupt_entry with mstatus.MIE clear and the caller-saved state
// saved. Returns with MIE clear.
extern "C" void esp_blink_interrupt_dispatch(uint32_t mcause) {
  namespace irq = esp_blink::interrupt;
  const irq::table& t = esp_blink_interrupt_table;
  const uint32_t line = mcause & (irq::line_count - 1);
  const irq::binding* b = t.on_line(line);
  // An unbound line: a map register written by hand. Report it as the trap it is.
  if (b == nullptr) esp_blink_trap_report(mcause, read_mepc(), 0);
  const irq::handler_fn handler = b->handler;
  if (b->type == irq::trigger::edge) irq::clear_edge(line);
  // Nothing preempts priority 15 (the threshold field has 4 bits: 16 would read as 0).
  if (!t.nesting || b->priority >= 15) {
    handler();
    return;
  }
  // Only lines of higher priority may preempt this handler.
  const uint32_t previous = irq::threshold();
  irq::set_threshold(b->priority + 1u);
  // The threshold store must reach the matrix before MIE opens the gate.
  asm volatile("fence" : : : "memory");
  irq::enable();
  handler();
  irq::disable();
  irq::set_threshold(previous);
}
