// Three tasks on the async executor, every one of them waiting on an interrupt:
//   - blink: GPIO8 toggles every 500 ms (a 1 s period), on SYSTIMER comparator 0;
//   - button: each falling edge of GPIO9 (the BOOT button) halves the period or restores it;
//   - echo: each line received on UART0 comes back as "echo: <line>"; bytes the receive
//     channel had no room for are reported as "rx overrun: N bytes dropped".
// Between events the executor sleeps in WFI (the emulator skips the idle time).
#include <esp_blink/async.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/gpio.hpp>
#include <esp_blink/interrupt.hpp>
#include <esp_blink/systimer.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

#include <stdint.h>

namespace async = esp_blink::async;
using esp_blink::interrupt::source;

namespace {

constinit async::isr_channel<uint8_t, 128> rx;  // UART0 handler -> echo task
// The three tasks' frames: 96, 64 and 156 bytes at -Os with GCC 12 (the constant each task's
// ramp passes to operator new in the disassembly); a slot too small panics at start-up.
constinit async::frame_pool<176, 3> frames;
const esp_blink::uart::uart0 serial;

// Written by the button task, read by the blink task: both on the main flow, so no masking.
uint32_t half_period_ms = 500;

async::task blink() {
  esp_blink::gpio::output_pin<8> led;
  uint64_t next = esp_blink::systimer::now();
  for (;;) {
    led.toggle();
    // Deadlines step from the previous one, so the period does not drift by the wake latency.
    next += uint64_t{half_period_ms} * 1000u * esp_blink::systimer::ticks_per_us;
    co_await async::sleep_until(next);
  }
}

async::task button() {
  const esp_blink::gpio::input_pin<9> boot{esp_blink::gpio::pull::up};
  async::listen<9>(async::edge::falling);
  for (;;) {
    co_await async::next_edge<9>();
    half_period_ms = half_period_ms == 500 ? 250 : 500;
  }
}

async::task echo() {
  char line[81];  // longer lines are cut at 80 characters
  uint32_t length = 0;
  for (;;) {
    const uint8_t byte = co_await rx.recv();
    if (const uint32_t dropped = rx.take_dropped(); dropped != 0)
      esp_blink::print(serial, "rx overrun: ", dropped, " bytes dropped\n");
    if (byte == '\n') {
      line[length] = '\0';
      esp_blink::print(serial, "echo: ", static_cast<const char*>(line), "\n");
      length = 0;
    } else if (byte != '\r' && length < sizeof line - 1) {
      line[length++] = static_cast<char>(byte);
    }
  }
}

}  // namespace

ESP_BLINK_INTERRUPTS({source::systimer_target0, async::on_systimer_alarm},
                     {source::gpio, async::on_gpio},
                     {source::uart0, async::on_uart_rx<esp_blink::pac::uart0, rx>});

int main() {
  esp_blink::watchdog::disable_all();
  serial.init(115200);
  async::listen_rx<esp_blink::pac::uart0>();
  async::executor ex{frames};
  ex.spawn(blink());
  ex.spawn(button());
  ex.spawn(echo());
  esp_blink::interrupt::start();
  ex.run();  // the tasks never finish
  return 0;
}
