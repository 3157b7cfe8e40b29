#pragma once
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

#include <kov/buffer.hpp>
#include <kov/detail/io_finish.hpp>
#include <kov/detail/io_handle.hpp>

namespace kov {

class async_fd {
 public:
  async_fd() noexcept = default;

  // Takes ownership of `fd` (closed on failure too) and registers it with the reactor of the
  // runtime running on this thread. `stream`: the fd is a byte stream (pipe, socket, tty).
  static result<async_fd> adopt(int fd, bool stream = true) noexcept;

  // One read(2): the byte count, 0 at end of file.
  auto read(mutable_buffer b) noexcept {
    return op(detail::make_op(detail::io_kind::read, b.data, b.size), detail::finish_size{});
  }
  // Fills `b` completely, or fails (errc::end_of_stream if the file ends first).
  auto read_exact(mutable_buffer b) noexcept {
    detail::io_op o = detail::make_op(detail::io_kind::read, b.data, b.size);
    o.all = true;
    return op(o, detail::finish_all{});
  }
  // One write(2): the byte count, possibly short.
  auto write(const_buffer b) noexcept {
    return op(detail::make_op(detail::io_kind::write, const_cast<void*>(b.data), b.size),
              detail::finish_size{});
  }
  // Writes all of `b`, completing partial writes.
  auto write_all(const_buffer b) noexcept {
    detail::io_op o = detail::make_op(detail::io_kind::write, const_cast<void*>(b.data), b.size);
    o.all = true;
    return op(o, detail::finish_all{});
  }
  // Waits until a read (or write) would not block, without doing one.
  auto readable() noexcept { return op(detail::make_op(detail::io_kind::readable), detail::finish_void{}); }
  auto writable() noexcept { return op(detail::make_op(detail::io_kind::writable), detail::finish_void{}); }

  int native_handle() const noexcept { return handle_.fd(); }
  bool is_open() const noexcept { return handle_.valid(); }
  // Deregisters and closes now (the destructor does it otherwise).
  void close() noexcept { handle_.close(); }
  // Deregisters and gives the fd back, still non-blocking.
  int release() noexcept { return handle_.release(); }

 private:
  explicit async_fd(detail::io_handle h) noexcept : handle_(std::move(h)) {}
  template <class Finish>
  detail::io_awaitable<Finish> op(const detail::io_op& o, Finish f) noexcept {
    return {handle_.source(), o, f};
  }
  detail::io_handle handle_;
};

}  // namespace kov
