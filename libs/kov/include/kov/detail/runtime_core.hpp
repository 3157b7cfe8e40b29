// The executor behind kov::runtime: run queue, task lifecycle, timers, the reactor turn.
//
// Every reference it takes on a task goes through task_ref (the run queue's, the runtime's own,
// the caller's from spawn); the end of this file defines task_ref's operations that call it.
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/context.hpp>
#include <kov/detail/location.hpp>
#include <kov/detail/reactor_backend.hpp>
#include <kov/detail/remote.hpp>
#include <kov/detail/task_header.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/detail/timer_wheel.hpp>
#include <kov/export.hpp>
#include <kov/runtime_options.hpp>
#include <kov/task_dump.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace kov::detail {

class promise_base;
struct inject_channel;
class blocking_pool;
struct handle_inbox;

// Invariant: run_queue_ is a FIFO of headers each holding one reference for the
// queue; live_ lists every header whose frame is alive; only owner_ touches any of it
// (cross-thread wakes arrive through hub_'s inject channel and are applied here).
class KOV_API runtime_core {
 public:
  using clock = std::chrono::steady_clock;

  explicit runtime_core(const runtime_options& options);
  ~runtime_core();
  runtime_core(const runtime_core&) = delete;
  runtime_core& operator=(const runtime_core&) = delete;

  // Takes ownership of `frame` (a kov task frame) and queues it; returns the caller's
  // reference. `wants_result`: a join handle will take the result, so a completed frame waits
  // for it (drop_result).
  task_ref spawn(std::coroutine_handle<> frame, promise_base& promise, bool wants_result,
                 const char* name, location at);

  // Local wake: queue an idle task; remember a wake that lands while it runs; otherwise
  // nothing (already queued, or finished). No atomic operation.
  void wake(task_header& t) noexcept {
    KOV_ASSERT(std::this_thread::get_id() == owner_, "local wake from a foreign thread");
    switch (t.state_) {
      case task_state::idle:
        t.state_ = task_state::scheduled;
        push(t);
        break;
      case task_state::running:
        t.notified_ = true;
        break;
      default:
        break;
    }
  }

  // Cancels `t`: a suspended task is destroyed now (its destructors run before this returns);
  // a running one when it next suspends. No-op once it has finished.
  void abort(task_header& t) noexcept;

  // The result of a completed task is no longer wanted: its frame can go.
  void drop_result(task_header& t) noexcept;

  // Runs tasks and reactor turns until `root` has finished.
  void run_until_finished(const task_ref& root);

  // Timers. add_timer returns false, leaving `e` unlinked, when `deadline` has already passed.
  bool add_timer(timer_entry& e, clock::time_point deadline) noexcept;
  void cancel_timer(timer_entry& e) noexcept { wheel_.cancel(e); }
  std::size_t timer_count() const noexcept { return wheel_.size(); }

  // The runtime's clock: the steady clock, or the paused test clock (runtime_options::
  // start_paused), which moves only by advance_clock() and auto-advance.
  clock::time_point now() const noexcept { return paused_ ? paused_now_ : clock::now(); }
  bool clock_paused() const noexcept { return paused_; }
  // Moves the paused clock forward by `d` and fires the timers due by then, in deadline order
  // (their tasks are queued in that order). Only on a paused clock.
  void advance_clock(clock::duration d) noexcept;

  // An I/O operation is parked in the reactor: while any is, auto-advance does not jump (the
  // operation may complete and its task run before the next timer).
  void io_wait_begin() noexcept { ++io_waits_; }
  void io_wait_end() noexcept {
    KOV_ASSERT(io_waits_ > 0, "unbalanced io_wait_end");
    --io_waits_;
  }

  // The reactor behind this runtime (I/O types register with it).
  reactor_backend& reactor() noexcept { return *backend_; }

  // The task's thread-safe wake identity (made on first use).
  remote_slot& remote_slot_of(task_header& t);
  wake_hub* hub() const noexcept { return hub_; }

