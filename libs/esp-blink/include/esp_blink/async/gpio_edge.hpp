// GPIO edges for tasks: `listen<9>(edge::falling)` once, then `co_await next_edge<9>()`.
//
// All pins share one interrupt source; bind its handler in the firmware's table:
//   ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::gpio, esp_blink::async::on_gpio}, ...);
// The handler acknowledges every pending pin (GPIO STATUS_W1TC) and completes that pin's
// signal. Edges latch like the status bit they come from: edges that arrive before the task
// waits again count as one.
#pragma once

#include <esp_blink/async/signal.hpp>
#include <esp_blink/pac/gpio.hpp>

#include <stdint.h>

namespace esp_blink::async {

/// Which edges of a pin listen() makes interrupt (the GPIO PINn INT_TYPE values).
enum class edge : uint8_t { rising = 1, falling = 2, any = 3 };  // GPIO PINn INT_TYPE

/// GPIO0..GPIO21: the pins whose edges a task can await.
inline constexpr unsigned gpio_pin_count = 22;

namespace detail {
inline interrupt_signal<> gpio_edges[gpio_pin_count];
}  // namespace detail

/// The GPIO interrupt handler: acknowledges every pending pin and completes its edge signal.
inline void on_gpio() {
  using g = pac::gpio;
  const uint32_t pending = g::status::read() & ((1u << gpio_pin_count) - 1u);
  g::status_w1tc::write_raw(pending);
  // A plain loop: rv32imc has no count-trailing-zeros, and libgcc's brings a 256-byte table.
  for (unsigned pin = 0; pin < gpio_pin_count; ++pin) {
    if ((pending >> pin & 1u) != 0) detail::gpio_edges[pin].complete();
  }
}

/// Makes `Pin`'s edges of kind `e` raise the GPIO interrupt; forgets any earlier edge.
template <unsigned Pin>
void listen(edge e) {
  static_assert(Pin < gpio_pin_count, "the ESP32-C3 has GPIO0..GPIO21");
  using g = pac::gpio;
  using pin = g::pin<Pin>;
  pin::modify(pin::int_type::dynamic(static_cast<uint32_t>(e)),
              pin::int_ena::template value<1>());  // bit 13: the CPU's (maskable) interrupt
  g::status_w1tc::write_raw(1u << Pin);
  detail::gpio_edges[Pin].reset();
}

/// Completes at the next edge `listen` asked for.
template <unsigned Pin>
interrupt_signal<>::wait_op next_edge() noexcept {
  static_assert(Pin < gpio_pin_count, "the ESP32-C3 has GPIO0..GPIO21");
  return detail::gpio_edges[Pin].wait();
}

}  // namespace esp_blink::async
