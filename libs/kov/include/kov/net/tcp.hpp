// TCP: kov::net::tcp_listener and kov::net::tcp_stream.
//
//   auto listener =
//   kov::net::tcp_listener::bind(kov::net::socket_address::parse("127.0.0.1:8080").value()); for
//   (;;) {
//     auto conn = co_await listener->accept();
//     if (!conn) { ... }                     // EMFILE and the like: an error value, see accept()
//     kov::spawn(serve(std::move(*conn)));
//   }
//
//   auto s = co_await kov::net::tcp_stream::connect(addr, 2s);   // errc::timed_out after 2 s
#pragma once

#include <kov/net/stream_socket.hpp>
#include <kov/task.hpp>

#include <chrono>
#include <optional>

namespace kov::net {

class tcp_stream : public stream_socket {
 public:
  static constexpr bool unix_domain = false;  // for basic_listener
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

using tcp_listener = detail::basic_listener<tcp_stream>;

}  // namespace kov::net
