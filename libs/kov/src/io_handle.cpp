// io_handle: an fd attached to the current runtime's reactor, closed exactly once.
#include <kov/detail/io_handle.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace kov::detail {

result<io_handle> io_handle::adopt(int fd, bool stream) noexcept {
  runtime_core* rt = current_runtime();
  if (rt == nullptr) {
    ::close(fd);
    return errc::no_runtime;
  }
  const int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0 || ((fl & O_NONBLOCK) == 0 && ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)) {
    const std::error_code err = last_error();
    ::close(fd);
    return err;
  }
  io_source* src = rt->reactor().attach(fd, stream);
  if (src == nullptr) {
    const std::error_code err = last_error();
    ::close(fd);
    return err;
  }
  return io_handle(fd, src);
}

int io_handle::release() noexcept {
  if (src_ != nullptr) {
    if (src_->owner != nullptr) {
      src_->owner->detach(*src_);
    } else {
      delete src_;  // an orphan: its backend is gone
    }
    src_ = nullptr;
  }
  return std::exchange(fd_, -1);
}

void io_handle::close() noexcept {
  const int fd = release();
  // Not retried on EINTR: Linux has released the fd whatever close returns.
  if (fd >= 0) ::close(fd);
}

std::error_code io_error(long negative_errno) noexcept {
  const int err = static_cast<int>(-negative_errno);
  if (err == ECANCELED) return errc::cancelled;
  if (err == ETIMEDOUT) return errc::timed_out;
  return errno_code(err);
}

}  // namespace kov::detail
