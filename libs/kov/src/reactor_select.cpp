// Picks the reactor backend for a new runtime. One backend exists so far: edge-triggered epoll.
// Others join here, each in its own file, chosen at run time with a fallback.

#include <kov/detail/reactor_backend.hpp>

namespace kov::detail {

std::unique_ptr<reactor_backend> make_reactor_backend(int wake_fd) {
  return make_epoll_backend(wake_fd);
}

}  // namespace kov::detail
