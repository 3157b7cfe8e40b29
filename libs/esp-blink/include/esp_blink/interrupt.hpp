// The interrupt matrix and compile-time handler binding.
//
// A firmware binds each peripheral source it uses to a handler once, in one table, at file
// scope of one .cpp file:
//
//   void on_alarm();    // clears SYSTIMER INT_CLR itself, or the level line re-enters
//   void on_button();
//   ESP_BLINK_INTERRUPTS(
//       {esp_blink::interrupt::source::systimer_target0, on_alarm, 2},
//       {esp_blink::interrupt::source::gpio, on_button, 1});
//   int main() { ...; esp_blink::interrupt::start(); ... }
//
// The table is also a constant, `esp_blink_bindings_::bound`, for static_asserts and for code
// that wants a source's line at compile time: line_of(esp_blink_bindings_::bound, source::gpio).
//
// Binding i gets CPU line i + 1 (line 0 is not used). A source bound twice, a binding with no
// handler, a priority outside 1..15 or more than 31 bindings do not compile (static_assert in
// the macro). An interrupt on a line with no binding (a map register written by hand, or a
// table in another firmware) reaches the trap report, `trap: mcause=0x8000000n ...`, and halts.
//
// ESP_BLINK_NESTED_INTERRUPTS(...) is the same table with nesting by priority: while a handler
// of priority p runs, the threshold is p + 1 and mstatus.MIE is set, so only lines of higher
// priority preempt it. Without nesting handlers run with MIE clear, one at a time.
//
// The trap entry (rt/vectors.S) saves the caller-saved registers, mepc and mstatus, so a
// handler is an ordinary C++ function `void()`. Edge lines are cleared before the handler
// runs; level lines stay pending until the handler clears the peripheral's status.
// Shared state: see critical_section.hpp.
#pragma once

#include <esp_blink/critical_section.hpp>
#include <esp_blink/pac/interrupt_core0.hpp>
#include <esp_blink/panic.hpp>

#include <stdint.h>

namespace esp_blink::interrupt {

/// Peripheral interrupt sources (the INTERRUPT_CORE0 map register index, the SVD's interrupts).
enum class source : uint8_t {
  /// GPIO pin interrupts.
  gpio = 16,
  /// UART0.
  uart0 = 21,
  /// I2C0 (a level source).
  i2c_ext0 = 29,
  /// SYSTIMER comparator 0.
  systimer_target0 = 37,
  /// SYSTIMER comparator 1.
  systimer_target1 = 38,
  /// SYSTIMER comparator 2.
  systimer_target2 = 39,
  from_cpu0 = 50,  ///< software interrupts: SYSTEM CPU_INTR_FROM_CPU_n bit 0
  /// Software interrupt 1.
  from_cpu1 = 51,
  /// Software interrupt 2.
  from_cpu2 = 52,
  /// Software interrupt 3.
  from_cpu3 = 53,
};

/// How the CPU line latches: level (pending while the source is asserted) or edge (latched on
/// the rising edge, cleared by the dispatcher through CPU_INT_CLEAR).
enum class trigger : uint8_t { level, edge };

/// An interrupt handler: an ordinary function, called by the trap entry.
using handler_fn = void (*)();

/// One row of ESP_BLINK_INTERRUPTS: a source, its handler, the line's priority and trigger.
struct binding {
  /// The peripheral source.
  source from;
  /// Called when the source's line is taken; must not be null.
  handler_fn handler;
  uint8_t priority = 1;  ///< 1 (lowest) .. 15
  /// How the CPU line latches the source.
  trigger type = trigger::level;
};

inline constexpr unsigned line_count = 32;  ///< lines 1..31 usable
/// The most sources one table can bind (one per usable line).
inline constexpr unsigned max_bindings = line_count - 1;

/// What the trap entry dispatches from. The firmware's ESP_BLINK_*INTERRUPTS defines it, and
/// links the interrupt entry with it; a firmware without one keeps the default vector table,
/// where every interrupt reaches the trap report. It points at the firmware's own bindings
/// rather than holding an array per CPU line: 31 unused lines would cost ~150 bytes of flash.
struct table {
  const binding* bindings;  ///< bindings[i] is on CPU line i + 1
  uint8_t count;            ///< lines 1..count are bound
  bool nesting;             ///< Whether higher-priority lines may preempt a running handler.
  uint32_t edge_lines;      ///< bit n: line n is edge-triggered
  uint32_t used_lines;      ///< bit n: line n is bound

