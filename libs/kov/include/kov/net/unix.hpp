// Unix-domain stream sockets: kov::net::unix_listener and kov::net::unix_stream. Paths as in
// socket_address::unix_path ("@name" is Linux's abstract namespace).
#pragma once

#include <kov/export.hpp>
#include <kov/net/stream_socket.hpp>
#include <kov/task.hpp>

#include <string_view>
#include <utility>

namespace kov::net {

/// A connected Unix-domain stream socket: made by connect(), pair(), unix_listener::accept, or
/// adopted from a file descriptor. Reads, writes, shutdown and the rest come from
/// stream_socket; one read and one write may be in flight at once.
class KOV_API unix_stream : public stream_socket {
 public:
  static constexpr bool unix_domain = true;  ///< Takes Unix-domain addresses (for basic_listener).
  /// A closed stream, to assign a connected one to.
  unix_stream() noexcept = default;

  /// Connects to the Unix-domain address `to` (another family: address_family_not_supported).
  /// It completes at once, connected or failed: a listener with a full backlog is EAGAIN.
  static task<result<unix_stream>> connect(socket_address to);
  /// Two connected sockets (socketpair(2)).
  static result<std::pair<unix_stream, unix_stream>> pair() noexcept;
  /// Takes ownership of a connected Unix stream socket, making it non-blocking and registering
  /// it with this thread's runtime (the fd is closed on failure too).
  static result<unix_stream> adopt(int fd) noexcept;

 private:
  explicit unix_stream(kov::detail::io_handle h) noexcept : stream_socket(std::move(h)) {}
};

/// A listening Unix-domain stream socket: bind(path address[, backlog or listen_options]), then
/// accept() gives unix_stream connections. A filesystem path must not exist yet (EADDRINUSE),
/// and its socket file is left behind on close.
using unix_listener = detail::basic_listener<unix_stream>;

}  // namespace kov::net
