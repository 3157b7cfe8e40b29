// kov::join_set<T>: a growing set of spawned tasks whose results are taken in the order the
// tasks finish. Destroying the set (or abort_all()) aborts every task still running.
//
//   kov::join_set<int> set;
//   for (int i = 0; i < 10; ++i) set.spawn(work(i));
//   while (auto r = co_await set.join_next()) use(r->value());   // completion order
//
// Cancel-safety of join_next(): abandoning the await loses nothing; a finished task's result is
// taken only in the step that completes the await.
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>
#include <kov/waker.hpp>

#include <cstddef>
#include <optional>
#include <system_error>

namespace kov {

// Invariant: every task of the set is on exactly one of running_ (not finished; its hook points
// at this set) and done_ (finished, result not taken yet, in finishing order), through its
// group link, and that list holds one reference to it; size_ counts both lists.
template <class T>
/// A growing set of tasks spawned on the current runtime whose results are taken, with
/// `join_next()`, in the order the tasks finish. Belongs to one runtime's thread. Destroying the
/// set aborts every task still running (their destructors have run when it is gone).
class join_set {
 public:
  /// An empty set.
  join_set() noexcept = default;
  join_set(const join_set&) = delete;
  join_set& operator=(const join_set&) = delete;
  ~join_set() {
    abort_all();
    // A task still running is the one destroying the set: it stops at its next suspension and
    // is no longer the set's.
    while (detail::task_header* t = running_.front()) {
      detail::task_ref(*t).set_hook({});
      release(running_, *t);
    }
    while (detail::task_header* t = done_.front()) release(done_, *t);
  }

  /// Spawns `t` on the current runtime into the set (throws errc::no_runtime outside one).
  void spawn(task<T> t, const char* name = nullptr,
             detail::location at = detail::location::current()) {
    detail::runtime_core* rt = detail::current_runtime();
    if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
    auto h = t.release();
    detail::task_ref ref = rt->spawn(h, h.promise(), true, name, at);
    ref.set_hook({&on_finished, this});
    running_.push_back(std::move(ref).into_raw());  // the list keeps the reference
    ++size_;
  }

  /// Aborts every task still running (suspended ones are destroyed before this returns); each
  /// then shows up in join_next() as errc::cancelled.
  void abort_all() noexcept {
    for (detail::task_header* t = running_.front(); t != nullptr;) {
      // A task that finishes now moves to done_ through its hook; a running one (the caller)
      // stops when it next suspends.
      t = detail::task_ref(*t).abort() ? running_.front() : detail::child_list::next(*t);
    }
  }

  /// Tasks in the set: running, or finished with the result not yet taken.
  std::size_t size() const noexcept { return size_; }
  /// Same as `size()`.
  std::size_t len() const noexcept { return size_; }
  /// True when no task is running or waiting to be joined.
  bool is_empty() const noexcept { return size_ == 0; }

  /// The awaitable returned by `join_next()`. Cancel-safe: a finished task's result is taken only
  /// in the step that completes the await, so an abandoned await loses nothing.
  class join_next_awaitable {
   public:
    /// Prepares to wait on `s`.
    explicit join_next_awaitable(join_set& s) noexcept : s_(s) {}
    join_next_awaitable(const join_next_awaitable&) = delete;
    join_next_awaitable& operator=(const join_next_awaitable&) = delete;
    ~join_next_awaitable() { s_.waiter_.reset(); }

    /// Awaitable protocol: ready when a task has finished or none is running.
    bool await_ready() const noexcept { return s_.ready() && detail::coop_proceed(); }
    /// Awaitable protocol: waits to be woken by the next task that finishes.
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (s_.ready()) {
        detail::yield_current();
        return;
      }
      s_.waiter_ = waker::current();
    }
    /// Awaitable protocol: the next finished task's result (its value, errc::cancelled, or its
    /// exception rethrown), or nullopt when the set is empty.
    std::optional<result<T>> await_resume() {
      s_.waiter_.reset();
      detail::task_header* t = s_.done_.pop_front();
      if (t == nullptr) return std::nullopt;
      --s_.size_;
      join_handle<T> h(detail::task_ref::from_raw(*t));  // takes the list's reference
      return h.take_result();
    }

   private:
    join_set& s_;
  };

  /// Waits for the next task to finish (one awaiting task at a time).
  join_next_awaitable join_next() noexcept { return join_next_awaitable(*this); }

 private:
  bool ready() const noexcept { return !done_.empty() || running_.empty(); }

  void release(detail::child_list& from, detail::task_header& t) noexcept {
    from.erase(t);
    --size_;
    const detail::task_ref ref = detail::task_ref::from_raw(t);  // the list's reference
    ref.drop_result();
  }

  static void on_finished(void* ctx, detail::task_header& t) noexcept {
    // Safety: the hook is cleared, or the task finished, before the set goes away.
    join_set& s = *static_cast<join_set*>(ctx);
    s.running_.erase(t);
    s.done_.push_back(t);  // the reference moves with it
    s.waiter_.wake();
  }

  detail::child_list running_;
  detail::child_list done_;
  std::size_t size_ = 0;
  waker waiter_;
};

}  // namespace kov
