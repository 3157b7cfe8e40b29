// kov::task<T>: a lazy, move-only coroutine. Nothing runs until it is awaited (or spawned);
// awaiting it runs it to completion and yields its value, or rethrows its exception.
//
//   kov::task<int> answer() { co_return 42; }
//   kov::task<void> caller() { int v = co_await answer(); }
//
// Control moves between a task and its awaiter by symmetric transfer, so a loop of a million
// synchronously completing awaits runs in constant stack.
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/context.hpp>
#include <kov/detail/frame_pool.hpp>
#include <kov/detail/location.hpp>
#include <kov/detail/task_ref.hpp>

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

namespace kov {

template <class T = void>
class task;

namespace detail {

// Forwards the three await calls to an awaiter held by value (Awaiter) or by reference
// (Awaiter&).
template <class Awaiter>
struct forwarding_awaiter {
  Awaiter awaiter;

  bool await_ready() { return awaiter.await_ready(); }
  template <class Promise>
  auto await_suspend(std::coroutine_handle<Promise> caller) {
    // A wake resumes the innermost suspended frame of the task, which is this one.
    set_resume_point(caller);
    return awaiter.await_suspend(caller);
  }
  decltype(auto) await_resume() { return awaiter.await_resume(); }
};

// What every kov coroutine frame shares, whatever its result type.
//
// Invariant: `continuation_` is the coroutine to transfer to at completion (null for a task
// driven directly by the runtime); `parent_`/`child_` link a frame with the task frame it is
// awaiting, so the task dump can walk from a root to the innermost suspension; `site_` is the
// last co_await this frame reached.
class promise_base {
 public:
  std::suspend_always initial_suspend() const noexcept { return {}; }

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) const noexcept {
      promise_base& p = self.promise();
      if (p.parent_ != nullptr) p.parent_->child_ = nullptr;
      if (p.continuation_) return transfer_to(p.continuation_);
      return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() const noexcept { return {}; }

  // Records where this frame suspends, for the task dump; the default arguments are evaluated
  // at the co_await expression. Hands back a prvalue forwarding to the real awaiter: GCC 12
  // copies an awaitable returned by reference, which non-movable awaitables forbid.
  template <class Awaitable>
  auto await_transform(
      Awaitable&& awaitable, const char* file = __builtin_FILE(),
      const char* function = __builtin_FUNCTION(),
      unsigned line = __builtin_LINE()) noexcept(noexcept(std::forward<Awaitable>(awaitable).
                                                          operator co_await())) requires requires {
    std::forward<Awaitable>(awaitable).operator co_await();
  }
  {
    site_ = location{file, function, line};
    using awaiter = decltype(std::forward<Awaitable>(awaitable).operator co_await());
    return forwarding_awaiter<awaiter>{std::forward<Awaitable>(awaitable).operator co_await()};
  }
  template <class Awaitable>
  auto await_transform(Awaitable&& awaitable, const char* file = __builtin_FILE(),
                       const char* function = __builtin_FUNCTION(),
                       unsigned line = __builtin_LINE()) noexcept {
    site_ = location{file, function, line};
    // Safety: a temporary operand lives until the end of the full-expression that contains
    // the co_await, i.e. across the suspension.
    return forwarding_awaiter<std::remove_reference_t<Awaitable>&>{awaitable};
  }

  static void* operator new(std::size_t size) { return pool_allocate(size); }
  static void operator delete(void* frame, std::size_t size) noexcept {
    pool_deallocate(frame, size);
  }

  const location& site() const noexcept { return site_; }
  const promise_base* child() const noexcept { return child_; }

  std::coroutine_handle<> continuation_{};
  promise_base* parent_ = nullptr;
  promise_base* child_ = nullptr;
  location site_{};
  // Set when the frame ended with nothing to hand over (void, no exception): a spawned task's
  // frame can then be recycled at completion instead of waiting for the join.
  bool nothing_to_hand_over_ = false;
};

template <class T>
class task_promise final : public promise_base {
  static_assert(!std::is_reference_v<T>, "kov::task<T&> is not supported; return a pointer");

