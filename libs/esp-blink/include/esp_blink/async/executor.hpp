// The executor: runs tasks on one core, and sleeps with WFI when none is ready.
//
//   esp_blink::async::frame_pool<256, 3> frames;
//   int main() {
//     esp_blink::async::executor ex{frames};
//     ex.spawn(blink());
//     ex.spawn(echo());
//     ex.run();            // returns when every task has finished
//   }
//
// One FIFO run queue, intrusive (the link is in the task's promise). Interrupt handlers wake
// tasks (waker.hpp); the executor is the only code that resumes them. The idle step is the one
// embassy uses on RISC-V: mask interrupts, look at the run queue, WFI only if it is empty,
// unmask. A wake arriving after the look is held pending by the mask, so WFI returns at once
// and the handler runs (and queues its task) when the mask is lifted: no wake is lost between
// the check and the sleep.
#pragma once

#include <esp_blink/async/frame_pool.hpp>
#include <esp_blink/async/platform.hpp>
#include <esp_blink/async/task.hpp>
#include <esp_blink/async/waker.hpp>

#include <stdint.h>

namespace esp_blink::async {

// Invariant: `live_` counts spawned tasks whose frames have not been destroyed; a spawned task
// is either on `queue_` (scheduled), being polled (running, running_woken), or suspended (idle)
// with its pending awaitable holding its waker.
/// Runs spawned tasks on one core from a FIFO run queue, sleeping in WFI when none is ready.
/// Only the executor resumes tasks; interrupt handlers wake them through wakers. Use it from the
/// main flow only (never from a handler); one executor exists at a time.
class executor {
 public:
  /// The executor allocates every task's frame from `pool`. One executor at a time.
  template <size_type SlotBytes, uint32_t Slots>
  explicit executor(frame_pool<SlotBytes, Slots>& pool) noexcept {
    if (detail::active_pool != nullptr) panic("async: two executors at once");
    detail::active_pool = &pool.described();
  }
  /// Destroying an executor does not destroy unfinished tasks' frames (on the chip it never
  /// happens; host tests run their tasks to the end).
  ~executor() { detail::active_pool = nullptr; }
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;

  /// Queues a new task; it first runs at the next run()/run_ready().
  void spawn(task t) noexcept {
    auto handle = t.release();
    auto& header = static_cast<detail::task_header&>(handle.promise());
    header.queue = &queue_;
    ++live_;
    detail::masked_section masked;
    header.state = detail::task_state::scheduled;
    queue_.push(header);
  }

  /// Runs tasks until none is left, sleeping in WFI whenever none is ready.
  void run() {
    for (;;) {
      run_ready();
      if (live_ == 0) return;
      sleep_until_woken();
    }
  }

  /// Runs every queued task (and those queued meanwhile) until the queue is empty.
  void run_ready() {
    for (;;) {
      detail::task_header* t;
      {
        detail::masked_section masked;
        t = queue_.pop();
        if (t == nullptr) return;
        t->state = detail::task_state::running;
      }
      poll(*t);
    }
  }

  /// The idle step: WFI only if, with interrupts masked, nothing is queued.
  void sleep_until_woken() {
    detail::masked_section masked;
    if (queue_.empty()) platform::wait_for_interrupt();
  }  // a pending handler runs here, as the mask is lifted

  /// Spawned tasks that have not finished yet.
  uint32_t live_tasks() const noexcept { return live_; }

 private:
  void poll(detail::task_header& t) {
    auto handle = std::coroutine_handle<task::promise_type>::from_promise(
        static_cast<task::promise_type&>(t));
    detail::current_task = &t;
    const bool ready = t.pending_poll == nullptr || t.pending_poll(t.pending, waker(&t));
    if (ready) {
      t.pending = nullptr;
      t.pending_poll = nullptr;
      handle.resume();
    }
    detail::current_task = nullptr;
    if (handle.done()) {
      // No waker can reach the task any more: its awaitables forgot theirs when destroyed.
      handle.destroy();
      --live_;
      return;
    }
    detail::masked_section masked;
    if (t.state == detail::task_state::running_woken) {
      t.state = detail::task_state::scheduled;
      queue_.push(t);
    } else {
      t.state = detail::task_state::idle;
    }
  }

  detail::run_queue queue_;
  uint32_t live_ = 0;
};

}  // namespace esp_blink::async
