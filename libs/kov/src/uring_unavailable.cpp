// Built without liburing: the selector always falls back to epoll.

#include <kov/detail/reactor_backend.hpp>

namespace kov::detail {

std::unique_ptr<reactor_backend> make_uring_backend(int, std::string& why) {
  why = "kov was built without liburing";
  return nullptr;
}

}  // namespace kov::detail
