// kov::runtime: a single-threaded executor for kov tasks.
//
//   kov::runtime rt;
//   int v = rt.block_on(main_task());          // runs until main_task finishes
//
// Inside a task, kov::spawn starts another task on the same runtime and returns a join handle;
// co_await on the handle yields the task's result (errc::cancelled if it was aborted) and
// rethrows its exception. Dropping the handle detaches the task; abort() cancels it.
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/result.hpp>
#include <kov/runtime_options.hpp>
#include <kov/task.hpp>
#include <kov/task_dump.hpp>

#include <memory>
#include <system_error>
#include <utility>
#include <vector>

namespace kov {

class handle;

/// Owns a spawned task's outcome. Move-only.
///
/// Invariant: t_ is empty or the task's reference for this handle; the task was spawned wanting
/// its result, and keeps it until the result is taken or the handle is dropped.
template <class T>
class [[nodiscard]] join_handle {
 public:
  join_handle() noexcept = default;
  /// Takes over a task reference (used by spawn).
  explicit join_handle(detail::task_ref t) noexcept : t_(std::move(t)) {}
  /// Moves the handle; `other` becomes empty.
  join_handle(join_handle&& other) noexcept = default;
  /// Detaches the task this handle held, then takes over `other`'s.
  join_handle& operator=(join_handle&& other) noexcept {
    join_handle moved(std::move(other));
    t_.swap(moved.t_);
    return *this;
  }
  ~join_handle() { detach(); }

  /// Lets the task run on unobserved; its result (or exception) is discarded.
  void detach() noexcept {
    if (!t_) return;
    t_.drop_result();
    t_.reset();
  }

  /// Cancels the task: a suspended task is destroyed before abort() returns (destructors run);
  /// a task aborting itself stops at its next suspension. Joining then gives errc::cancelled.
  void abort() noexcept {
    if (t_) t_.abort();
  }

  /// Whether the handle still refers to a task (not default-made, moved from or detached).
  bool valid() const noexcept { return static_cast<bool>(t_); }
  /// Whether the task has finished (true for an empty handle).
  bool is_finished() const noexcept { return !t_ || t_.finished(); }
  /// The task's id, as in task dumps (0 for an empty handle).
  std::uint64_t id() const noexcept { return t_ ? t_.id() : 0; }
  const detail::task_ref& ref() const noexcept { return t_; }        ///< for kov's own combinators
  detail::task_header* header() const noexcept { return t_.get(); }  ///< for kov's own tests

  /// The outcome of a finished task (call once): its value, errc::cancelled, or its exception
  /// rethrown.
  result<T> take_result() {
    KOV_ASSERT(t_ && t_.finished(), "taking the result of an unfinished task");
    if (t_.cancelled()) return errc::cancelled;
    // Safety: spawn<T> took a task<T>, whose frame holds a task_promise<T>.
    auto* promise = t_.template promise<detail::task_promise<T>>();
    if (promise == nullptr) {
      // A void task's frame goes at completion; any other frame is gone only because the
      // runtime shut down before the result was taken.
      if constexpr (std::is_void_v<T>) return {};
      return errc::cancelled;
    }
    struct drop_frame {
      const detail::task_ref& t;
      ~drop_frame() { t.drop_result(); }
    } guard{t_};
    if constexpr (std::is_void_v<T>) {
      promise->take_result();
      return {};
    } else {
      return result<T>(std::in_place, promise->take_result());
    }
  }

  /// Awaitable returned by co_await on a join_handle: yields take_result() once the task
  /// finishes (errc::cancelled for an empty handle).
  class awaiter {
   public:
    /// Awaits the task of `h`.
    explicit awaiter(join_handle& h) noexcept : h_(h) {}
    awaiter(const awaiter&) = delete;
    awaiter& operator=(const awaiter&) = delete;

    /// Awaitable protocol: ready once the task has finished.
    bool await_ready() const noexcept { return h_.is_finished(); }
    /// Awaitable protocol: waits for the task to end. Cancel-safe: abandoning the await only
    /// withdraws the registration.
    void await_suspend(std::coroutine_handle<>) noexcept { wait_.arm(h_.t_); }
    /// Awaitable protocol: the task's outcome, as take_result().
    result<T> await_resume() {
      wait_.disarm();
      if (!h_.t_) return errc::cancelled;
      return h_.take_result();
    }

