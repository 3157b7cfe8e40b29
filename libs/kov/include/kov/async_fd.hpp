// kov::async_fd: any non-blocking file descriptor (a pipe, a tty, an eventfd, a socket kov has
// no type for) driven by the runtime's reactor.
//
//   auto fd = kov::async_fd::adopt(pipe_read_end).value();
//   std::array<char, 512> buf;
//   kov::result<std::size_t> n = co_await fd.read(buf);  // 0 at end of file
//
// Reads and writes are read(2) and write(2); EINTR and EAGAIN are handled inside. A write to
// a pipe whose reader is gone is an EPIPE error value: adopting the first fd sets SIGPIPE to
// ignored if it still had its default (process-killing) action, as Rust's runtime does.
#pragma once

#include <kov/detail/byte_stream.hpp>
#include <kov/export.hpp>

namespace kov {

/// Any non-blocking file descriptor (pipe, tty, eventfd, a socket kov has no type for) driven by
/// the runtime's reactor: read() and write() are read(2) and write(2), with EINTR and EAGAIN
/// handled inside. Owns its fd. Use on the thread of the runtime it was adopted on.
class KOV_API async_fd : public detail::byte_stream<detail::io_kind::read, detail::io_kind::write> {
 public:
  /// An empty stream (no fd).
  async_fd() noexcept = default;

  /// Takes ownership of `fd` (closed on failure too) and registers it with the reactor of the
  /// runtime running on this thread. `stream`: the fd is a byte stream (pipe, socket, tty).
  static result<async_fd> adopt(int fd, bool stream = true) noexcept;

  /// Deregisters and gives the fd back, still non-blocking.
  int release() noexcept { return handle_.release(); }

 private:
  explicit async_fd(detail::io_handle h) noexcept : byte_stream(std::move(h)) {}
};

}  // namespace kov
