// kov::spawn_blocking: runs a function that blocks (a file read, a CPU-heavy parse, a library
// call that waits) on the runtime's pool of threads, so the tasks go on running meanwhile.
//
//   kov::result<std::string> text = co_await kov::spawn_blocking([] { return read_file(p); });
//
// The job starts when spawn_blocking is called, not when it is awaited. Awaiting the handle
// gives the function's value, or rethrows its exception. Nothing stops a function once it
// runs: aborting the awaiting task (or dropping the handle) only drops its result, which is
// then destroyed on the pool thread. When the runtime is destroyed, jobs that no thread has
// started are dropped (destroyed unrun) and the destructor waits for the running ones to return.
#pragma once

#include <kov/detail/blocking_pool.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/oneshot.hpp>
#include <kov/result.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace kov {
namespace detail {

// What a job hands back: its value (monostate for void) or its exception.
template <class T>
using blocking_value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
template <class T>
using blocking_outcome = std::variant<blocking_value<T>, std::exception_ptr>;

template <class F, class T = std::invoke_result_t<F&>>
class blocking_call final : public blocking_job {
 public:
  blocking_call(F&& f, oneshot_sender<blocking_outcome<T>> tx)
      : f_(std::move(f)), tx_(std::move(tx)) {}

  void run() noexcept override {
    blocking_outcome<T> out = call();
    // errc::closed: the awaiting side is gone, and `out` is dropped here.
    (void)tx_.send(std::move(out));
  }

 private:
  blocking_outcome<T> call() noexcept {
    try {
      if constexpr (std::is_void_v<T>) {
        std::invoke(f_);
        return blocking_outcome<T>(std::in_place_index<0>);
      } else {
        return blocking_outcome<T>(std::in_place_index<0>, std::invoke(f_));
      }
    } catch (...) {
      return blocking_outcome<T>(std::in_place_index<1>, std::current_exception());
    }
  }

  F f_;
  oneshot_sender<blocking_outcome<T>> tx_;
};

}  // namespace detail

/// The pending result of a spawn_blocking job. Move-only; one await.
///
/// Awaiting gives the function's value, errc::cancelled if the job was dropped unrun, or
/// rethrows the function's exception. Cancel-safe: an abandoned await leaves the result to a
/// later await of the same handle.
template <class T>
class [[nodiscard]] blocking_handle {
  using outcome = detail::blocking_outcome<T>;

 public:
  /// The handle reading the job's outcome from `rx` (made by spawn_blocking).
  explicit blocking_handle(oneshot_receiver<outcome> rx) noexcept : rx_(std::move(rx)) {}

  /// Awaitable returned by co_await on a blocking_handle: waits for the job's outcome.
  class awaiter {
   public:
    /// Awaits the outcome sent to `rx`.
    explicit awaiter(oneshot_receiver<outcome>& rx) noexcept : inner_(rx) {}
    /// Awaitable protocol: ready once the job has sent its outcome (or was dropped).
    bool await_ready() const noexcept { return inner_.await_ready(); }
    /// Awaitable protocol: waits for the outcome.
    void await_suspend(std::coroutine_handle<> h) { inner_.await_suspend(h); }
    /// Awaitable protocol: the function's value, errc::cancelled if the job was dropped unrun, or
    /// the function's exception rethrown.
    result<T> await_resume() {
      result<outcome> r = inner_.await_resume();
      if (!r) return errc::cancelled;  // the job was dropped unrun (its runtime shut down)
      outcome& out = *r;
      if (out.index() == 1) std::rethrow_exception(std::get<1>(out));
      if constexpr (std::is_void_v<T>) {
        return {};
      } else {
        return result<T>(std::in_place, std::move(std::get<0>(out)));
      }
    }

   private:
    typename oneshot_receiver<outcome>::awaiter inner_;
  };

  /// Awaits the job's outcome (see awaiter).
  awaiter operator co_await() & noexcept { return awaiter(rx_); }
  /// Awaits the job's outcome (see awaiter).
  awaiter operator co_await() && noexcept { return awaiter(rx_); }

 private:
  oneshot_receiver<outcome> rx_;
};

namespace detail {
template <class F>
auto spawn_blocking_on(runtime_core& rt, F&& f) {
  using fn = std::decay_t<F>;
  using value = std::invoke_result_t<fn&>;
  auto [tx, rx] = oneshot<blocking_outcome<value>>();
  rt.blocking().submit(
      std::make_unique<blocking_call<fn, value>>(fn(std::forward<F>(f)), std::move(tx)));
  return blocking_handle<value>(std::move(rx));
}
}  // namespace detail

/// Runs `f()` on the blocking pool of the runtime driving this thread; call from a task (or
/// anywhere on that thread while it runs). Throws std::system_error: errc::no_runtime outside a
/// runtime, or the system's error when the pool has no thread and cannot start one.
template <class F>
requires std::is_invocable_v<F&>
auto spawn_blocking(F f) {
  detail::runtime_core* rt = detail::current_runtime();
  if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
  return detail::spawn_blocking_on(*rt, std::move(f));
}

}  // namespace kov
