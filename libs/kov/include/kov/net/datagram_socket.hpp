// What UDP and Unix datagram sockets share: sending and receiving whole datagrams, with or
// without the peer's address, and the default peer set by connect.
//
// A datagram longer than the buffer is truncated (the rest is lost), as recvfrom(2) does; a
// send never raises SIGPIPE. One receive and one send may be in flight at once.
#pragma once

#include <kov/buffer.hpp>
#include <kov/detail/io_finish.hpp>
#include <kov/detail/io_handle.hpp>
#include <kov/export.hpp>
#include <kov/net/address.hpp>
#include <kov/net/socket_options.hpp>

#include <cstddef>
#include <utility>

namespace kov::net {

/// What a recv_from gives: the datagram's length and its sender.
struct datagram {
  std::size_t size = 0;  ///< bytes received (cut to the buffer's size if it was longer)
  socket_address from;   ///< the sender (empty for an unbound Unix-domain sender)
};

namespace detail {

// recv_from: the address is filled in inside the awaitable, which does not move while the op
// is in flight.
struct finish_recv_from {
  socket_address from;
  void prepare(kov::detail::io_op& op) noexcept {
    op.addr = from.native_mut();
    op.addr_len = from.size_mut();
  }
  result<datagram> operator()(const kov::detail::io_op& op) const noexcept {
    if (op.result < 0) return kov::detail::io_error(op.result);
    return datagram{static_cast<std::size_t>(op.result), from};
  }
};

// A new datagram socket of `at`'s family, bound to `at`.
KOV_API result<kov::detail::io_handle> bind_datagram(const socket_address& at) noexcept;

class KOV_API datagram_socket {
 public:
  // Sets the default peer (connect(2) on a datagram socket: nothing is sent); send and recv
  // then talk to it, and datagrams from others are dropped by the kernel.
  result<void> connect(const socket_address& peer) noexcept;

  // `to` and the buffer must outlive the await (they are read when the send happens).
  auto send_to(const_buffer b, const socket_address& to) noexcept {
    // Safety: a send only reads the buffer and the address; io_op holds mutable pointers.
    kov::detail::io_op o =
        kov::detail::make_op(kov::detail::io_kind::send_to, const_cast<void*>(b.data), b.size);
    o.addr = const_cast<sockaddr*>(to.native());
    o.addr_size = to.size();
    return op(o, kov::detail::finish_size{});
  }
  auto recv_from(mutable_buffer b) noexcept {
    return op(kov::detail::make_op(kov::detail::io_kind::recv_from, b.data, b.size),
              finish_recv_from{});
  }
  // On a connected socket.
  auto send(const_buffer b) noexcept {
    // Safety: as in send_to.
    return op(kov::detail::make_op(kov::detail::io_kind::send, const_cast<void*>(b.data), b.size),
              kov::detail::finish_size{});
  }
  auto recv(mutable_buffer b) noexcept {
    return op(kov::detail::make_op(kov::detail::io_kind::recv, b.data, b.size),
              kov::detail::finish_size{});
  }

  result<socket_address> local_address() const noexcept;
  result<socket_address> peer_address() const noexcept;
  socket_options options() const noexcept { return socket_options(handle_.fd()); }
  int native_handle() const noexcept { return handle_.fd(); }
  bool is_open() const noexcept { return handle_.valid(); }
  void close() noexcept { handle_.close(); }

 protected:
  datagram_socket() noexcept = default;
  explicit datagram_socket(kov::detail::io_handle h) noexcept : handle_(std::move(h)) {}

 private:
  template <class Finish>
  kov::detail::io_awaitable<Finish> op(const kov::detail::io_op& o, Finish f) noexcept {
    return {handle_.source(), o, std::move(f)};
  }
  kov::detail::io_handle handle_;
};

}  // namespace detail
}  // namespace kov::net
