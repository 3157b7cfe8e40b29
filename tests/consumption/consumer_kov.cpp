// A tiny kov program built against the installed (or vendored) kov and flume-lock.
#include <kov/runtime.hpp>
#include <kov/time.hpp>
#include <kov/when_all.hpp>

#include <chrono>
#include <cstdio>

kov::task<int> twice(int v) {
  co_await kov::sleep_for(std::chrono::milliseconds(1));
  co_return v * 2;
}

kov::task<int> main_task() {
  auto handle = kov::spawn(twice(1));
  auto [a, b] = co_await kov::when_all(twice(2), twice(3));
  co_return (co_await handle).value() + a + b;
}

int main() {
  const int result = kov::runtime().block_on(main_task());
  std::printf("consumer_kov: %d\n", result);
  return result == 12 ? 0 : 1;
}