 public:
  task<T> get_return_object() noexcept;

  template <class U = T>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    result_.template emplace<1>(std::forward<U>(value));
  }
  void unhandled_exception() noexcept { result_.template emplace<2>(std::current_exception()); }

  // The value, or the exception rethrown. Called once, after completion.
  T take_result() {
    if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
    KOV_ASSERT(result_.index() == 1, "task result taken before completion or twice");
    return std::move(std::get<1>(result_));
  }
  bool has_exception() const noexcept { return result_.index() == 2; }

 private:
  std::variant<std::monostate, T, std::exception_ptr> result_;
};

template <>
class task_promise<void> final : public promise_base {
 public:
  task<void> get_return_object() noexcept;
  void return_void() noexcept { nothing_to_hand_over_ = true; }
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
  void take_result() {
    if (exception_) std::rethrow_exception(std::exchange(exception_, nullptr));
  }
  bool has_exception() const noexcept { return static_cast<bool>(exception_); }
  std::exception_ptr take_exception() noexcept { return std::exchange(exception_, nullptr); }

 private:
  std::exception_ptr exception_;
};

}  // namespace detail

/// A lazy, move-only coroutine returning T: nothing runs until it is awaited (or spawned);
/// awaiting it runs it to completion and yields its value, or rethrows its exception. Control
/// moves between a task and its awaiter by symmetric transfer (constant stack).
///
/// Invariant: h_ is null (moved-from, released) or the only owner of a frame that has not been
/// destroyed; the frame is suspended at its initial or a later suspension point.
template <class T>
class [[nodiscard]] task {
 public:
  /// The coroutine promise (kov's frame bookkeeping and the result slot).
  using promise_type = detail::task_promise<T>;
  /// Handle to the coroutine frame.
  using handle_type = std::coroutine_handle<promise_type>;
  /// What awaiting the task yields.
  using value_type = T;

  /// An empty task (valid() is false).
  task() noexcept = default;
  /// Takes ownership of the frame `h`.
  explicit task(handle_type h) noexcept : h_(h) {}
  /// Takes over `other`'s frame; `other` becomes empty.
  task(task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  /// Destroys the frame held (if any), then takes over `other`'s.
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() {
    if (h_) h_.destroy();
  }

  /// Whether the task owns a frame (not empty, moved from or released).
  bool valid() const noexcept { return static_cast<bool>(h_); }

  /// Gives up ownership of the frame (the runtime takes it when spawning).
  handle_type release() noexcept { return std::exchange(h_, {}); }

  /// Awaitable returned by co_await on a task: starts (resumes) the task's frame and yields its
  /// result once it completes.
  class awaiter {
   public:
    /// Awaits the frame `h`.
    explicit awaiter(handle_type h) noexcept : h_(h) {}
    /// Awaitable protocol: never ready (the task is lazy).
    bool await_ready() const noexcept { return false; }
    /// Awaitable protocol: links the frame to the awaiting one and transfers control to it.
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) noexcept {
      promise_type& p = h_.promise();
      p.continuation_ = caller;
      if constexpr (std::is_base_of_v<detail::promise_base, Promise>) {
        p.parent_ = &caller.promise();
        caller.promise().child_ = &p;
      }
      return detail::transfer_to(h_);
    }
    /// Awaitable protocol: the task's value, or its exception rethrown.
    T await_resume() { return h_.promise().take_result(); }

   private:
    handle_type h_;
  };

  /// Runs the task; the task object must outlive the await (it owns the frame).
  awaiter operator co_await() & noexcept {
    KOV_ASSERT(h_ && !h_.done(), "awaiting an empty or finished task");
    return awaiter{h_};
  }
  /// Runs the task; the awaited temporary owns the frame until the await ends.
  awaiter operator co_await() && noexcept {
    KOV_ASSERT(h_ && !h_.done(), "awaiting an empty or finished task");
    return awaiter{h_};
  }

 private:
  handle_type h_{};
};

namespace detail {

template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}

inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}

}  // namespace detail
}  // namespace kov
