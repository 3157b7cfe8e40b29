// kov::signal_set: await POSIX signals (SIGINT, SIGTERM, SIGHUP, SIGUSR1, ...) in a task.
//
//   auto sigs = kov::signal_set::watch({SIGINT, SIGTERM}).value();
//   int signo = (co_await sigs.next()).value();   // the signal that arrived
//
// Built on signalfd(2): watching blocks the signals in the calling thread so the kernel queues
// them for the signalfd instead of running their default action. Watch before starting other
// threads (they inherit the mask); a thread that leaves them unblocked may receive them the
// ordinary way. The signals stay blocked after the set is destroyed: unblocking one that is
// pending would run its default action. Two sets watching one signal share its deliveries (a
// delivery goes to one of them); like POSIX, signals of one kind that arrive together may
// coalesce into one.
#pragma once

#include <kov/detail/io_finish.hpp>
#include <kov/detail/io_handle.hpp>
#include <kov/export.hpp>

#include <sys/signalfd.h>

#include <initializer_list>

namespace kov {

namespace detail {

struct finish_signal {
  signalfd_siginfo info{};
  void prepare(io_op& op) noexcept {
    op.buf = &info;
    op.len = sizeof info;
  }
  result<int> operator()(const io_op& op) const noexcept {
    if (op.result < 0) return io_error(op.result);
    return static_cast<int>(info.ssi_signo);
  }
};

}  // namespace detail

/// POSIX signals awaited in a task, through a signalfd(2). Watching blocks the signals in the
/// calling thread (watch before starting other threads; they inherit the mask), and they stay
/// blocked after the set is destroyed. Signals of one kind that arrive together may coalesce.
class KOV_API signal_set {
 public:
  /// An empty set (watches nothing).
  signal_set() noexcept = default;

  /// Starts watching `signals` (EINVAL for SIGKILL, SIGSTOP or an invalid number).
  static result<signal_set> watch(std::initializer_list<int> signals) noexcept;

  /// The next watched signal's number.
  auto next() noexcept {
    return detail::io_awaitable<detail::finish_signal>(handle_.source(),
                                                       detail::make_op(detail::io_kind::read), {});
  }

  /// The signalfd's file descriptor.
  int native_handle() const noexcept { return handle_.fd(); }

 private:
  explicit signal_set(detail::io_handle h) noexcept : handle_(std::move(h)) {}
  detail::io_handle handle_;
};

}  // namespace kov
