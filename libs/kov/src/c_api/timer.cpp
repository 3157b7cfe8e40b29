// The C API's timers. Each kov_timer is one task that sleeps and calls back; the task's frame
// owns the kov_timer, so the timer is freed exactly when the task ends, however it ends: the
// one-shot ran, kov_timer_cancel aborted it, or its runtime was freed.

#include <kov/time.hpp>

#include "c_api.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

// Invariant: `task` is the timer's own task (empty only while kov_timer_cancel aborts it);
// `in_callback` is true exactly while `cb` runs; `cancelled` is set by a kov_timer_cancel made
// from inside `cb`, and the task ends when `cb` returns.
struct kov_timer {
  kov_runtime* rt = nullptr;
  void (*cb)(kov_timer*, void*) = nullptr;
  void* user = nullptr;
  kov::join_handle<void> task;
  bool in_callback = false;
  bool cancelled = false;
};

namespace {

// Owns a kov_timer from its task's frame (a coroutine parameter lives as long as the frame).
class timer_owner {
 public:
  explicit timer_owner(kov_timer* t) noexcept : t_(t) {}
  timer_owner(timer_owner&& other) noexcept : t_(std::exchange(other.t_, nullptr)) {}
  timer_owner& operator=(timer_owner&&) = delete;
  ~timer_owner() { delete t_; }
  kov_timer* get() const noexcept { return t_; }

 private:
  kov_timer* t_;
};

constexpr std::uint64_t max_ms = 1'000'000'000'000;  // about 31 years

kov::clock::duration millis(std::uint64_t ms) noexcept {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(ms, max_ms)));
}

// Calls the callback; true if the timer goes on (it was not cancelled from inside).
bool fire(kov_timer& t) {
  t.in_callback = true;
  t.cb(&t, t.user);
  t.in_callback = false;
  return !t.cancelled;
}

kov::task<void> run_timer(timer_owner owner, kov::clock::time_point first,
                          kov::clock::duration repeat) {
  // Safety: `owner` lives in this frame, so the timer outlives every use below.
  kov_timer& t = *owner.get();
  if (repeat == kov::clock::duration::zero()) {
    co_await kov::sleep_until(first);
    fire(t);
    co_return;
  }
  kov::interval ticks(repeat, first);
  for (;;) {
    co_await ticks.tick();
    if (!fire(t)) co_return;
  }
}

}  // namespace

extern "C" {

kov_timer* kov_timer_start(kov_runtime* rt, uint64_t delay_ms, uint64_t repeat_ms,
                           void (*cb)(kov_timer*, void*), void* user) {
  if (rt == nullptr || cb == nullptr || !kov::c_api::on_runtime_thread(*rt)) return nullptr;
  try {
    const kov::clock::time_point first = kov::clock::now() + millis(delay_ms);
    timer_owner owner(new kov_timer{rt, cb, user, {}, false, false});
    kov_timer* t = owner.get();
    // If making the task fails, the argument still owns the timer and frees it; once made,
    // the frame owns it.
    t->task = rt->core->spawn(run_timer(std::move(owner), first, millis(repeat_ms)), "kov_timer");
    return t;
  } catch (...) {
    return nullptr;
  }
}

void kov_timer_cancel(kov_timer* timer) {
  if (timer == nullptr) return;
  KOV_ASSERT(kov::c_api::on_runtime_thread(*timer->rt), "kov_timer_cancel on a foreign thread");
  if (timer->in_callback) {
    // Its task is the one running: it ends, and frees the timer, when the callback returns.
    timer->cancelled = true;
    return;
  }
  kov::join_handle<void> task = std::move(timer->task);
  // Safety: the task is suspended (only the running task's callback could be calling us, and
  // that case is above), so abort destroys its frame now, and the frame's timer_owner frees
  // `timer`: it is not touched after this line.
  task.abort();
}

}  // extern "C"
