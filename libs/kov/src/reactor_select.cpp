// Picks the reactor backend for a new runtime: io_uring when the kernel offers everything it
// needs, epoll otherwise. runtime_options::backend or the environment variable KOV_IO_BACKEND
// (epoll | io_uring | auto) forces one; KOV_LOG=debug prints the choice on stderr.

#include <kov/detail/reactor_backend.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

namespace kov::detail {
namespace {

io_backend from_environment() {
  const char* v = std::getenv("KOV_IO_BACKEND");
  if (v == nullptr || *v == '\0') return io_backend::automatic;
  const std::string_view s(v);
  if (s == "epoll") return io_backend::epoll;
  if (s == "io_uring" || s == "uring") return io_backend::io_uring;
  if (s != "auto") {
    std::fprintf(stderr, "kov: KOV_IO_BACKEND=%s is not epoll, io_uring or auto; using auto\n", v);
  }
  return io_backend::automatic;
}

bool debug_log() {
  const char* v = std::getenv("KOV_LOG");
  return v != nullptr && std::strstr(v, "debug") != nullptr;
}

}  // namespace

std::unique_ptr<reactor_backend> make_reactor_backend(int wake_fd, const runtime_options& options) {
  const io_backend wanted =
      options.backend != io_backend::automatic ? options.backend : from_environment();
  std::string why;
  std::unique_ptr<reactor_backend> backend;
  if (wanted != io_backend::epoll) {
    backend = make_uring_backend(wake_fd, why);
    if (!backend && wanted == io_backend::io_uring) {
      throw std::system_error(std::make_error_code(std::errc::function_not_supported),
                              "kov: io_uring backend forced but unavailable: " + why);
    }
  }
  if (!backend) backend = make_epoll_backend(wake_fd);
  if (debug_log()) {
    const char* how = wanted == io_backend::automatic ? "automatic" : "forced";
    if (why.empty()) {
      std::fprintf(stderr, "kov: reactor backend %s (%s)\n", backend->name(), how);
    } else {
      std::fprintf(stderr, "kov: reactor backend %s (%s; io_uring unavailable: %s)\n",
                   backend->name(), how, why.c_str());
    }
  }
  return backend;
}

}  // namespace kov::detail
