// Runs coroutines on esp_blink/detail/coroutine.hpp's own declarations, built on the host with
// -nostdinc++ -DESP_BLINK_OWN_COROUTINE: the same declarations the firmware compiles with, so
// the host compilers (GCC and Clang) check them too. No test framework: exit status 0 or the
// number of the failed check.
#include <esp_blink/detail/coroutine.hpp>

#ifndef ESP_BLINK_OWN_COROUTINE
#error "build this test with -DESP_BLINK_OWN_COROUTINE"
#endif

namespace {

alignas(16) unsigned char frame_storage[1024];
bool frame_in_use = false;

// A coroutine that hands out values through its promise, one per resume.
struct counter {
  struct promise_type {
    int value = 0;
    static void* operator new(decltype(sizeof(0)) bytes) {
      if (frame_in_use || bytes > sizeof frame_storage) __builtin_trap();
      frame_in_use = true;
      return frame_storage;
    }
    static void operator delete(void*) { frame_in_use = false; }
    counter get_return_object() {
      return counter{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) {
      value = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { __builtin_trap(); }
  };
  std::coroutine_handle<promise_type> handle;
};

// An awaiter that records the handle it was suspended with.
struct capture {
  std::coroutine_handle<>* out;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const noexcept { *out = h; }
  void await_resume() const noexcept {}
};

std::coroutine_handle<> captured;

counter count_to(int limit) {
  for (int i = 1; i <= limit; ++i) {
    co_yield i;
  }
  co_await std::suspend_never{};
  co_await capture{&captured};
}

}  // namespace

int main() {
  counter c = count_to(3);
  if (!frame_in_use || c.handle.done()) return 1;
  for (int expected = 1; expected <= 3; ++expected) {
    c.handle.resume();
    if (c.handle.promise().value != expected) return 2;
  }
  c.handle.resume();  // past suspend_never, suspended in capture
  if (captured.address() != c.handle.address()) return 3;
  const auto again = std::coroutine_handle<counter::promise_type>::from_address(captured.address());
  if (&again.promise() != &c.handle.promise()) return 4;
  captured.resume();
  if (!c.handle.done()) return 5;
  c.handle.destroy();
  if (frame_in_use) return 6;
  return 0;
}
