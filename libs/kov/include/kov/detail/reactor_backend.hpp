// The one interface a reactor implements to plug into the executor.
//
// The runtime calls poll() once per reactor turn: with a zero timeout while tasks are ready
// (just collect what is pending), otherwise with the time to the next timer (or no limit).
// A backend completes I/O operations, wakes their tasks, and returns early when the runtime's
// wake fd becomes readable (a cross-thread wake). Backends live one per file in src/.
#pragma once

#include <kov/detail/io_op.hpp>
#include <kov/export.hpp>
#include <kov/runtime_options.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace kov::detail {

class reactor_backend {
 public:
  virtual ~reactor_backend() = default;
  virtual void poll(std::optional<std::chrono::nanoseconds> timeout) = 0;
  // For logs and the task dump: which backend runs.
  virtual const char* name() const noexcept = 0;

  // Registers `fd` (non-blocking, owned by the caller). Returns null with errno set on failure.
  // `stream`: the fd is a byte stream (TCP, Unix stream, pipe), which allows cheaper reads.
  virtual io_source* attach(int fd, bool stream) noexcept = 0;
  // Forgets the source before its fd is closed. A pending op of it completes with -ECANCELED
  // (its task is woken). A source that outlived its backend is freed by detach_orphan.
  virtual void detach(io_source& src) noexcept = 0;

  // Starts `op` on `src`: it completes at once (op.state is done, op.result set) or is pending;
  // the backend then completes it later and wakes op.task. At most one op per side of a
  // source may be pending. Returns whether the backend enforces op.deadline_ns itself
  // (completing the op with -ETIMEDOUT when it passes); when false, the caller must.
  [[nodiscard]] virtual bool start(io_source& src, io_op& op) noexcept = 0;
  // Takes a pending op back: afterwards the backend no longer touches it.
  virtual void cancel(io_source& src, io_op& op) noexcept = 0;
};

// The selector: the backend a new runtime gets (src/reactor_select.cpp), from the options and
// the KOV_IO_BACKEND environment variable, io_uring first with epoll as the fallback. Backends
// register `wake_fd` (the runtime's eventfd) and drain it when it becomes readable. Throws
// std::system_error when a forced backend cannot be had.
KOV_API std::unique_ptr<reactor_backend> make_reactor_backend(int wake_fd,
                                                              const runtime_options& options);

// The edge-triggered epoll reactor (src/epoll_backend.cpp).
KOV_API std::unique_ptr<reactor_backend> make_epoll_backend(int wake_fd);

// The io_uring reactor (src/uring_backend.cpp); null with `why` set when the kernel (or a
// seccomp profile) does not offer what it needs.
KOV_API std::unique_ptr<reactor_backend> make_uring_backend(int wake_fd, std::string& why);

}  // namespace kov::detail
