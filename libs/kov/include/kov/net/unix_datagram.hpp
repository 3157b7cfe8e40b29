// kov::net::unix_datagram: Unix-domain datagram sockets (SOCK_DGRAM), shaped as udp_socket.
// Datagrams keep their boundaries and, unlike UDP, are never dropped by the kernel: a send to a
// full receiver waits.
//
//   auto at = kov::net::socket_address::unix_path("@log").value();
//   auto server = kov::net::unix_datagram::bind(at);
//   auto client = kov::net::unix_datagram::unbound();
//   co_await client->send_to("hello", at);
//
// An unbound sender has no address: the receiver's datagram::from is then empty, and it cannot
// answer. Bind both sides (or use pair()) for replies.
#pragma once

#include <kov/export.hpp>
#include <kov/net/datagram_socket.hpp>

#include <utility>

namespace kov::net {

/// A Unix-domain datagram socket (SOCK_DGRAM), shaped as udp_socket (the operations come from
/// detail::datagram_socket). Datagrams keep their boundaries and are never dropped by the
/// kernel: a send to a full receiver waits. An unbound sender cannot be answered.
class KOV_API unix_datagram : public detail::datagram_socket {
 public:
  /// A closed socket, to assign an open one to.
  unix_datagram() noexcept = default;

  /// A socket bound to a Unix path or an abstract name (`@name`). A filesystem path must not
  /// exist yet (EADDRINUSE otherwise); the file is left behind on close, as bind(2) leaves it.
  static result<unix_datagram> bind(const socket_address& at) noexcept;
  /// A socket with no address: it can send_to, or connect and send.
  static result<unix_datagram> unbound() noexcept;
  /// Two sockets connected to each other (socketpair(2)).
  static result<std::pair<unix_datagram, unix_datagram>> pair() noexcept;

 private:
  explicit unix_datagram(kov::detail::io_handle h) noexcept : datagram_socket(std::move(h)) {}
};

}  // namespace kov::net
