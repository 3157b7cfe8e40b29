#pragma once
// The one interface a reactor implements to plug into the executor.
//
// The runtime calls poll() once per reactor turn: with a zero timeout while tasks are ready
// (just collect what is pending), otherwise with the time to the next timer (or no limit).
// A backend turns OS readiness into task wakes and returns early when the runtime's wake fd
// becomes readable (a cross-thread wake). Backends live one per file in src/.

#include <chrono>
#include <memory>
#include <optional>

namespace kov::detail {

class reactor_backend {
 public:
  virtual ~reactor_backend() = default;
  virtual void poll(std::optional<std::chrono::nanoseconds> timeout) = 0;
  // For logs and the task dump: which backend runs.
  virtual const char* name() const noexcept = 0;
};

// The selector: the backend a new runtime gets (src/reactor_select.cpp). Backends register
// `wake_fd` (the runtime's eventfd) and drain it when it becomes readable.
std::unique_ptr<reactor_backend> make_reactor_backend(int wake_fd);

// Parks the thread on an epoll set holding only `wake_fd` (src/park_backend.cpp).
std::unique_ptr<reactor_backend> make_park_backend(int wake_fd);

}  // namespace kov::detail
