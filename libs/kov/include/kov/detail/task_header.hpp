// The control block of a spawned task: what the run queue, wakers and join handles point at.
// Outside the runtime, reach it through task_ref (task_ref.hpp), never its fields.
#pragma once

#include <kov/detail/frame_pool.hpp>
#include <kov/detail/intrusive_list.hpp>
#include <kov/detail/location.hpp>

#include <coroutine>
#include <cstdint>
#include <new>

namespace kov::detail {

class promise_base;
class runtime_core;
struct remote_slot;
struct task_header;

enum class task_state : std::uint8_t {
  idle,       // suspended, waiting for a wake
  scheduled,  // on the run queue
  running,    // being polled
  completed,  // ran to the end (the frame may still hold the result for a join handle)
  cancelled,  // aborted, or its runtime shut down: the frame was destroyed early
};

// Called synchronously when a task finishes (completed or cancelled), before anything else
// runs: when_any uses it to abort the losers before they can take anything.
struct completion_hook {
  void (*fn)(void* ctx, task_header& finished) noexcept = nullptr;
  void* ctx = nullptr;
};

// Invariant:
// - refs_ counts: the runtime while frame_ is alive (1), the run queue while queued (1), each
//   waker, join handle, joiner registration and owning group. The block is freed at zero, and
//   frame_ is null by then. Only task_ref (task_ref.hpp) changes it.
// - resume_point_ is frame_ or a frame nested in it (a task it awaits, transitively); every
//   co_await in a kov frame records itself there before suspending.
// - frame_ is non-null from spawn until the frame is destroyed; while non-null the header is on
//   its runtime's live list and rt_ is non-null.
// - rt_ is null once the task can no longer be scheduled (frame gone, or runtime gone).
// - state_ == scheduled <=> the header is on the run queue with its frame alive. A header with
//   any other state may still sit on the queue (it was aborted after a wake); it is skipped.
// - joiner_ (ref held) is the task awaiting this one's end; hook_ fires once at the end.
// - Only the runtime's thread reads or writes any field.
struct task_header {
  std::uint32_t refs_ = 1;
  task_state state_ = task_state::idle;
  bool notified_ = false;         // woken while running: queue it again when it suspends
  bool abort_requested_ = false;  // aborted while running: cancel it when it suspends
  bool wants_result_ = false;     // a join handle will take the result

  std::coroutine_handle<> frame_{};         // the outermost frame (owned)
  std::coroutine_handle<> resume_point_{};  // the innermost suspended frame: what a wake resumes
  promise_base* promise_ = nullptr;
  runtime_core* rt_ = nullptr;

  queue_link<task_header> run_link_;   // on the run queue
  list_link<task_header> live_link_;   // on the runtime's live list
  list_link<task_header> group_link_;  // on an owning scope's children

  task_header* joiner_ = nullptr;
  completion_hook hook_{};
  remote_slot* remote_ = nullptr;

  std::uint64_t id_ = 0;
  std::uint64_t polls_ = 0;
  const char* name_ = nullptr;
  location spawned_at_{};

  static task_header* create() { return ::new (pool_allocate(sizeof(task_header))) task_header{}; }
  bool finished() const noexcept {
    return state_ == task_state::completed || state_ == task_state::cancelled;
  }
};

using run_queue = intrusive_list<task_header, member_link<&task_header::run_link_>>;
using live_list = intrusive_list<task_header, member_link<&task_header::live_link_>>;
using child_list = intrusive_list<task_header, member_link<&task_header::group_link_>>;

}  // namespace kov::detail
