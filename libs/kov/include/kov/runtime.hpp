#pragma once
// kov::runtime: a single-threaded executor for kov tasks.
//
//   kov::runtime rt;
//   int v = rt.block_on(main_task());          // runs until main_task finishes
//
// Inside a task, kov::spawn starts another task on the same runtime and returns a join handle;
// co_await on the handle yields the task's result (errc::cancelled if it was aborted) and
// rethrows its exception. Dropping the handle detaches the task; abort() cancels it.

#include <kov/detail/runtime_core.hpp>
#include <kov/result.hpp>
#include <kov/runtime_options.hpp>
#include <kov/task.hpp>
#include <kov/task_dump.hpp>

#include <memory>
#include <system_error>
#include <utility>
#include <vector>

namespace kov {

// Owns a spawned task's outcome. Move-only.
//
// Invariant: t_ is null or holds one reference to its header, whose wants_result_ is true
// until the result is taken or the handle is dropped.
template <class T>
class [[nodiscard]] join_handle {
 public:
  join_handle() noexcept = default;
  explicit join_handle(detail::task_header& t) noexcept : t_(&t) {}  // adopts a reference
  join_handle(join_handle&& other) noexcept : t_(std::exchange(other.t_, nullptr)) {}
  join_handle& operator=(join_handle&& other) noexcept {
    join_handle moved(std::move(other));
    std::swap(t_, moved.t_);
    return *this;
  }
  ~join_handle() { detach(); }

  // Lets the task run on unobserved; its result (or exception) is discarded.
  void detach() noexcept {
    if (t_ == nullptr) return;
    if (t_->rt_ != nullptr) {
      t_->rt_->drop_result(*t_);
    } else {
      t_->wants_result_ = false;
    }
    detail::release(*std::exchange(t_, nullptr));
  }

  // Cancels the task: a suspended task is destroyed before abort() returns (destructors run);
  // a task aborting itself stops at its next suspension. Joining then gives errc::cancelled.
  void abort() noexcept {
    if (t_ != nullptr && t_->rt_ != nullptr) t_->rt_->abort(*t_);
  }

  bool valid() const noexcept { return t_ != nullptr; }
  bool is_finished() const noexcept { return t_ == nullptr || t_->finished(); }
  std::uint64_t id() const noexcept { return t_ != nullptr ? t_->id_ : 0; }
  detail::task_header* header() const noexcept { return t_; }  // for kov's own combinators

  // The outcome of a finished task (call once): its value, errc::cancelled, or its exception
  // rethrown.
  result<T> take_result() {
    KOV_ASSERT(t_ != nullptr && t_->finished(), "taking the result of an unfinished task");
    if (t_->state_ == detail::task_state::cancelled) return errc::cancelled;
    if (!t_->frame_) {
      // A void task's frame goes at completion; any other frame is gone only because the
      // runtime shut down before the result was taken.
      if constexpr (std::is_void_v<T>) return {};
      return errc::cancelled;
    }
    struct drop_frame {
      detail::task_header* t;
      ~drop_frame() {
        if (t->rt_ != nullptr) t->rt_->drop_result(*t);
      }
    } guard{t_};
    // Safety: the frame was made for a task_promise<T> (spawn<T> took a task<T>).
    auto h = std::coroutine_handle<detail::task_promise<T>>::from_address(t_->frame_.address());
    if constexpr (std::is_void_v<T>) {
      h.promise().take_result();
      return {};
    } else {
      return result<T>(std::in_place, h.promise().take_result());
    }
  }

  class awaiter {
   public:
    explicit awaiter(join_handle& h) noexcept : h_(h) {}
    awaiter(const awaiter&) = delete;
    awaiter& operator=(const awaiter&) = delete;
    ~awaiter() { unregister(); }

    bool await_ready() const noexcept { return h_.is_finished(); }
    void await_suspend(std::coroutine_handle<>) noexcept {
      detail::task_header* me = detail::current_task();
      KOV_ASSERT(me != nullptr, "joining outside a kov task");
      KOV_ASSERT(h_.t_->joiner_ == nullptr, "two tasks joining one handle");
      detail::retain(*me);
      h_.t_->joiner_ = me;
      waiting_ = me;
    }
    result<T> await_resume() {
      unregister();
      if (h_.t_ == nullptr) return errc::cancelled;
      return h_.take_result();
    }

   private:
    // Cancel-safe: abandoning the await only withdraws the registration.
    void unregister() noexcept {
      if (waiting_ == nullptr) return;
      if (h_.t_ != nullptr && h_.t_->joiner_ == waiting_) {
        h_.t_->joiner_ = nullptr;
        detail::release(*waiting_);
      }
      waiting_ = nullptr;
    }
    join_handle& h_;
    detail::task_header* waiting_ = nullptr;
  };

  awaiter operator co_await() & noexcept { return awaiter(*this); }
  awaiter operator co_await() && noexcept { return awaiter(*this); }

 private:
  detail::task_header* t_ = nullptr;
};

namespace detail {
template <class T>
join_handle<T> spawn_on(runtime_core& rt, task<T>&& t, const char* name, location at) {
  KOV_ASSERT(t.valid(), "spawning an empty task");
  auto h = t.release();
  task_header& header = rt.spawn(h, h.promise(), name, at);
  header.wants_result_ = true;
  return join_handle<T>(header);
}
}  // namespace detail

// Invariant: core_ is never null; the runtime is driven only by the thread that created it.
class runtime {
 public:
  explicit runtime(const runtime_options& options = {})
      : core_(std::make_unique<detail::runtime_core>(options)) {}
  // Destroys every task still alive (their destructors run); wakers and handles that outlive
  // the runtime stay safe to use and do nothing.
  ~runtime() = default;
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  // Runs `t` (and every other task of this runtime) on the calling thread until `t` finishes;
  // returns its value or rethrows its exception. Not reentrant.
  template <class T>
  T block_on(task<T> t, detail::location at = detail::location::current()) {
    join_handle<T> h = detail::spawn_on(*core_, std::move(t), "block_on", at);
    core_->run_until_finished(*h.header());
    return h.take_result().value();
  }

  // Queues `t`; it runs during block_on.
  template <class T>
  join_handle<T> spawn(task<T> t, const char* name = nullptr,
                       detail::location at = detail::location::current()) {
    return detail::spawn_on(*core_, std::move(t), name, at);
  }

  // The live tasks: state and where each is suspended.
  std::vector<task_snapshot> dump() const { return core_->snapshot(); }
  std::size_t live_tasks() const noexcept { return core_->live_tasks(); }
  const runtime_options& options() const noexcept { return core_->options(); }
  detail::runtime_core& core() noexcept { return *core_; }

 private:
  std::unique_ptr<detail::runtime_core> core_;
};

// Spawns `t` on the runtime running on this thread. Throws std::system_error(errc::no_runtime)
// outside one.
template <class T>
join_handle<T> spawn(task<T> t, const char* name = nullptr,
                     detail::location at = detail::location::current()) {
  detail::runtime_core* rt = detail::current_runtime();
  if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
  return detail::spawn_on(*rt, std::move(t), name, at);
}

// Sends the current task to the back of the run queue. Cancel-safe (nothing to lose).
struct yield_awaitable {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept { detail::yield_current(); }
  void await_resume() const noexcept {}
};
inline yield_awaitable yield_now() noexcept { return {}; }

// The live tasks of the runtime running on this thread (empty outside one).
inline std::vector<task_snapshot> dump_tasks() {
  detail::runtime_core* rt = detail::current_runtime();
  return rt != nullptr ? rt->snapshot() : std::vector<task_snapshot>{};
}

}  // namespace kov
