// kov::handle: reaches a runtime from any thread, as tokio's Handle does. Get one on the
// runtime's thread (runtime::handle(), or kov::handle::current() inside a task), copy it
// anywhere, then post functions or spawn tasks onto the runtime from any thread.
//
//   kov::handle h = rt.handle();
//   std::thread worker([h] { (void)h.spawn(say_hello()); });   // runs on rt's thread
//
// The work travels on a kov::mpsc channel read by one task of the runtime (its inbox, started
// by the first handle and counted in live_tasks()); the C API's kov_post and kov_stop use it too.
// Once the runtime is destroyed, post and spawn return errc::closed and drop what they were given;
// work still queued at that moment is dropped unrun.
#pragma once

#include <kov/detail/handle_inbox.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/mpsc.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

namespace kov {
namespace detail {

template <class F>
class posted_call final : public posted_work {
 public:
  explicit posted_call(F&& f) : f_(std::move(f)) {}
  void run(runtime_core&) override { std::invoke(f_); }

 private:
  F f_;
};

template <class T>
class posted_task final : public posted_work {
 public:
  posted_task(task<T>&& t, const char* name, location at)
      : t_(std::move(t)), name_(name), at_(at) {}
  void run(runtime_core& rt) override { spawn_on(rt, std::move(t_), name_, at_).detach(); }

 private:
  task<T> t_;
  const char* name_;
  location at_;
};

}  // namespace detail

/// Reaches a runtime from any thread (as tokio's Handle): posts functions and spawns tasks onto
/// it through its inbox channel. Get one on the runtime's thread (runtime::handle() or current()).
///
/// Copyable and thread-safe: any number of threads may use copies (or one handle) at once.
///
/// Invariant: tx_ is empty (a default-constructed handle) or a sender into one runtime's inbox.
class handle {
 public:
  /// An empty handle: post and spawn return errc::no_runtime.
  handle() noexcept = default;
  /// A handle sending into the inbox `tx` (made by runtime::handle() and current()).
  explicit handle(mpsc_sender<detail::posted_ptr> tx) noexcept : tx_(std::move(tx)) {}

  /// The handle of the runtime driving this thread. Throws std::system_error(errc::no_runtime)
  /// outside one.
  static handle current() {
    detail::runtime_core* rt = detail::current_runtime();
    if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
    return handle(detail::inbox_sender(*rt));
  }

  /// Queues `f()` to run on the runtime's thread, inside its loop, in the order of this
  /// thread's posts. errc::closed (and `f` dropped) once the runtime is gone. An exception
  /// thrown by `f` is dropped, as a detached task's is; later posts still run.
  // (clang-format 14 cannot lay out this requires clause.)
  // clang-format off
  template <class F>
    requires std::is_invocable_v<std::decay_t<F>&>
  result<void> post(F&& f) const {
    // clang-format on
    using fn = std::decay_t<F>;
    return send(std::make_unique<detail::posted_call<fn>>(fn(std::forward<F>(f))));
  }

  /// Spawns `t` onto the runtime, detached (its result is discarded; send one back through a
  /// kov::oneshot if it is wanted). errc::closed (and `t` destroyed unrun) once the runtime is
  /// gone.
  template <class T>
  result<void> spawn(task<T> t, const char* name = nullptr,
                     detail::location at = detail::location::current()) const {
    return send(std::make_unique<detail::posted_task<T>>(std::move(t), name, at));
  }

  /// Whether it refers to a runtime (false for a default-constructed handle).
  bool valid() const noexcept { return tx_.has_value(); }

 private:
  result<void> send(detail::posted_ptr work) const {
    if (!tx_) return errc::no_runtime;
    return tx_->send(std::move(work));
  }

  std::optional<mpsc_sender<detail::posted_ptr>> tx_;
};

// Documented at its declaration in kov/runtime.hpp.
/// @cond
inline handle runtime::handle() {
  return kov::handle(detail::inbox_sender(*core_));
}
/// @endcond

}  // namespace kov