  /// The binding on CPU `line`, or nullptr for an unbound line.
  constexpr const binding* on_line(unsigned line) const {
    return line - 1u < count ? &bindings[line - 1u] : nullptr;
  }
};

template <unsigned N>
/// Whether no source appears twice in `b` (checked by the binding macros).
constexpr bool no_source_twice(const binding (&b)[N]) {
  for (unsigned i = 0; i < N; ++i) {
    for (unsigned j = i + 1; j < N; ++j) {
      if (b[i].from == b[j].from) return false;
    }
  }
  return true;
}

template <unsigned N>
/// Whether every binding in `b` has a handler (checked by the binding macros).
constexpr bool every_source_has_a_handler(const binding (&b)[N]) {
  for (const auto& x : b) {
    if (x.handler == nullptr) return false;
  }
  return true;
}

template <unsigned N>
/// Whether every priority in `b` is within 1..15 (checked by the binding macros).
constexpr bool priorities_in_range(const binding (&b)[N]) {
  for (const auto& x : b) {
    if (x.priority < 1 || x.priority > 15) return false;
  }
  return true;
}

/// The table for bindings `b`, binding i on line i + 1. `b` must have static storage duration:
/// the table keeps a pointer to it.
template <unsigned N>
constexpr table make_table(const binding (&b)[N], bool nesting) {
  table t{b, static_cast<uint8_t>(N), nesting, 0, 0};
  for (unsigned i = 0; i < N; ++i) {
    const unsigned line = i + 1;
    t.used_lines |= 1u << line;
    if (b[i].type == trigger::edge) t.edge_lines |= 1u << line;
  }
  return t;
}

/// The CPU line a source is bound to in `t`, or 0.
constexpr unsigned line_of(const table& t, source s) {
  for (unsigned i = 0; i < t.count; ++i) {
    if (t.bindings[i].from == s) return i + 1;
  }
  return 0;
}

/// The INTERRUPT_CORE0 register block.
using regs = pac::interrupt_core0;

// --- the matrix, one register at a time -------------------------------------------------------

/// Routes `s` to CPU line `line` (0: not routed).
inline void route(source s, unsigned line) {
  mmio::write(regs::base + 4u * static_cast<uint32_t>(s), line);
}
/// Sets CPU `line`'s priority (1..15; 0 never interrupts).
inline void set_priority(unsigned line, uint32_t priority) {
  mmio::write(regs::cpu_int_pri_0::address + 4u * line, priority);
}
/// Lines whose priority is below `threshold` are masked (1: every line with a priority).
inline void set_threshold(uint32_t threshold) {
  regs::cpu_int_thresh::write_raw(threshold);
}
/// The current priority threshold.
inline uint32_t threshold() {
  return regs::cpu_int_thresh::read();
}
/// Makes CPU `line` level- or edge-triggered.
inline void set_trigger(unsigned line, trigger t) {
  const uint32_t bit = 1u << line, type = regs::cpu_int_type::read();
  regs::cpu_int_type::write_raw(t == trigger::edge ? type | bit : type & ~bit);
}
/// Unmasks CPU `line` (CPU_INT_ENABLE).
inline void enable_line(unsigned line) {
  regs::cpu_int_enable::write_raw(regs::cpu_int_enable::read() | 1u << line);
}
/// Masks CPU `line` (CPU_INT_ENABLE).
inline void disable_line(unsigned line) {
  regs::cpu_int_enable::write_raw(regs::cpu_int_enable::read() & ~(1u << line));
}
/// Clears an edge line's latch (write 1 then 0).
inline void clear_edge(unsigned line) {
  regs::cpu_int_clear::write_raw(1u << line);
  regs::cpu_int_clear::write_raw(0);
}
/// Pending lines (CPU_INT_EIP_STATUS), whatever their enable and priority.
inline uint32_t pending() {
  return regs::cpu_int_eip_status::read();
}

/// Programs every binding of `t` into the matrix and enables its line (threshold 1).
inline void configure(const table& t) {
  set_threshold(1);
  for (unsigned i = 0; i < t.count; ++i) {
    const binding& b = t.bindings[i];
    const unsigned line = i + 1;
    route(b.from, line);
    set_trigger(line, b.type);
    set_priority(line, b.priority);
    if (b.type == trigger::edge) clear_edge(line);
    enable_line(line);
  }
}

/// Raises or lowers a software interrupt source (from_cpu0..3).
inline void software_interrupt(source s, bool raise) {
  constexpr uint32_t system_cpu_intr_from_cpu_0 = 0x600C0028u;
  const uint32_t n = static_cast<uint32_t>(s) - static_cast<uint32_t>(source::from_cpu0);
  mmio::write(system_cpu_intr_from_cpu_0 + 4u * n, raise ? 1u : 0u);
}

}  // namespace esp_blink::interrupt

