// kov::scope: structured concurrency. A scope owns the tasks spawned into it; join() waits for
// all of them; destroying the scope (or cancel()) aborts the ones still running, and their
// destructors have run by the time the scope is gone. Children never outlive their scope.
//
//   kov::scope s;
//   s.spawn(fetch(a));
//   s.spawn(fetch(b));
//   co_await s.join();   // rethrows the first exception a child threw
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>
#include <kov/waker.hpp>

#include <exception>
#include <system_error>

namespace kov {

/// Structured concurrency: owns the tasks spawned into it; join() waits for all of them;
/// destroying the scope (or cancel()) aborts the ones still running, and their destructors have
/// run by the time the scope is gone. Children never outlive their scope. Use on the runtime's
/// thread.
///
/// Invariant: children_ lists (one reference each) exactly the children
/// that have not finished; count_ is their number; each child's hook points at this scope.
class scope {
 public:
  /// An empty scope.
  scope() noexcept = default;
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;
  /// Aborts the children still running; a child running right now stops at its next suspension.
  ~scope() {
    cancel();
    // A child running right now (it destroyed its own scope) stops at its next suspension.
    while (detail::task_header* c = children_.front()) {
      detail::task_ref(*c).set_hook({});
      unlink(*c);
    }
  }

  /// Spawns `t` as a child on the current runtime (throws errc::no_runtime outside one).
  void spawn(task<void> t, const char* name = nullptr,
             detail::location at = detail::location::current()) {
    detail::runtime_core* rt = detail::current_runtime();
    if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
    auto h = t.release();
    detail::task_ref c = rt->spawn(h, h.promise(), false, name, at);
    c.set_hook({&on_child_finished, this});
    children_.push_front(std::move(c).into_raw());  // the list keeps the reference
    ++count_;
  }

  /// Aborts every child (suspended ones are destroyed before this returns).
  void cancel() noexcept {
    for (detail::task_header* c = children_.front(); c != nullptr;) {
      // A child that finishes now is unlinked by its hook; a running one stops when it next
      // suspends.
      c = detail::task_ref(*c).abort() ? children_.front() : detail::child_list::next(*c);
    }
  }

  /// How many children have not finished yet.
  std::size_t size() const noexcept { return count_; }

  /// Awaitable returned by join(): completes once every child has finished.
  class join_awaitable {
   public:
    /// Joins `s`.
    explicit join_awaitable(scope& s) noexcept : s_(s) {}
    /// Awaitable protocol: ready when no child is left.
    bool await_ready() const noexcept { return s_.count_ == 0; }
    /// Awaitable protocol: waits for the last child to finish.
    void await_suspend(std::coroutine_handle<>) noexcept { s_.waiter_ = waker::current(); }
    /// Awaitable protocol: rethrows the first exception a child ended with.
    void await_resume() {
      s_.waiter_.reset();
      if (s_.error_) std::rethrow_exception(std::exchange(s_.error_, nullptr));
    }

   private:
    scope& s_;
  };

  /// Completes when every child has finished (completed or cancelled); rethrows the first
  /// exception a child ended with. Cancel-safe: abandoning it leaves the children running.
  join_awaitable join() noexcept { return join_awaitable(*this); }

 private:
  void unlink(detail::task_header& c) noexcept {
    children_.erase(c);
    --count_;
    detail::task_ref::from_raw(c).reset();  // the list's reference
  }

  static void on_child_finished(void* ctx, detail::task_header& c) noexcept {
    // Safety: the hook is cleared before the scope goes away (destructor above).
    scope& s = *static_cast<scope*>(ctx);
    const detail::task_ref child(c);
    // Safety: scope::spawn only takes task<void>, so the promise is a task_promise<void>.
    auto* promise = child.promise<detail::task_promise<void>>();
    if (!child.cancelled() && promise != nullptr && !s.error_) {
      s.error_ = promise->take_exception();
    }
    s.unlink(c);
    if (s.count_ == 0) s.waiter_.wake();
  }

  detail::child_list children_;
  std::size_t count_ = 0;
  waker waiter_;
  std::exception_ptr error_;
};

}  // namespace kov
