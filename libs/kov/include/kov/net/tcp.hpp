#pragma once
// TCP: kov::net::tcp_listener and kov::net::tcp_stream.
//
//   auto listener = kov::net::tcp_listener::bind(kov::net::socket_address::parse("127.0.0.1:8080").value());
//   for (;;) {
//     auto conn = co_await listener->accept();
//     if (!conn) { ... }                     // EMFILE and the like: an error value, see accept()
//     kov::spawn(serve(std::move(*conn)));
//   }
//
//   auto s = co_await kov::net::tcp_stream::connect(addr, 2s);   // errc::timed_out after 2 s

#include <kov/net/stream_socket.hpp>
#include <kov/task.hpp>

#include <chrono>
#include <optional>

namespace kov::net {

class tcp_stream : public stream_socket {
 public:
  tcp_stream() noexcept = default;

  // Connects to `to`; with a timeout, gives up with errc::timed_out. A refused connection is
  // ECONNREFUSED, an unreachable one ENETUNREACH / EHOSTUNREACH, and so on.
  static task<result<tcp_stream>> connect(socket_address to);
  static task<result<tcp_stream>> connect(socket_address to, std::chrono::nanoseconds timeout);

  // Takes ownership of a connected TCP socket (closed on failure too).
  static result<tcp_stream> adopt(int fd) noexcept;

  result<void> set_nodelay(bool on) noexcept;
  result<bool> nodelay() const noexcept;

 private:
  explicit tcp_stream(kov::detail::io_handle h) noexcept : stream_socket(std::move(h)) {}
  static task<result<tcp_stream>> connect_until(socket_address to,
                                                std::optional<clock::time_point> deadline);
};

class tcp_listener {
 public:
  tcp_listener() noexcept = default;

  // socket, SO_REUSEADDR, bind, listen. Port 0 picks a free port (see local_address).
  static result<tcp_listener> bind(const socket_address& at, int backlog = 1024) noexcept;

  // The next connection. Errors are values and the listener stays usable after them: when
  // out of file descriptors (EMFILE, ENFILE) the pending connection stays queued, so a server
  // should wait a moment before the next accept (a tight retry loop would spin).
  auto accept() noexcept {
    return kov::detail::io_awaitable<detail::finish_accept<tcp_stream>>(
        handle_.source(), kov::detail::make_op(kov::detail::io_kind::accept), {});
  }

  result<socket_address> local_address() const noexcept {
    return detail::socket_name(handle_.fd(), false);
  }
  int native_handle() const noexcept { return handle_.fd(); }
  bool is_open() const noexcept { return handle_.valid(); }
  void close() noexcept { handle_.close(); }

 private:
  explicit tcp_listener(kov::detail::io_handle h) noexcept : handle_(std::move(h)) {}
  kov::detail::io_handle handle_;
};

}  // namespace kov::net
