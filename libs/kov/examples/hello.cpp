// A tour of kov in one program: tasks, a scope, a timer, a channel fed from another thread,
// and a timeout. Prints what happens and the task dump at one point.

#include <kov/mpsc.hpp>
#include <kov/runtime.hpp>
#include <kov/scope.hpp>
#include <kov/time.hpp>
#include <kov/when_all.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

using namespace std::chrono_literals;

kov::task<int> square_later(int v) {
  co_await kov::sleep_for(2ms);
  const int square = v * v;
  co_return square;
}

kov::task<void> consumer(kov::mpsc_receiver<int>& rx) {
  int sum = 0;
  while (auto m = co_await rx.recv()) sum += *m;
  std::printf("consumer: channel closed, sum %d\n", sum);
}

kov::task<int> main_task() {
  auto [a, b] = co_await kov::when_all(square_later(3), square_later(4));
  std::printf("when_all: %d + %d\n", a, b);

  auto [tx, rx] = kov::mpsc<int>();
  kov::scope workers;
  workers.spawn(consumer(rx), "consumer");
  co_await kov::yield_now();  // the consumer runs and parks on the empty channel
  std::printf("%s", kov::format_task_dump(kov::dump_tasks()).c_str());
  std::thread producer([tx = std::move(tx)] {
    for (int i = 1; i <= 100; ++i) (void)tx.send(i);
  });
  producer.join();
  co_await workers.join();

  auto late = co_await kov::timeout(1ms, square_later(5));
  std::printf("timeout: %s\n", late ? "in time" : late.error().message().c_str());
  co_return a + b;
}

int main() {
  kov::runtime rt;
  return rt.block_on(main_task()) == 25 ? 0 : 1;
}
