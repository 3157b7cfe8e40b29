// The per-connection work of the floor servers (floor-epoll-*, floor-uring-*): the echo or
// HTTP hello-world handling of peers/common, chosen at compile time (FLOOR_HTTP), with no
// runtime around it.
#pragma once

#include "../peers/common/echo.hpp"
#include "../peers/common/http_hello.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace floor_server {

#if FLOOR_HTTP
inline constexpr const char* kind = "http";

class connection_work {
 public:
  std::span<char> space() { return in_.space(); }
  // The bytes to send for `n` bytes just read into space(): the responses, or nothing.
  std::string_view received(std::size_t n) {
    in_.commit(n);
    out_.clear();
    in_.answer(out_);
    return out_;
  }

 private:
  peers::request_buffer in_;
  std::string out_;
};
#else
inline constexpr const char* kind = "echo";

class connection_work {
 public:
  std::span<char> space() { return buf_; }
  std::string_view received(std::size_t n) { return {buf_.data(), n}; }

 private:
  // Not zeroed: an idle connection keeps only the pages its reads touched.
  std::array<char, peers::echo_read_size> buf_;  // NOLINT(cppcoreguidelines-pro-type-member-init)
};
#endif

}  // namespace floor_server
