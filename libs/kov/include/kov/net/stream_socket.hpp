// kov::net::stream_socket: what a connected TCP or Unix stream socket can do. Reads and writes
// are recv(2) and send(2); EINTR and EAGAIN are handled inside, and a send never raises SIGPIPE
// (a reset connection is an EPIPE or ECONNRESET value).
//
// Every operation returns an awaitable that completes with a kov::result; add
// .with_timeout(d) (or .with_deadline(t)) to give up with errc::timed_out:
//
//   auto n = co_await stream.read(buf).with_timeout(5s);
//
// One read and one write may be in flight at once (from two tasks); a second of either kind
// is a bug caught by an assertion. Closing the socket (or destroying it) completes an operation
// in flight with errc::cancelled; aborting a task takes its operation back.
#pragma once

#include <kov/detail/byte_stream.hpp>
#include <kov/export.hpp>
#include <kov/net/address.hpp>
#include <kov/net/socket_options.hpp>
#include <kov/task.hpp>

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstddef>
#include <optional>
#include <span>
#include <system_error>
#include <utility>

namespace kov::net {

/// Which direction shutdown() ends (shutdown(2)'s SHUT_RD, SHUT_WR, SHUT_RDWR).
enum class shutdown_how : int {
  read = SHUT_RD,   ///< No more receiving.
  write = SHUT_WR,  ///< No more sending: the peer reads the end of the stream (a half-close).
  both = SHUT_RDWR  ///< Both directions.
};

/// How a listener is set up before bind(2): the options that cannot be changed usefully later.
/// Given to tcp_listener::bind or unix_listener::bind.
struct listen_options {
  int backlog = 1024;           ///< listen(2)'s queue of pending connections.
  bool reuse_address = true;    ///< SO_REUSEADDR (IP addresses only)
  bool reuse_port = false;      ///< SO_REUSEPORT: several listeners on one port
  std::optional<bool> v6_only;  ///< IPV6_V6ONLY for an IPv6 address (nullopt: system default)
};

/// What a connected TCP or Unix stream socket can do: the base of tcp_stream and unix_stream.
///
/// read, read_exact, write, write_all, readable, writable, native_handle, is_open and close
/// come from detail::byte_stream (recv(2) and send(2) with MSG_NOSIGNAL). Each of those is an
/// awaitable completing with a kov::result that takes `.with_timeout(d)` or `.with_deadline(t)`
/// (errc::timed_out). One read and one write may be in flight at once (from two tasks); a
/// second of either kind is a bug caught by an assertion. Closing or destroying the socket
/// completes an operation in flight with errc::cancelled; aborting a task takes its operation
/// back.
class KOV_API stream_socket
    : public kov::detail::byte_stream<kov::detail::io_kind::recv, kov::detail::io_kind::send> {
 public:
  using byte_stream::write_all;

  // Vectored writes (sendmsg(2), the SENDMSG opcode on io_uring): the buffers go out in order
  // as if they were one, without copying them together. Empty buffers are skipped.

  /// A vectored write: one sendmsg(2) of as many of `bufs` as it takes (up to
  /// max_vectored_buffers of them), in order as if they were one buffer, without copying them
  /// together (empty buffers skipped). The byte count, possibly short.
  task<result<std::size_t>> write_vectored(std::span<const const_buffer> bufs);
  /// All of `bufs`, in order as if they were one buffer, continuing partial writes (a batch of
  /// max_vectored_buffers at a time). Like write_vectored, a task: it takes no .with_timeout
  /// (race it with when_any and a sleep).
  ///
  ///     std::array<kov::const_buffer, 3> parts{head, body, "\r\n"};
  ///     co_await conn.write_all(parts);
  task<result<void>> write_all(std::span<const const_buffer> bufs);
  /// The most buffers one sendmsg(2) of write_vectored() or write_all() takes.
  static constexpr std::size_t max_vectored_buffers = 64;

  /// shutdown(2): `write` sends the end of the stream (a half-close), reads go on.
  result<void> shutdown(shutdown_how how = shutdown_how::write) noexcept;
  /// The address this socket is bound to (getsockname(2)).
  result<socket_address> local_address() const noexcept;
  /// The address of the connected peer (getpeername(2)).
  result<socket_address> peer_address() const noexcept;
  /// Keepalive, buffer sizes, linger and the rest (socket_options.hpp).
  socket_options options() const noexcept { return socket_options(handle_.fd()); }

 protected:
  /// A closed socket (for the derived types' default constructors).
  stream_socket() noexcept = default;
  /// Takes over `h`, an open socket registered with the runtime.
  explicit stream_socket(kov::detail::io_handle h) noexcept : byte_stream(std::move(h)) {}

 private:
  // One sendmsg of `count` iovecs (which must stay put until it completes).
  auto send_iovecs(iovec* iov, std::size_t count) noexcept {
    return op(kov::detail::make_op(kov::detail::io_kind::send_vectored, iov, count),
              kov::detail::finish_size{});
  }
};

namespace detail {

// A new non-blocking, close-on-exec socket registered with the current runtime.
KOV_API result<kov::detail::io_handle> open_socket(int family, int type) noexcept;
// Two connected Unix-domain sockets of `type` (socketpair(2)), registered likewise.
KOV_API result<std::pair<kov::detail::io_handle, kov::detail::io_handle>> socket_pair(
    int type) noexcept;
// A new stream socket, set up as `opts` says, bound to `at` and listening.
KOV_API result<kov::detail::io_handle> listen_on(const socket_address& at,
                                                 const listen_options& opts) noexcept;
// getsockname / getpeername as a socket_address.
KOV_API result<socket_address> socket_name(int fd, bool peer) noexcept;

// accept: the new connection, adopted as a `Stream`.
template <class Stream>
struct finish_accept {
  result<Stream> operator()(const kov::detail::io_op& op) const noexcept {
    if (op.result < 0) return kov::detail::io_error(op.result);
    return Stream::adopt(static_cast<int>(op.result));
  }
  // A connection accepted for a task that was aborted before it could take it.
  void discard(const kov::detail::io_op& op) const noexcept {
    if (op.result >= 0) ::close(static_cast<int>(op.result));
  }
};

// What tcp_listener and unix_listener share: bind + listen, accept, the address. `Stream` is
// the connection type; Stream::unix_domain says which address family the listener takes.
template <class Stream>
class basic_listener {
 public:
  basic_listener() noexcept = default;

