// async_fd: adopting a caller's non-blocking fd (pipes and the like) into the reactor.
#include <kov/async_fd.hpp>

#include <csignal>
#include <mutex>

namespace kov {
namespace {

// Once per process: a write to a closed pipe must come back as EPIPE, not kill the process.
// A disposition the program chose itself (a handler, or already ignored) is left alone.
void ignore_default_sigpipe() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      ::sigemptyset(&ignore.sa_mask);
      ::sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

}  // namespace

result<async_fd> async_fd::adopt(int fd, bool stream) noexcept {
  ignore_default_sigpipe();
  auto h = detail::io_handle::adopt(fd, stream);
  if (!h) return h.error();
  return async_fd(std::move(*h));
}

}  // namespace kov
