// Sleeps in WFI between interrupts from three sources, the way an executor's idle loop does
// (mask, check, WFI, unmask): a SYSTIMER alarm every 100 ms, GPIO9 falling edges (the BOOT
// button), UART0 RX (FIFO threshold and idle timeout). Prints each button press and each
// received line with the alarm count, and halts after 10 alarms (1 s) with the totals. Bytes
// the handler cannot buffer are counted as lost, and the emulator reports FIFO overruns.
#include <esp_blink/critical_section.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/gpio.hpp>
#include <esp_blink/interrupt.hpp>
#include <esp_blink/pac/gpio.hpp>
#include <esp_blink/pac/uart0.hpp>
#include <esp_blink/systimer.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

namespace {

namespace irq = esp_blink::interrupt;
namespace st = esp_blink::systimer;
using uart_regs = esp_blink::pac::uart0;
using gpio_regs = esp_blink::pac::gpio;

constexpr uint64_t period_ticks = 100'000 * st::ticks_per_us;
constexpr unsigned alarms_to_run = 10;
constexpr unsigned button = 9;

uint64_t next_target = 0;
volatile unsigned alarms = 0;
volatile unsigned presses = 0;
// RX bytes, written by the handler, read by main inside a critical section.
char rx_buffer[256];
unsigned rx_len = 0;
unsigned rx_overflow = 0;
unsigned rx_total = 0;

void arm_alarm(uint64_t target) {
  using r = st::regs;
  r::target0_hi::write_raw(static_cast<uint32_t>(target >> 32));
  r::target0_lo::write_raw(static_cast<uint32_t>(target));
  r::comp0_load::write(r::comp0_load::timer_comp0_load::value<1>());
}

void on_alarm() {
  st::regs::int_clr::write(st::regs::int_clr::target0_int_clr::value<1>());
  next_target += period_ticks;
  arm_alarm(next_target);
  alarms = alarms + 1;
}

void on_gpio() {
  const uint32_t status = gpio_regs::status::read();
  gpio_regs::status_w1tc::write_raw(status);
  if ((status >> button & 1u) != 0) presses = presses + 1;
}

void on_uart() {
  while (uart_regs::status::rxfifo_cnt::read() != 0) {
    const auto byte = static_cast<char>(uart_regs::fifo::read() & 0xFFu);
    ++rx_total;
    if (rx_len < sizeof rx_buffer) {
      rx_buffer[rx_len++] = byte;
    } else {
      ++rx_overflow;
    }
  }
  uart_regs::int_clr::write(uart_regs::int_clr::rxfifo_full_int_clr::value<1>(),
                            uart_regs::int_clr::rxfifo_tout_int_clr::value<1>());
}

}  // namespace

ESP_BLINK_INTERRUPTS({irq::source::systimer_target0, on_alarm, 1}, {irq::source::gpio, on_gpio, 2},
                     {irq::source::uart0, on_uart, 3});

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  serial.init(115200);
  const esp_blink::gpio::input_pin<button> boot(esp_blink::gpio::pull::up);
  gpio_regs::pin<button>::modify(gpio_regs::pin<button>::int_type::value<2>(),  // falling edge
                                 gpio_regs::pin<button>::int_ena::value<1>());  // CPU interrupt
  uart_regs::conf1::modify(uart_regs::conf1::rxfifo_full_thrhd::value<64>(),
                           uart_regs::conf1::rx_tout_en::value<1>());
  uart_regs::int_ena::write(uart_regs::int_ena::rxfifo_full_int_ena::value<1>(),
                            uart_regs::int_ena::rxfifo_tout_int_ena::value<1>());
  using r = st::regs;
  r::conf::modify(r::conf::target0_work_en::value<0>());
  r::target0_conf::write_raw(0);
  next_target = st::now() + period_ticks;
  arm_alarm(next_target);
  r::int_clr::write(r::int_clr::target0_int_clr::value<1>());
  r::int_ena::write(r::int_ena::target0_int_ena::value<1>());
  r::conf::modify(r::conf::target0_work_en::value<1>());
  irq::start();

  unsigned seen_presses = 0;
  char line[64];  // longer lines are counted, not printed
  unsigned line_len = 0;
  bool line_too_long = false;
  while (alarms < alarms_to_run) {
    char got[sizeof rx_buffer];
    unsigned got_len = 0;
    unsigned now_presses = 0;
    {
      esp_blink::critical_section cs;
      // Nothing new: sleep. A handler raised between the checks and WFI is pending, so WFI
      // returns at once and the handler runs when the section ends.
      if (presses == seen_presses && rx_len == 0 && alarms < alarms_to_run) {
        irq::wait_for_interrupt();
      }
      for (unsigned i = 0; i < rx_len; ++i) got[i] = rx_buffer[i];
      got_len = rx_len;
      rx_len = 0;
      now_presses = presses;
    }
    for (; seen_presses < now_presses; ++seen_presses) {
      esp_blink::print(serial, "press ", seen_presses + 1, " at alarm ",
                       static_cast<unsigned>(alarms), "\n");
    }
    for (unsigned i = 0; i < got_len; ++i) {
      if (got[i] == '\n') {
        line[line_len] = '\0';
        if (!line_too_long) {
          esp_blink::print(serial, "line '", static_cast<const char*>(line), "' at alarm ",
                           static_cast<unsigned>(alarms), "\n");
        }
        line_len = 0;
        line_too_long = false;
      } else if (line_len + 1 < sizeof line) {
        line[line_len++] = got[i];
      } else {
        line_too_long = true;
      }
    }
  }
  esp_blink::print(serial, "alarms ", static_cast<unsigned>(alarms), " presses ",
                   static_cast<unsigned>(presses), " received ", rx_total, " lost ", rx_overflow,
                   "\n");
  serial.flush();
  return 0;
}
