// The executor: spawning, polling and finishing tasks, the run loop, timers and the reactor
// turn, and the wakes that arrive from other threads.
#include <kov/detail/blocking_pool.hpp>
#include <kov/detail/handle_inbox.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wake_protocol.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include "inject.hpp"

#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

namespace kov::detail {
namespace {

constexpr std::chrono::nanoseconds min_tick = std::chrono::microseconds(100);

// Installs a runtime as the one driving this thread for the duration of a loop.
class loop_guard {
 public:
  explicit loop_guard(runtime_core* rt) noexcept : saved_(tls_context) {
    KOV_ASSERT(tls_context.rt == nullptr, "a kov runtime is already running on this thread");
    tls_context = thread_context{};
    tls_context.rt = rt;
  }
  ~loop_guard() { tls_context = saved_; }
  loop_guard(const loop_guard&) = delete;
  loop_guard& operator=(const loop_guard&) = delete;

 private:
  thread_context saved_;
};

}  // namespace

runtime_core::runtime_core(const runtime_options& options)
    : options_(options),
      owner_(std::this_thread::get_id()),
      origin_(clock::now()),
      wheel_(0),
      paused_(options.start_paused),
      paused_now_(origin_) {
  options_.timer_tick = std::max(options_.timer_tick, min_tick);
  if (options_.event_interval == 0) options_.event_interval = 1;
  if (options_.task_budget == 0) options_.task_budget = 1;

  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw std::system_error(last_error(), "eventfd");
  auto [tx, rx] = flume_lock::channel<slot_ref>();
  hub_ = new wake_hub(std::move(tx), fd);
  inject_ = std::make_unique<inject_channel>(inject_channel{std::move(rx)});
  try {
    backend_ = make_reactor_backend(fd, options_);
  } catch (...) {
    release(*hub_);  // closes the eventfd
    throw;
  }
}

runtime_core::~runtime_core() {
  // Destroy every live frame (destructors run; they may wake or abort other tasks, which is
  // handled as usual), then release what the queue and the inject channel still hold.
  while (task_header* front = live_.front()) {
    task_header& t = *front;
    const task_ref keep(t);
    if (t.state_ == task_state::completed) {
      destroy_frame(t);
    } else {
      t.state_ = task_state::cancelled;
      destroy_frame(t);
      finish(t);
    }
  }
  while (task_header* t = run_queue_.pop_front()) task_ref::from_raw(*t).reset();
  // Every awaiting task is gone: unstarted blocking jobs are dropped, running ones waited for.
  blocking_.reset();
  KOV_ASSERT(wheel_.size() == 0, "timers outlived their tasks");
  // Later remote wakes fail to send instead of queueing; queued and in-flight ones are dropped.
  shutdown_wakes(*inject_);
  inject_.reset();
  backend_.reset();
  release(*hub_);
}

task_ref runtime_core::spawn(std::coroutine_handle<> frame, promise_base& promise,
                             bool wants_result, const char* name, location at) {
  task_header* t = nullptr;
  try {
    t = task_header::create();
  } catch (...) {
    // Out of memory for the header: the frame was not taken over yet, so free it here (every
    // spawn path comes through this function).
    frame.destroy();
    throw;
  }
  t->frame_ = frame;
  t->resume_point_ = frame;
  t->promise_ = &promise;
  t->rt_ = this;
  t->wants_result_ = wants_result;
  t->id_ = next_id_++;
  t->name_ = name;
  t->spawned_at_ = at;
  // The header's first reference is the runtime's (dropped with the frame).
  link_live(*t);
  t->state_ = task_state::scheduled;
  push(*t);
  return task_ref(*t);  // the caller's
}

void runtime_core::link_live(task_header& t) noexcept {
  live_.push_front(t);
  ++live_count_;
}

void runtime_core::unlink_live(task_header& t) noexcept {
  live_.erase(t);
  --live_count_;
}

void runtime_core::destroy_frame(task_header& t) noexcept {
  std::coroutine_handle<> frame = std::exchange(t.frame_, {});
  if (!frame) return;
  unlink_live(t);
  t.promise_ = nullptr;
  t.resume_point_ = {};
  t.rt_ = nullptr;
  // Safety: the frame is suspended (never destroyed while running: aborting a running task
  // only sets abort_requested_) and owned by this header alone.
  frame.destroy();
  task_ref::from_raw(t).reset();  // the runtime's reference
}

void runtime_core::finish(task_header& t) noexcept {
  if (remote_slot* s = std::exchange(t.remote_, nullptr)) {
    s->task_ = nullptr;
    release(*s);
  }
  if (completion_hook hook = std::exchange(t.hook_, {}); hook.fn != nullptr) hook.fn(hook.ctx, t);
  if (task_header* joiner = std::exchange(t.joiner_, nullptr)) {
    task_ref::from_raw(*joiner).wake();  // and drops the registration's reference
  }
}

void runtime_core::complete(task_header& t) noexcept {
  t.state_ = task_state::completed;
  const task_ref keep(t);
  finish(t);
  if (!t.wants_result_ || t.promise_ == nullptr || t.promise_->nothing_to_hand_over_) {
    destroy_frame(t);
  }
}

void runtime_core::cancel_now(task_header& t) noexcept {
  t.state_ = task_state::cancelled;
  const task_ref keep(t);
  destroy_frame(t);
  finish(t);
}

void runtime_core::abort(task_header& t) noexcept {
  switch (t.state_) {
    case task_state::idle:
    case task_state::scheduled:
      cancel_now(t);
      break;
    case task_state::running:
      t.abort_requested_ = true;
      break;
    default:
      break;
  }
}

void runtime_core::drop_result(task_header& t) noexcept {
  t.wants_result_ = false;
  if (t.state_ == task_state::completed) destroy_frame(t);
}

void runtime_core::poll(task_header& t) {
  if (t.state_ != task_state::scheduled) return;  // finished after it was queued
  KOV_ASSERT(t.frame_ && !t.frame_.done(), "resuming a finished frame");
  // A frame resumed from inside another task's poll would run twice at once.
  KOV_ASSERT(tls_context.current == nullptr, "a task polled while another one runs");
  t.state_ = task_state::running;
  ++t.polls_;
  thread_context& ctx = tls_context;
  ctx.current = &t;
  ctx.budget = options_.task_budget;
  drive(t.resume_point_);
  ctx.current = nullptr;
  if (t.frame_.done()) {
    complete(t);
  } else if (t.abort_requested_) {
    cancel_now(t);
  } else {
    t.state_ = task_state::idle;
    if (std::exchange(t.notified_, false)) wake(t);
  }
}

void runtime_core::run_until_finished(const task_ref& root_ref) {
  loop_guard guard(this);
  const task_header& root = *root_ref.get();  // checked after every poll: no indirection
  while (!root.finished()) {
    for (std::uint32_t n = 0; n < options_.event_interval; ++n) {
      task_header* t = run_queue_.pop_front();
      if (t == nullptr) break;
      poll(*t);
      task_ref::from_raw(*t).reset();  // the queue's reference
      if (root.finished()) return;
    }
    turn(run_queue_.empty());
  }
}

std::uint64_t runtime_core::tick_at_or_after(clock::time_point tp) const noexcept {
  if (tp <= origin_) return 0;
  const auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(tp - origin_).count();
  const auto tick = options_.timer_tick.count();
  return static_cast<std::uint64_t>((since + tick - 1) / tick);
}

runtime_core::clock::time_point runtime_core::time_of_tick(std::uint64_t tick) const noexcept {
  return origin_ + options_.timer_tick * static_cast<std::int64_t>(tick);
}

std::uint64_t runtime_core::tick_now() const noexcept {
  const auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(now() - origin_).count();
  return static_cast<std::uint64_t>(since / options_.timer_tick.count());
}

bool runtime_core::add_timer(timer_entry& e, clock::time_point deadline) noexcept {
  e.deadline_ = tick_at_or_after(deadline);
  // The wheel may lag behind the clock between turns; a deadline already reached is due.
  if (e.deadline_ <= tick_now()) return false;
  return wheel_.insert(e);
}

std::optional<std::chrono::nanoseconds> runtime_core::time_to_next_timer() const noexcept {
  const auto next = wheel_.next_expiration();
  // A paused clock does not move while the reactor waits: only I/O or a remote wake ends it.
  if (!next || paused_) return std::nullopt;
  return std::max(
      std::chrono::nanoseconds::zero(),
      std::chrono::duration_cast<std::chrono::nanoseconds>(time_of_tick(*next) - clock::now()));
}

// Auto-advance (tokio's rule, plus parked I/O): with the clock paused, no task ready, no I/O
// operation parked in the reactor, and nothing ready in a zero-timeout look at the reactor (a
// remote wake), the clock jumps to the next timer deadline. Returns whether it looked.
bool runtime_core::auto_advance_now() {
  if (!paused_ || !options_.auto_advance || io_waits_ != 0) return false;
  const auto next = wheel_.next_expiration();
  if (!next) return false;
  backend_->poll(std::chrono::nanoseconds::zero());
  drain_remote();
  if (run_queue_.empty()) {
    paused_now_ = std::max(paused_now_, time_of_tick(*next));
  }
  return true;
}

void runtime_core::turn(bool may_block) {
  if (!may_block || !auto_advance_now()) {
    // A blocking job's result usually comes back sooner than a park and an eventfd wake-up
    // take: while one is running, look for a remote wake briefly before parking.
    const bool park =
        may_block && !(blocking_ && blocking_->has_unfinished_jobs() && spin_for_remote_wake());
    backend_->poll(park ? time_to_next_timer() : std::chrono::nanoseconds::zero());
    drain_remote();
  }
  fire_timers();
}

bool runtime_core::spin_for_remote_wake() const noexcept {
  constexpr auto budget = std::chrono::microseconds(50);
  const auto until = std::chrono::steady_clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      // Ordering: relaxed: only a reason to skip the park; drain_remote's take_notification
      // (acq_rel) is what synchronises with the waker.
      if (hub_->notified_.load(order::relaxed)) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (std::chrono::steady_clock::now() >= until) return false;
  }
}

