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

/// A coroutine the executor runs as one task: returns nothing, is never awaited, and has its
/// frame allocated from the active executor's frame_pool (a panic if there is no executor, the
/// frame is too large or the pool is full). Hand it to executor::spawn(); a task never spawned
/// destroys its frame.
class task {
 public:
  /// The coroutine promise: allocates the frame from the pool and starts suspended.
  struct promise_type : detail::task_header {
    // Not noexcept: a noexcept operator new promises a null return on failure, which needs
    // get_return_object_on_allocation_failure; this one never returns null (it panics).
    /// Takes a slot of the active executor's pool for the frame; panics instead of failing.
    static void* operator new(size_type bytes) {
      if (detail::active_pool == nullptr) panic("async: a task was created with no executor");
      return detail::active_pool->allocate(bytes);
    }
    /// Gives the frame's slot back to the pool.
    static void operator delete(void* frame) noexcept { detail::active_pool->release(frame); }

    /// Coroutine protocol: the task that owns the new frame.
    task get_return_object() noexcept {
      return task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    /// Coroutine protocol: starts suspended, first run by the executor after spawn().
    std::suspend_always initial_suspend() noexcept { return {}; }
    /// Coroutine protocol: suspended at the end so the executor, which sees done(), is the one
    /// that frees the frame.
    std::suspend_always final_suspend() noexcept { return {}; }
    /// Coroutine protocol: a task returns nothing.
    void return_void() noexcept {}
    /// Coroutine protocol: an exception escaping a task panics.
    void unhandled_exception() noexcept { panic("async: exception escaped a task"); }
  };

  /// Takes the frame over; `other` is left empty.
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
