// signal_set: blocks the watched signals and reads them from a signalfd.
#include <kov/signal.hpp>

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace kov {

result<signal_set> signal_set::watch(std::initializer_list<int> signals) noexcept {
  sigset_t set;
  ::sigemptyset(&set);
  for (const int s : signals) {
    if (s == SIGKILL || s == SIGSTOP || ::sigaddset(&set, s) != 0) {
      return std::make_error_code(std::errc::invalid_argument);
    }
  }
  // Blocked first: a signal arriving in between is then queued for the signalfd.
  if (const int err = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0) {
    return detail::errno_code(err);
  }
  const int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return detail::last_error();
  auto h = detail::io_handle::adopt(fd, false);
  if (!h) return h.error();
  return signal_set(std::move(*h));
}

}  // namespace kov