   private:
    join_handle& h_;
    detail::join_wait wait_;
  };

  /// Awaits the task's outcome (see awaiter).
  awaiter operator co_await() & noexcept { return awaiter(*this); }
  /// Awaits the task's outcome (see awaiter).
  awaiter operator co_await() && noexcept { return awaiter(*this); }

 private:
  detail::task_ref t_;
};

namespace detail {
template <class T>
join_handle<T> spawn_on(runtime_core& rt, task<T>&& t, const char* name, location at) {
  KOV_ASSERT(t.valid(), "spawning an empty task");
  auto h = t.release();
  return join_handle<T>(rt.spawn(h, h.promise(), true, name, at));
}
}  // namespace detail

/// A single-threaded executor for kov tasks: block_on drives it on the calling thread; tasks
/// spawned inside run on the same thread. Other threads reach it through handle().
///
/// Invariant: core_ is never null; the runtime is driven only by the thread that created it.
class runtime {
 public:
  /// A runtime configured by `options`; nothing runs until block_on.
  explicit runtime(const runtime_options& options = {})
      : core_(std::make_unique<detail::runtime_core>(options)) {}
  /// Destroys every task still alive (their destructors run); wakers and handles that outlive
  /// the runtime stay safe to use and do nothing. Then drops the blocking jobs no pool thread
  /// has started and waits for the running ones to return (kov/blocking.hpp).
  ~runtime() = default;
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  /// Runs `t` (and every other task of this runtime) on the calling thread until `t` finishes;
  /// returns its value or rethrows its exception. Not reentrant.
  template <class T>
  T block_on(task<T> t, detail::location at = detail::location::current()) {
    join_handle<T> h = detail::spawn_on(*core_, std::move(t), "block_on", at);
    core_->run_until_finished(h.ref());
    return h.take_result().value();
  }

  /// Queues `t`; it runs during block_on.
  template <class T>
  join_handle<T> spawn(task<T> t, const char* name = nullptr,
                       detail::location at = detail::location::current()) {
    return detail::spawn_on(*core_, std::move(t), name, at);
  }

  /// The live tasks: state and where each is suspended.
  std::vector<task_snapshot> dump() const { return core_->snapshot(); }
  /// How many tasks are alive (spawned and not yet destroyed).
  std::size_t live_tasks() const noexcept { return core_->live_tasks(); }
  /// The options this runtime was made with.
  const runtime_options& options() const noexcept { return core_->options(); }
  /// Threads of the blocking pool alive now (kov/blocking.hpp).
  std::size_t blocking_threads() const { return core_->blocking_threads(); }
  /// A handle for other threads (defined in kov/handle.hpp). Call on the runtime's thread.
  kov::handle handle();
  /// The runtime's internals, for kov's own components.
  detail::runtime_core& core() noexcept { return *core_; }

 private:
  std::unique_ptr<detail::runtime_core> core_;
};

/// Spawns `t` on the runtime running on this thread. Throws std::system_error(errc::no_runtime)
/// outside one.
template <class T>
join_handle<T> spawn(task<T> t, const char* name = nullptr,
                     detail::location at = detail::location::current()) {
  detail::runtime_core* rt = detail::current_runtime();
  if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
  return detail::spawn_on(*rt, std::move(t), name, at);
}

/// Sends the current task to the back of the run queue. Cancel-safe (nothing to lose).
struct yield_awaitable {
  /// Awaitable protocol: never ready.
  bool await_ready() const noexcept { return false; }
  /// Awaitable protocol: queues the task at the back of the run queue.
  void await_suspend(std::coroutine_handle<>) const noexcept { detail::yield_current(); }
  /// Awaitable protocol: yields nothing.
  void await_resume() const noexcept {}
};
/// Sends the current task to the back of the run queue once (co_await kov::yield_now()).
inline yield_awaitable yield_now() noexcept {
  return {};
}

/// The live tasks of the runtime running on this thread (empty outside one).
inline std::vector<task_snapshot> dump_tasks() {
  detail::runtime_core* rt = detail::current_runtime();
  return rt != nullptr ? rt->snapshot() : std::vector<task_snapshot>{};
}

}  // namespace kov
