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
//   auto web = co_await kov::net::tcp_stream::connect("example.com:80", 5s);  // by name
#pragma once

#include <kov/export.hpp>
#include <kov/net/dns.hpp>
#include <kov/net/stream_socket.hpp>
#include <kov/task.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kov::net {

/// A connected TCP socket: made by connect() (to an address or by name), by
/// tcp_listener::accept, or adopted from a file descriptor. Reads, writes, shutdown and the
/// rest come from stream_socket; one read and one write may be in flight at once.
class KOV_API tcp_stream : public stream_socket {
 public:
  static constexpr bool unix_domain = false;  ///< Takes IP addresses (for basic_listener).
  /// A closed stream, to assign a connected one to.
  tcp_stream() noexcept = default;

  ///@{
  /// Connects to `to`; with a timeout, gives up with errc::timed_out. A refused connection is
  /// ECONNREFUSED, an unreachable one ENETUNREACH / EHOSTUNREACH, and so on.
  static task<result<tcp_stream>> connect(socket_address to);
  static task<result<tcp_stream>> connect(socket_address to, std::chrono::nanoseconds timeout);
  ///@}

  ///@{
  /// Connects by name: "example.com:443", "localhost:8080", "[::1]:80" (a service name such as
  /// "example.com:http" works too). Resolves the host (kov::net::resolve, /etc/hosts first),
  /// then tries its addresses with Happy Eyeballs (RFC 8305): the two families take turns, a
  /// new attempt starts when the running ones have all failed or 250 ms after the last one
  /// started, the first connection wins and the other attempts are aborted. When all fail,
  /// the error of the attempt that failed last. Text that is not HOST:PORT is
  /// std::errc::invalid_argument. With a timeout, it bounds the whole (resolution and every
  /// attempt): errc::timed_out or dns_errc::timed_out. `dns` picks the server and the
  /// lookup's own timeout. The text is copied before this returns.
  static task<result<tcp_stream>> connect(std::string_view host_port);
  static task<result<tcp_stream>> connect(std::string_view host_port,
                                          std::chrono::nanoseconds timeout);
  static task<result<tcp_stream>> connect(std::string_view host_port, resolve_options dns);
  ///@}

  /// Takes ownership of a connected TCP socket, making it non-blocking and registering it with
  /// this thread's runtime (the fd is closed on failure too).
  static result<tcp_stream> adopt(int fd) noexcept;

  ///@{
  /// TCP_NODELAY (Nagle off when true), as options().set_nodelay() and options().nodelay().
  result<void> set_nodelay(bool on) noexcept;
  result<bool> nodelay() const noexcept;
  ///@}

 private:
  explicit tcp_stream(kov::detail::io_handle h) noexcept : stream_socket(std::move(h)) {}
  static task<result<tcp_stream>> connect_until(socket_address to,
                                                std::optional<clock::time_point> deadline);
  static task<result<tcp_stream>> connect_by_name(std::string host_port, resolve_options dns,
                                                  std::optional<clock::time_point> deadline);
};

/// A listening TCP socket: bind(address[, backlog or listen_options]), then accept() gives
/// tcp_stream connections (errors as values; the listener stays usable after EMFILE).
using tcp_listener = detail::basic_listener<tcp_stream>;

}  // namespace kov::net
