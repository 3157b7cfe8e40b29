// The interrupt API on the host: the binding table the macro builds, the matrix programming
// against the register-file fake, the critical section's mask, and the host stand-ins for
// WFI and interrupt entry.
#include <esp_blink/critical_section.hpp>
#include <esp_blink/interrupt.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

namespace {

namespace irq = esp_blink::interrupt;
using irq::source;

int alarm_runs = 0;
int gpio_runs = 0;
bool masked_in_handler = false;

void on_alarm() {
  ++alarm_runs;
  masked_in_handler = irq::masked();
}
void on_gpio() {
  ++gpio_runs;
}

}  // namespace

ESP_BLINK_INTERRUPTS({source::systimer_target0, on_alarm, 3},
                     {source::gpio, on_gpio, 1, irq::trigger::edge});

namespace {

constexpr uint32_t matrix = 0x600C2000;

TEST(interrupt_table, bindings_take_lines_in_order) {
  const irq::table& t = esp_blink_bindings_::bound;
  EXPECT_EQ(irq::line_of(t, source::systimer_target0), 1u);
  EXPECT_EQ(irq::line_of(t, source::gpio), 2u);
  EXPECT_EQ(irq::line_of(t, source::uart0), 0u);
  EXPECT_EQ(t.on_line(1)->priority, 3u);
  EXPECT_EQ(t.on_line(3), nullptr);
  EXPECT_EQ(t.on_line(0), nullptr);
  EXPECT_EQ(t.edge_lines, 1u << 2);
  EXPECT_EQ(t.used_lines, (1u << 1) | (1u << 2));
  EXPECT_FALSE(t.nesting);
  EXPECT_EQ(esp_blink_interrupt_table.on_line(1)->handler, &on_alarm);
}

TEST(interrupt_matrix_driver, configure_routes_sets_type_priority_and_enables) {
  esp_blink::test::register_file_fake fake;
  esp_blink::mmio::host_bus_guard guard(fake);
  irq::configure(esp_blink_interrupt_table);
  EXPECT_EQ(fake.peek(matrix + 4 * 37), 1u);                    // SYSTIMER_TARGET0_INT_MAP
  EXPECT_EQ(fake.peek(matrix + 4 * 16), 2u);                    // GPIO_INTERRUPT_PRO_MAP
  EXPECT_EQ(fake.peek(matrix + 0x108), 1u << 2);                // CPU_INT_TYPE
  EXPECT_EQ(fake.peek(matrix + 0x114 + 4 * 1), 3u);             // CPU_INT_PRI_1
  EXPECT_EQ(fake.peek(matrix + 0x114 + 4 * 2), 1u);             // CPU_INT_PRI_2
  EXPECT_EQ(fake.peek(matrix + 0x104), (1u << 1) | (1u << 2));  // CPU_INT_ENABLE
  EXPECT_EQ(fake.peek(matrix + 0x194), 1u);                     // CPU_INT_THRESH
  EXPECT_EQ(fake.writes_to(matrix + 0x10C), 2u) << "the edge line's latch: 1 then 0";
  EXPECT_EQ(fake.peek(matrix + 0x10C), 0u);
}

TEST(critical_section, masks_and_restores_what_it_found) {
  irq::enable();
  EXPECT_FALSE(irq::masked());
  {
    esp_blink::critical_section outer;
    EXPECT_TRUE(irq::masked());
    {
      esp_blink::critical_section inner;
      EXPECT_TRUE(irq::masked());
    }
    EXPECT_TRUE(irq::masked()) << "the inner section must not unmask";
  }
  EXPECT_FALSE(irq::masked());
  EXPECT_EQ(esp_blink::with_critical_section([] { return irq::masked() ? 7 : 0; }), 7);
}

TEST(host_interrupts, wait_hook_raises_an_interrupt_the_section_end_delivers) {
  // The executor's pattern: mask, check, WFI, unmask. The host hook stands in for WFI.
  alarm_runs = 0;
  irq::enable();
  irq::host_wait_hook = [] { irq::host_raise(source::systimer_target0); };
  {
    esp_blink::critical_section cs;
    irq::wait_for_interrupt();
  }
  irq::host_wait_hook = nullptr;
  EXPECT_EQ(alarm_runs, 1);
  EXPECT_TRUE(masked_in_handler) << "a handler runs with interrupts masked";
  EXPECT_FALSE(irq::masked());
}

TEST(host_interrupts, raising_an_unbound_source_panics) {
  EXPECT_DEATH(irq::host_raise(source::uart0), "unbound source");
}

}  // namespace
