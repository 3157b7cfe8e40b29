// Pollables: the awaitables of esp_blink::async, and how a task awaits one.
//
// A pollable is a small object with
//   bool poll(const waker& w);  // ready? if not, keep `w` and wake it when it may be
//   T take();                   // the result, once, after poll returned true
// exactly Rust's Future::poll split in two. `co_await p` polls once; if not ready the task
// suspends with `p` as its pending awaitable, and every later run of the task polls `p` again
// before resuming the coroutine, so a spurious or early wake costs one poll, never a wrong
// resume. join and select are pollables made of pollables. A pollable forgets any waker it
// handed out in its destructor (see waker.hpp).
#pragma once

#include <esp_blink/async/waker.hpp>
#include <esp_blink/detail/coroutine.hpp>
#include <esp_blink/panic.hpp>

namespace esp_blink::async {

/// The result of pollables that complete with no value.
struct none {};

/// An awaitable of esp_blink::async: `poll(w)` returns whether it is ready and, if not, keeps
/// `w` to wake when it may be; `take()` returns the result once, after poll returned true.
template <typename P>
concept pollable = requires(P& p, const waker& w) {
  { p.poll(w) } -> ::esp_blink::detail::same_as_bool;
  p.take();
};

namespace detail {

template <typename P>
bool poll_erased(void* p, const waker& w) {
  // Safety: `p` is the pollable the suspended task stored in await_suspend below; it lives in
  // that task's frame until the task is resumed.
  return static_cast<P*>(p)->poll(w);
}

template <typename P>
class poll_awaiter {
 public:
  explicit poll_awaiter(P& p) noexcept : p_(p) {}

  // Only a task (task.hpp) awaits pollables: the executor has set current_task.
  bool await_ready() { return p_.poll(waker(current_task)); }
  void await_suspend(std::coroutine_handle<>) noexcept {
    current_task->pending = &p_;
    current_task->pending_poll = &poll_erased<P>;
  }
  decltype(auto) await_resume() { return p_.take(); }

 private:
  P& p_;
};

}  // namespace detail

/// Awaits a pollable in a task: polls it once, and if not ready suspends the task with `p` as
/// its pending awaitable, polled again before every resume.
template <pollable P>
detail::poll_awaiter<P> operator co_await(P& p) noexcept {
  return detail::poll_awaiter<P>(p);
}

/// Awaits a temporary pollable, which lives until the end of the full expression that awaits
/// it.
template <pollable P>
detail::poll_awaiter<P> operator co_await(P&& p) noexcept {
  return detail::poll_awaiter<P>(p);
}

}  // namespace esp_blink::async