/// The firmware's bindings, defined by ESP_BLINK_INTERRUPTS or ESP_BLINK_NESTED_INTERRUPTS.
extern "C" const esp_blink::interrupt::table esp_blink_interrupt_table;
#if ESP_BLINK_TARGET
/// The interrupt trap entry; the binding macros reference it so that it is linked.
extern "C" void esp_blink_interrupt_entry();  // rt/interrupt_entry.S
#else
/// The interrupt trap entry; the binding macros reference it so that it is linked.
extern "C" inline void esp_blink_interrupt_entry() {}  // host: no trap entry to link
#endif

namespace esp_blink::interrupt {

/// Programs the firmware's bindings into the matrix, then sets mstatus.MIE.
inline void start() {
  configure(esp_blink_interrupt_table);
  enable();
}

/// The line `s` is bound to in this firmware (0: unbound).
inline unsigned line_of(source s) {
  return line_of(esp_blink_interrupt_table, s);
}

#if !ESP_BLINK_TARGET
/// Host tests: runs the handler bound to `s` as the trap entry would, with mstatus.MIE clear
/// while it runs; a source bound to nothing panics, as the trap report would halt.
inline void host_raise(source s) {
  const binding* b = esp_blink_interrupt_table.on_line(line_of(s));
  if (b == nullptr) panic("esp_blink::interrupt: host_raise of an unbound source");
  const uint32_t state = mask();
  b->handler();
  restore(state);
}
#endif

}  // namespace esp_blink::interrupt

/// The body of ESP_BLINK_INTERRUPTS and ESP_BLINK_NESTED_INTERRUPTS: checks the bindings at
/// compile time and defines esp_blink_bindings_::bound and esp_blink_interrupt_table.
#define ESP_BLINK_INTERRUPTS_IMPL(nesting, ...)                                        \
  namespace esp_blink_bindings_ {                                                      \
  inline constexpr ::esp_blink::interrupt::binding list[] = {__VA_ARGS__};             \
  static_assert(sizeof list / sizeof list[0] <= ::esp_blink::interrupt::max_bindings,  \
                "esp_blink::interrupt: at most 31 sources can be bound");              \
  static_assert(::esp_blink::interrupt::no_source_twice(list),                         \
                "esp_blink::interrupt: a source is bound twice");                      \
  static_assert(::esp_blink::interrupt::every_source_has_a_handler(list),              \
                "esp_blink::interrupt: a source is bound to no handler");              \
  static_assert(::esp_blink::interrupt::priorities_in_range(list),                     \
                "esp_blink::interrupt: priority must be 1..15");                       \
  inline constexpr ::esp_blink::interrupt::table bound =                               \
      ::esp_blink::interrupt::make_table(list, nesting);                               \
  /* The reference that links the interrupt entry and its vector table. */             \
  [[gnu::used]] inline constexpr void (*entry)() = &esp_blink_interrupt_entry;         \
  }                                                                                    \
  extern "C" constinit const ::esp_blink::interrupt::table esp_blink_interrupt_table = \
      esp_blink_bindings_::bound

/// Binds sources to handlers; no nesting (handlers run one at a time, MIE clear).
#define ESP_BLINK_INTERRUPTS(...) ESP_BLINK_INTERRUPTS_IMPL(false, __VA_ARGS__)
/// Binds sources to handlers; a handler may be preempted by a line of higher priority.
#define ESP_BLINK_NESTED_INTERRUPTS(...) ESP_BLINK_INTERRUPTS_IMPL(true, __VA_ARGS__)