  // The pool behind kov::spawn_blocking (started on first use), and its threads alive now.
  blocking_pool& blocking();
  std::size_t blocking_threads() const;
  // Where kov::handle's work arrives (its task started on first use; src/handle.cpp).
  handle_inbox& inbox();

  std::vector<task_snapshot> snapshot() const;
  std::size_t live_tasks() const noexcept { return live_count_; }
  const runtime_options& options() const noexcept { return options_; }

 private:
  void push(task_header& t) noexcept { run_queue_.push_back(task_ref(t).into_raw()); }

  void poll(task_header& t);
  void turn(bool may_block);
  // Spins up to 50 us until a remote wake is pending; true if one is.
  bool spin_for_remote_wake() const noexcept;
  void drain_remote() noexcept;
  void fire_timers() noexcept;
  void complete(task_header& t) noexcept;
  void cancel_now(task_header& t) noexcept;
  void finish(task_header& t) noexcept;
  void destroy_frame(task_header& t) noexcept;
  void link_live(task_header& t) noexcept;
  void unlink_live(task_header& t) noexcept;
  std::uint64_t tick_at_or_after(clock::time_point tp) const noexcept;
  std::uint64_t tick_now() const noexcept;
  clock::time_point time_of_tick(std::uint64_t tick) const noexcept;
  std::optional<std::chrono::nanoseconds> time_to_next_timer() const noexcept;
  bool auto_advance_now();

  runtime_options options_;
  std::thread::id owner_;
  run_queue run_queue_;
  live_list live_;
  std::size_t live_count_ = 0;
  std::uint64_t next_id_ = 1;

  clock::time_point origin_;
  timer_wheel wheel_;
  // Invariant: paused_now_ never goes back; it is read only when paused_.
  bool paused_ = false;
  clock::time_point paused_now_;
  std::size_t io_waits_ = 0;  // operations parked in the reactor (io_wait_begin/end)

  wake_hub* hub_ = nullptr;                 // counted reference
  std::unique_ptr<inject_channel> inject_;  // receiving end of hub_'s channel
  std::unique_ptr<reactor_backend> backend_;
  std::unique_ptr<blocking_pool> blocking_;  // made on first use
  std::unique_ptr<handle_inbox> inbox_;      // made on first use
};

// The runtime driving this thread, or null.
inline runtime_core* current_runtime() noexcept {
  return tls_context.rt;
}
// The task being polled on this thread, or null.
inline task_header* current_task() noexcept {
  return tls_context.current;
}

// Cooperative budget: true if the current task may complete one more ready await without
// suspending. False when its budget is spent or it has been aborted: the caller then suspends
// (going to the back of the queue, or being cancelled there).
inline bool coop_proceed() noexcept {
  thread_context& ctx = tls_context;
  if (ctx.current == nullptr) return true;
  if (ctx.budget == 0 || ctx.current->abort_requested_) return false;
  --ctx.budget;
  return true;
}

// Sends the current task to the back of the run queue when it suspends.
inline void yield_current() noexcept {
  task_header* t = current_task();
  KOV_ASSERT(t != nullptr && t->rt_ != nullptr, "yield outside a kov task");
  t->rt_->wake(*t);
}

inline void task_ref::wake() const noexcept {
  if (t_ != nullptr && t_->rt_ != nullptr) t_->rt_->wake(*t_);
}

inline bool task_ref::abort() const noexcept {
  if (t_ == nullptr || t_->rt_ == nullptr) return t_ != nullptr && t_->finished();
  t_->rt_->abort(*t_);
  return t_->finished();
}

inline void task_ref::drop_result() const noexcept {
  if (t_->rt_ != nullptr) {
    t_->rt_->drop_result(*t_);
  } else {
    t_->wants_result_ = false;
  }
}

inline slot_ref task_ref::wake_slot() const {
  if (t_ == nullptr || t_->rt_ == nullptr) return {};
  remote_slot& s = t_->rt_->remote_slot_of(*t_);
  retain(s);
  return slot_ref(&s);
}

}  // namespace kov::detail
