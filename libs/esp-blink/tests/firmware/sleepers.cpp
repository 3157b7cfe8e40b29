// The timer queue on the target: three tasks sleep at once on SYSTIMER comparator 0, with
// periods of 30, 50 and 105 ms from a common start. Each wake appends the task's letter to a
// log and checks it came neither before its deadline nor more than 1 ms after it. Prints the
// log in wake order and exits 0.
#include <esp_blink/async.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/interrupt.hpp>
#include <esp_blink/systimer.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

#include <stdint.h>

namespace async = esp_blink::async;
namespace st = esp_blink::systimer;

namespace {

constinit async::frame_pool<192, 3> frames;
char wake_log[16];
uint32_t wakes = 0;
bool on_time = true;

async::task sleeper(char name, uint64_t start, uint32_t period_ms, int rounds) {
  uint64_t deadline = start;
  for (int i = 0; i < rounds; ++i) {
    deadline += uint64_t{period_ms} * 1000u * st::ticks_per_us;
    co_await async::sleep_until(deadline);
    const uint64_t now = st::now();
    if (now < deadline || now - deadline > 1000u * st::ticks_per_us) on_time = false;
    if (wakes < sizeof wake_log - 1) wake_log[wakes++] = name;
  }
}

}  // namespace

ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::systimer_target0, async::on_systimer_alarm});

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  async::executor ex{frames};
  const uint64_t start = st::now();
  ex.spawn(sleeper('a', start, 30, 4));  // 30, 60, 90, 120 ms
  ex.spawn(sleeper('b', start, 50, 2));  // 50, 100 ms
  ex.spawn(sleeper('c', start, 105, 1));
  esp_blink::interrupt::start();
  ex.run();
  wake_log[wakes] = '\0';
  esp_blink::print(serial, "sleepers: ", static_cast<const char*>(wake_log),
                   on_time ? " on time\n" : " off time\n");
  serial.flush();
  return 0;
}