void runtime_core::advance_clock(clock::duration d) noexcept {
  KOV_ASSERT(paused_, "kov::time::advance on a runtime whose clock is not paused");
  KOV_ASSERT(d >= clock::duration::zero(), "kov::time::advance by a negative duration");
  if (!paused_ || d <= clock::duration::zero()) return;
  paused_now_ += d;
  fire_timers();
}

void runtime_core::drain_remote() noexcept {
  drain_wakes(*hub_, *inject_, [this](remote_slot& s) noexcept {
    if (s.task_ != nullptr) wake(*s.task_);
  });
}

void runtime_core::fire_timers() noexcept {
  if (wheel_.size() == 0) return;
  wheel_.advance(tick_now());
}

blocking_pool& runtime_core::blocking() {
  if (!blocking_) {
    blocking_ = std::make_unique<blocking_pool>(options_.max_blocking_threads,
                                                options_.blocking_keep_alive);
  }
  return *blocking_;
}

std::size_t runtime_core::blocking_threads() const {
  return blocking_ ? blocking_->thread_count() : 0;
}

remote_slot& runtime_core::remote_slot_of(task_header& t) {
  if (t.remote_ == nullptr) {
    auto* s = new remote_slot;
    s->task_ = &t;
    // Ordering: relaxed: the runtime's own reference keeps the hub alive.
    hub_->refs_.fetch_add(1, order::relaxed);
    s->hub_ = hub_;
    t.remote_ = s;
  }
  return *t.remote_;
}

}  // namespace kov::detail
