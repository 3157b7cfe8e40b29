#pragma once
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

#include <kov/buffer.hpp>
#include <kov/detail/io_finish.hpp>
#include <kov/detail/io_handle.hpp>
#include <kov/net/address.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <utility>

namespace kov::net {

enum class shutdown_how : int { read = SHUT_RD, write = SHUT_WR, both = SHUT_RDWR };

class stream_socket {
 public:
  // One recv(2): the byte count, 0 at the end of the stream.
  auto read(mutable_buffer b) noexcept {
    return op(detail::make_op(detail::io_kind::recv, b.data, b.size), detail::finish_size{});
  }
  // Fills `b` completely, or fails (errc::end_of_stream if the peer ends the stream first).
  auto read_exact(mutable_buffer b) noexcept {
    detail::io_op o = detail::make_op(detail::io_kind::recv, b.data, b.size);
    o.all = true;
    return op(o, detail::finish_all{});
  }
  // One send(2): the byte count, possibly short.
  auto write(const_buffer b) noexcept {
    // Safety: a send op only reads its buffer; io_op holds one pointer type for both ways.
    return op(detail::make_op(detail::io_kind::send, const_cast<void*>(b.data), b.size),
              detail::finish_size{});
  }
  // Sends all of `b`, completing partial writes.
  auto write_all(const_buffer b) noexcept {
    // Safety: as in write().
    detail::io_op o = detail::make_op(detail::io_kind::send, const_cast<void*>(b.data), b.size);
    o.all = true;
    return op(o, detail::finish_all{});
  }
  // Waits until a read (or a write) would not block, without doing one.
  auto readable() noexcept {
    return op(detail::make_op(detail::io_kind::readable), detail::finish_void{});
  }
  auto writable() noexcept {
    return op(detail::make_op(detail::io_kind::writable), detail::finish_void{});
  }

  // shutdown(2): `write` sends the end of the stream (a half-close), reads go on.
  result<void> shutdown(shutdown_how how = shutdown_how::write) noexcept;
  result<socket_address> local_address() const noexcept;
  result<socket_address> peer_address() const noexcept;

  int native_handle() const noexcept { return handle_.fd(); }
  bool is_open() const noexcept { return handle_.valid(); }
  // Deregisters and closes now (the destructor does it otherwise).
  void close() noexcept { handle_.close(); }

 protected:
  stream_socket() noexcept = default;
  explicit stream_socket(detail::io_handle h) noexcept : handle_(std::move(h)) {}
  template <class Finish>
  detail::io_awaitable<Finish> op(const detail::io_op& o, Finish f) noexcept {
    return {handle_.source(), o, f};
  }
  detail::io_handle handle_;
};

namespace detail {

// A new non-blocking, close-on-exec socket registered with the current runtime.
result<kov::detail::io_handle> open_socket(int family, int type) noexcept;
// bind(2) + listen(2) on a new stream socket; SO_REUSEADDR for IP addresses.
result<kov::detail::io_handle> listen_on(const socket_address& at, int backlog) noexcept;
// getsockname / getpeername as a socket_address.
result<socket_address> socket_name(int fd, bool peer) noexcept;

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

}  // namespace detail
}  // namespace kov::net
