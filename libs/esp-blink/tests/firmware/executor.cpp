// The async executor on the target, before interrupts: three tasks wake each other through
// signals and a channel, with join and select, and their frames go back to the pool. No task
// ever waits while all others do, so the executor never needs WFI. Prints one line, exits 0.
#include <esp_blink/async.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/watchdog.hpp>

#include <stdint.h>

namespace async = esp_blink::async;

namespace {

async::frame_pool<256, 3> frames;  // the largest frame (collector) is 232 bytes at -Os
async::interrupt_signal<uint32_t> to_squarer, to_producer, to_collector;
async::interrupt_signal<> already_complete;
async::isr_channel<uint32_t, 8> numbers;
uint32_t collected = 0, squares = 0, select_index = 9;

// Sends 1..5 to the squarer and adds up the answers; hands the total to the collector.
async::task producer() {
  uint32_t total = 0;
  for (uint32_t i = 1; i <= 5; ++i) {
    to_squarer.complete(i);
    total += co_await to_producer.wait();
  }
  to_collector.complete(total);
}

// Answers each number with its square, and passes the number on through the channel.
async::task squarer() {
  for (int k = 0; k < 5; ++k) {
    const uint32_t v = co_await to_squarer.wait();
    numbers.try_push(v);
    to_producer.complete(v * v);
  }
}

async::task collector() {
  auto [total, first] = co_await async::join(to_collector.wait(), numbers.recv());
  squares = total;
  collected = first;
  for (int k = 0; k < 4; ++k) collected += co_await numbers.recv();
  // The channel is empty now: the signal completed before the run wins.
  select_index = (co_await async::select(numbers.recv(), already_complete.wait())).index;
}

}  // namespace

int main() {
  esp_blink::watchdog::disable_all();
  const esp_blink::uart::uart0 serial;
  async::executor ex{frames};
  already_complete.complete();
  ex.spawn(producer());
  ex.spawn(squarer());
  ex.spawn(collector());
  ex.run();
  esp_blink::print(serial, "executor: squares=", squares, " numbers=", collected,
                   " select=", select_index, " slots=", frames.slots_in_use(), "\n");
  serial.flush();
  return 0;
}
