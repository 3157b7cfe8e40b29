// The parking reactor: an epoll set holding only the runtime's wake eventfd. It sleeps until
// the next timer or a cross-thread wake; the I/O reactor will register sockets on the same set.

#include <kov/detail/reactor_backend.hpp>

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <ctime>
#include <system_error>

namespace kov::detail {
namespace {

// Invariant: epfd_ is an open epoll set holding wake_fd_ (borrowed: the wake hub owns it).
class park_backend final : public reactor_backend {
 public:
  explicit park_backend(int wake_fd) : wake_fd_(wake_fd), epfd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epfd_ < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
      const int err = errno;
      ::close(epfd_);
      throw std::system_error(err, std::system_category(), "epoll_ctl");
    }
  }
  ~park_backend() override { ::close(epfd_); }
  park_backend(const park_backend&) = delete;
  park_backend& operator=(const park_backend&) = delete;

  const char* name() const noexcept override { return "park-epoll"; }

  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    // Nothing but the wake fd is registered, and the runtime tracks pending cross-thread wakes
    // with a flag of its own: a zero-timeout look has nothing to find, so skip the syscall.
    if (timeout && timeout->count() <= 0) return;
    epoll_event ev{};
    const int n = wait(&ev, timeout);
    if (n > 0 && ev.data.fd == wake_fd_) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto r = ::read(wake_fd_, &count, sizeof count);
    }
  }

 private:
  int wait(epoll_event* ev, std::optional<std::chrono::nanoseconds> timeout) {
    if (!timeout) return ::epoll_wait(epfd_, ev, 1, -1);
    if (have_pwait2_) {
      timespec ts{};
      ts.tv_sec = static_cast<time_t>(timeout->count() / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(timeout->count() % 1'000'000'000);
      const int n = ::epoll_pwait2(epfd_, ev, 1, &ts, nullptr);
      if (n >= 0 || errno != ENOSYS) return n;
      have_pwait2_ = false;  // older kernel: millisecond waits, rounded up
    }
    const auto ms = (timeout->count() + 999'999) / 1'000'000;
    return ::epoll_wait(epfd_, ev, 1, static_cast<int>(ms > 1'000'000 ? 1'000'000 : ms));
  }

  int wake_fd_;
  int epfd_;
  bool have_pwait2_ = true;
};

}  // namespace

std::unique_ptr<reactor_backend> make_park_backend(int wake_fd) {
  return std::make_unique<park_backend>(wake_fd);
}

}  // namespace kov::detail
