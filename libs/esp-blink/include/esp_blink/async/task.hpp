// async::task: a coroutine the executor runs as one task, its frame from the frame pool.
//
//   esp_blink::async::task blink(led_type& led) {
//     for (;;) { led.toggle(); co_await esp_blink::async::sleep_for_ms(500); }
//   }
//   ex.spawn(blink(led));
//
// A task returns nothing and is never awaited by another coroutine: tasks compose through
// awaitables (join, select, channels, signals), which keeps one frame per task and the pool's
// arithmetic obvious. Creating a task allocates its frame from the active executor's pool, or
// panics (no `get_return_object_on_allocation_failure`: that would turn every call into one
// that may hand back an empty task, and the firmware could do nothing better than panic).
#pragma once

#include <esp_blink/async/frame_pool.hpp>
#include <esp_blink/async/waker.hpp>
#include <esp_blink/detail/coroutine.hpp>
#include <esp_blink/panic.hpp>

namespace esp_blink::async {

class executor;

class task {
 public:
  struct promise_type : detail::task_header {
    // Not noexcept: a noexcept operator new promises a null return on failure, which needs
    // get_return_object_on_allocation_failure; this one never returns null (it panics).
    static void* operator new(size_type bytes) {
      if (detail::active_pool == nullptr) panic("async: a task was created with no executor");
      return detail::active_pool->allocate(bytes);
    }
    static void operator delete(void* frame) noexcept { detail::active_pool->release(frame); }

    task get_return_object() noexcept {
      return task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    // Suspended at the end so the executor, which sees done(), is the one that frees the frame.
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { panic("async: exception escaped a task"); }
  };

  task(task&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  task& operator=(task&&) = delete;
  task(const task&) = delete;
  ~task() {
    if (handle_) handle_.destroy();  // never spawned
  }

 private:
  friend class executor;
  explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}

  std::coroutine_handle<promise_type> release() noexcept {
    auto h = handle_;
    handle_ = nullptr;
    return h;
  }

  std::coroutine_handle<promise_type> handle_;
};

}  // namespace esp_blink::async
