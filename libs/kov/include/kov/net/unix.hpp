#pragma once
// Unix-domain stream sockets: kov::net::unix_listener and kov::net::unix_stream. Paths as in
// socket_address::unix_path ("@name" is Linux's abstract namespace).

#include <kov/net/stream_socket.hpp>
#include <kov/task.hpp>

#include <string_view>
#include <utility>

namespace kov::net {

class unix_stream : public stream_socket {
 public:
  unix_stream() noexcept = default;

  static task<result<unix_stream>> connect(socket_address to);
  // Two connected sockets (socketpair(2)).
  static result<std::pair<unix_stream, unix_stream>> pair() noexcept;
  // Takes ownership of a connected Unix stream socket (closed on failure too).
  static result<unix_stream> adopt(int fd) noexcept;

 private:
  explicit unix_stream(kov::detail::io_handle h) noexcept : stream_socket(std::move(h)) {}
};

class unix_listener {
 public:
  unix_listener() noexcept = default;

  // A filesystem path must not exist yet (EADDRINUSE otherwise); the socket file is left
  // behind on close, as bind(2) leaves it.
  static result<unix_listener> bind(const socket_address& at, int backlog = 1024) noexcept;

  auto accept() noexcept {
    return kov::detail::io_awaitable<detail::finish_accept<unix_stream>>(
        handle_.source(), kov::detail::make_op(kov::detail::io_kind::accept), {});
  }
  result<socket_address> local_address() const noexcept {
    return detail::socket_name(handle_.fd(), false);
  }
  int native_handle() const noexcept { return handle_.fd(); }
  void close() noexcept { handle_.close(); }

 private:
  explicit unix_listener(kov::detail::io_handle h) noexcept : handle_(std::move(h)) {}
  kov::detail::io_handle handle_;
};

}  // namespace kov::net