  // socket, SO_REUSEADDR (IP), bind, listen. IP port 0 picks a free port (see local_address).
  // A Unix filesystem path must not exist yet (EADDRINUSE otherwise); the socket file is left
  // behind on close, as bind(2) leaves it.
  static result<basic_listener> bind(const socket_address& at, int backlog = 1024) noexcept {
    listen_options opts;
    opts.backlog = backlog;
    return bind(at, opts);
  }
  // The same, with SO_REUSEPORT, IPV6_V6ONLY and the rest set as `opts` says before bind(2).
  static result<basic_listener> bind(const socket_address& at,
                                     const listen_options& opts) noexcept {
    if (at.is_unix() != Stream::unix_domain) {
      return std::make_error_code(std::errc::address_family_not_supported);
    }
    auto h = listen_on(at, opts);
    if (!h) return h.error();
    return basic_listener(std::move(*h));
  }

  // The next connection. Errors are values and the listener stays usable after them: when
  // out of file descriptors (EMFILE, ENFILE) the pending connection stays queued, so a server
  // should wait a moment before the next accept (a tight retry loop would spin).
  auto accept() noexcept {
    return kov::detail::io_awaitable<finish_accept<Stream>>(
        handle_.source(), kov::detail::make_op(kov::detail::io_kind::accept), {});
  }

  result<socket_address> local_address() const noexcept { return socket_name(handle_.fd(), false); }
  socket_options options() const noexcept { return socket_options(handle_.fd()); }
  int native_handle() const noexcept { return handle_.fd(); }
  bool is_open() const noexcept { return handle_.valid(); }
  void close() noexcept { handle_.close(); }

 private:
  explicit basic_listener(kov::detail::io_handle h) noexcept : handle_(std::move(h)) {}
  kov::detail::io_handle handle_;
};

}  // namespace detail
}  // namespace kov::net
