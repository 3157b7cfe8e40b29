// Wakers: the handle an event source keeps to put a suspended task back on the run queue.
//
// The wake rules are kov's (docs/kov.md, "Waker"), and this file is where esp-blink states
// them for the chip:
// - waking an idle (suspended) task queues it once; waking a queued task does nothing, so a
//   task woken twice before it runs is polled once;
// - waking the running task makes it go round the queue once more when it suspends;
// - only the executor resumes a task, and only one that is queued, so a task is never resumed
//   twice at once;
// - `wake()` may be called from an interrupt handler: it runs inside a masked section, and so
//   does every change the main flow makes to a task's state or the run queue.
// One difference from kov, because there is no heap for reference counts: a waker points into
// the task's frame, so an event source may keep it only while the awaitable that registered it
// is alive. Every awaitable of esp_blink::async forgets its waker in its destructor, so a task
// that stops waiting (select, or completion) is never woken afterwards.
#pragma once

#include <esp_blink/async/platform.hpp>
#include <esp_blink/detail/coroutine.hpp>

#include <stdint.h>

namespace esp_blink::async {

class waker;

namespace detail {

enum class task_state : uint8_t { idle, scheduled, running, running_woken };

struct run_queue;

// Invariant: `next` is used only while the task is on `queue`'s list (state `scheduled`);
// `pending`/`pending_poll` name the awaitable the task is suspended on, or are null when the
// coroutine is to be resumed unconditionally (first run).
struct task_header {
  task_header* next = nullptr;
  run_queue* queue = nullptr;
  void* pending = nullptr;
  bool (*pending_poll)(void* pending, const waker& w) = nullptr;
  task_state state = task_state::idle;
};

// FIFO of scheduled tasks. Callers hold a masked_section.
struct run_queue {
  task_header* head = nullptr;
  task_header* tail = nullptr;

  bool empty() const noexcept { return head == nullptr; }
  void push(task_header& t) noexcept {
    t.next = nullptr;
    if (tail != nullptr) {
      tail->next = &t;
    } else {
      head = &t;
    }
    tail = &t;
  }
  task_header* pop() noexcept {
    task_header* t = head;
    if (t != nullptr) {
      head = t->next;
      if (head == nullptr) tail = nullptr;
    }
    return t;
  }
};

// The task being polled (null outside the executor's poll): the executor runs on one core.
inline task_header* current_task = nullptr;

}  // namespace detail

/// Puts one task back on its executor's run queue. Cheap to copy (one pointer).
class waker {
 public:
  /// An empty waker: wake() does nothing.
  waker() noexcept = default;
  /// The waker of task `t` (null: an empty waker that wakes nothing).
  explicit waker(detail::task_header* t) noexcept : t_(t) {}

  /// The waker of the task being polled (empty outside a task).
  static waker current() noexcept { return waker(detail::current_task); }

  /// Queues the task if it is suspended (see the rules above). Legal in an interrupt handler.
  void wake() const noexcept {
    if (t_ == nullptr) return;
    detail::masked_section masked;
    switch (t_->state) {
      case detail::task_state::idle:
        t_->state = detail::task_state::scheduled;
        t_->queue->push(*t_);
        break;
      case detail::task_state::running:
        t_->state = detail::task_state::running_woken;
        break;
      case detail::task_state::scheduled:
      case detail::task_state::running_woken:
        break;
    }
  }

  /// Whether the waker names a task (an empty waker's wake() does nothing).
  bool valid() const noexcept { return t_ != nullptr; }
  /// Whether both wakers wake the same task (or both are empty).
  bool same_task(const waker& other) const noexcept { return t_ == other.t_; }

 private:
  detail::task_header* t_ = nullptr;
};

namespace detail {

/// An awaitable's hold on an event source's waker slot: `park` stores the task's waker there
/// while the awaitable is pending, `release` (on completion) and the destructor take it back
/// if it is still there, so the source never wakes a task that stopped waiting. Moving is for
/// before the first poll (a combinator taking its parts by value).
class waker_claim {
 public:
  explicit waker_claim(waker& slot) noexcept : slot_(&slot) {}
  waker_claim(waker_claim&& other) noexcept : slot_(other.slot_), parked_(other.parked_) {
    other.parked_ = waker();
  }
  waker_claim(const waker_claim&) = delete;
  waker_claim& operator=(const waker_claim&) = delete;
  waker_claim& operator=(waker_claim&&) = delete;
  ~waker_claim() {
    if (!parked_.valid()) return;
    masked_section masked;
    release();
  }

  /// Callers hold a masked_section.
  void park(const waker& w) noexcept {
    *slot_ = w;
    parked_ = w;
  }
  /// Callers hold a masked_section. Leaves the slot alone if another awaitable parked since.
  void release() noexcept {
    if (parked_.valid() && slot_->same_task(parked_)) *slot_ = waker();
    parked_ = waker();
  }

 private:
  waker* slot_;
  waker parked_;  // what this claim put in the slot, or empty
};

}  // namespace detail

}  // namespace esp_blink::async
