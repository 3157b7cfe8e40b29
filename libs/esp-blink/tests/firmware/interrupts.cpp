// Interrupt behaviour the emulator tests read from UART0, one line per scenario, using the
// software interrupt sources (SYSTEM CPU_INTR_FROM_CPU_n) so that each scenario raises its
// interrupt at a known point:
//   nesting: a priority-3 line preempts a priority-1 handler, an equal-priority one waits;
//   threshold: a line below the threshold stays pending until the threshold drops;
//   level: a level line whose source stays asserted re-enters after mret;
//   critical_section: a handler raised inside one runs only when it ends.
// Last, a source routed by hand to a line with no binding reaches the trap report and halts.
#include <esp_blink/critical_section.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/interrupt.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

namespace {

namespace irq = esp_blink::interrupt;
using irq::source;

constexpr unsigned spin = 2000;  // long enough for any pending interrupt to be taken

char trace[16];
volatile unsigned trace_len = 0;
volatile bool high_ran = false;
volatile bool equal_ran = false;
volatile unsigned level_entries = 0;
volatile bool plain_ran = false;

void note(char c) {
  if (trace_len < sizeof trace - 1) trace[trace_len] = c;
  trace_len = trace_len + 1;
}

void wait_for(volatile bool& flag) {
  for (unsigned i = 0; i < spin && !flag; ++i) {
  }
}

void on_low() {  // priority 1, from_cpu0
  irq::software_interrupt(source::from_cpu0, false);
  note('L');
  irq::software_interrupt(source::from_cpu1, true);  // priority 3: preempts at once
  wait_for(high_ran);
  irq::software_interrupt(source::from_cpu2, true);  // priority 1: waits for this handler
  wait_for(equal_ran);
  note('l');
}

void on_high() {
  irq::software_interrupt(source::from_cpu1, false);
  note('H');
  high_ran = true;
}

void on_equal() {
  irq::software_interrupt(source::from_cpu2, false);
  note('E');
  equal_ran = true;
}

void on_level() {  // leaves the source asserted twice: the line re-enters after each mret
  level_entries = level_entries + 1;
  if (level_entries == 3) irq::software_interrupt(source::from_cpu3, false);
}

}  // namespace

ESP_BLINK_NESTED_INTERRUPTS({source::from_cpu0, on_low, 1}, {source::from_cpu1, on_high, 3},
                            {source::from_cpu2, on_equal, 1}, {source::from_cpu3, on_level, 2});

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  irq::start();

  irq::software_interrupt(source::from_cpu0, true);
  wait_for(equal_ran);
  trace[trace_len < sizeof trace ? trace_len : sizeof trace - 1] = '\0';
  esp_blink::print(serial, "nesting: ", static_cast<const char*>(trace), "\n");

  // Threshold 3 masks the priority-2 line of from_cpu3.
  irq::set_threshold(3);
  irq::software_interrupt(source::from_cpu3, true);
  for (unsigned i = 0; i < spin; ++i) {
  }
  const unsigned masked_entries = level_entries;
  irq::set_threshold(1);
  for (unsigned i = 0; i < spin && level_entries < 3; ++i) {
  }
  esp_blink::print(serial, "threshold: ", masked_entries, " entries while masked\n");
  esp_blink::print(serial, "level: ", static_cast<unsigned>(level_entries), " entries\n");

  bool ran_inside = false;
  {
    esp_blink::critical_section cs;
    high_ran = false;
    irq::software_interrupt(source::from_cpu1, true);
    for (unsigned i = 0; i < spin; ++i) {
    }
    ran_inside = high_ran;
  }
  wait_for(high_ran);
  esp_blink::print(serial, "critical_section: inside ", ran_inside ? 1u : 0u, ", after ",
                   high_ran ? 1u : 0u, "\n");

  // from_cpu3's map register pointed at line 20, which nothing binds.
  irq::route(source::from_cpu3, 20);
  irq::set_priority(20, 1);
  irq::enable_line(20);
  irq::software_interrupt(source::from_cpu3, true);
  for (unsigned i = 0; i < spin; ++i) {
  }
  esp_blink::print(serial, "unbound: not reported\n");
  serial.flush();
  return 0;
}
