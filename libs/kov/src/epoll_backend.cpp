// The epoll reactor: one edge-triggered registration per fd, for reading and writing at once,
// made when the fd is attached and kept until it is detached. An edge marks a side ready; the
// op waiting on that side is retried at once, here, and its task woken only when it completed.
// A side stays ready until a syscall says EAGAIN, so an fd costs no epoll_ctl per operation.

#include <kov/detail/reactor_backend.hpp>
#include <kov/result.hpp>

#include "backend_ops.hpp"
#include "io_perform.hpp"
#include "source_list.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <system_error>
#include <utility>

namespace kov::detail {
namespace {

// Invariant: epfd_ is an open epoll set holding wake_fd_ (borrowed: the wake hub owns it, and
// its event carries a null pointer) and one registration per live source, whose event carries
// the source; live_ lists every attached source.
class epoll_backend final : public reactor_backend {
 public:
  explicit epoll_backend(int wake_fd) : wake_fd_(wake_fd), epfd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epfd_ < 0) throw std::system_error(last_error(), "epoll_create1");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
      const std::error_code err = last_error();
      ::close(epfd_);
      throw std::system_error(err, "epoll_ctl");
    }
  }
  ~epoll_backend() override {
    orphan_all(live_);
    ::close(epfd_);
  }
  epoll_backend(const epoll_backend&) = delete;
  epoll_backend& operator=(const epoll_backend&) = delete;

  const char* name() const noexcept override { return "epoll"; }

  io_source* attach(int fd, bool stream) noexcept override {
    auto* src = attach_source<readiness_source>(live_, fd, stream, this);
    if (src == nullptr) return nullptr;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = src;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      const int err = errno;
      live_.erase(*src);
      delete src;
      errno = err;
      return nullptr;
    }
    return src;
  }

  void detach(io_source& src) noexcept override {
    // Deleting the registration explicitly (not relying on close) matters when the fd was
    // duplicated: the registration lives as long as the open file description.
    ::epoll_ctl(epfd_, EPOLL_CTL_DEL, src.fd, nullptr);
    for (io_op* op : {std::exchange(src.reader, nullptr), std::exchange(src.writer, nullptr)}) {
      if (op != nullptr) complete(*op, -ECANCELED, op->task);
    }
    live_.erase(src);
    // Safety: events naming `src` can only come from a later epoll_wait, and it is no longer
    // registered; poll() never holds a source across a task's run.
    delete &src;
  }

  // Deadlines are the caller's: epoll has no per-operation timeout.
  bool start(io_source& s, io_op& op) noexcept override {
    KOV_ASSERT(waiter_of(s, op) == nullptr, "two pending operations on one side");
    readiness_source& src = as_readiness(s);
    make_op_state<readiness_op>(op);
    bool& ready = side_of(op.kind) == io_side::in ? src.ready_in : src.ready_out;
    if (ready) {
      const long r = perform(src, op);
      if (r != -EAGAIN) {
        complete(op, r, nullptr);
        return false;
      }
      ready = false;
    }
    park(src, op);
    return false;
  }

  void cancel(io_source& src, io_op& op) noexcept override {
    if (op.state != io_state::pending) return;
    clear_waiter(src, op);
    op.state = io_state::idle;
  }

  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    const int n = wait(timeout);
    for (int i = 0; i < n; ++i) {
      const epoll_event& ev = events_[static_cast<std::size_t>(i)];
      if (ev.data.ptr == nullptr) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto r = ::read(wake_fd_, &count, sizeof count);
        continue;
      }
      // Safety: a registered source stays alive until detach, which removes its registration
      // first; all events of this batch are handled before any task runs.
      readiness_source& src = as_readiness(*static_cast<io_source*>(ev.data.ptr));
      const bool failed = (ev.events & (EPOLLERR | EPOLLHUP)) != 0;
      if ((ev.events & (EPOLLIN | EPOLLRDHUP)) != 0 || failed) {
        if ((ev.events & EPOLLRDHUP) != 0 || failed) src.read_closed = true;
        src.ready_in = true;
        retry(src, src.reader, src.ready_in);
      }
      if ((ev.events & EPOLLOUT) != 0 || failed) {
        src.ready_out = true;
        retry(src, src.writer, src.ready_out);
      }
    }
  }

 private:
  static readiness_source& as_readiness(io_source& s) noexcept {
    // Safety: this backend allocates every source it registers as a readiness_source.
    return static_cast<readiness_source&>(s);
  }

  // The side is ready: run the waiting op again; wake its task if it completed.
  static void retry(readiness_source& src, io_op*& waiter, bool& ready) noexcept {
    if (waiter == nullptr) return;
    io_op& op = *waiter;
    // A readiness wait is answered by the event itself: epoll has just reported this side
    // ready (or failed), which is what perform's poll() probe would find out again.
    const bool readiness = op.kind == io_kind::readable || op.kind == io_kind::writable;
    const long r = readiness ? 0 : perform(src, op);
    if (r == -EAGAIN) {
      ready = false;
      return;
    }
    waiter = nullptr;
    complete(op, r, op.task);
  }

  int wait(std::optional<std::chrono::nanoseconds> timeout) {
    const int max = static_cast<int>(events_.size());
    int n = 0;
    if (!timeout) {
      n = ::epoll_wait(epfd_, events_.data(), max, -1);
    } else if (timeout->count() <= 0) {
      n = ::epoll_wait(epfd_, events_.data(), max, 0);
    } else if (have_pwait2_) {
      const auto ts = to_timespec<timespec>(*timeout);
      n = ::epoll_pwait2(epfd_, events_.data(), max, &ts, nullptr);
      if (n < 0 && errno == ENOSYS) {
        have_pwait2_ = false;  // older kernel: millisecond waits, rounded up
        return wait(timeout);
      }
    } else {
      const auto ms = (timeout->count() + 999'999) / 1'000'000;
      n = ::epoll_wait(epfd_, events_.data(), max,
                       static_cast<int>(ms > 1'000'000 ? 1'000'000 : ms));
    }
    // EINTR: a signal arrived; the runtime's turn simply ends early.
    return n < 0 ? 0 : n;
  }

  int wake_fd_;
  int epfd_;
  bool have_pwait2_ = true;
  source_list live_;
  std::array<epoll_event, 256> events_{};
};

}  // namespace

std::unique_ptr<reactor_backend> make_epoll_backend(int wake_fd) {
  return std::make_unique<epoll_backend>(wake_fd);
}

}  // namespace kov::detail
