// kov::net::udp_socket: datagrams.
//
//   auto sock = kov::net::udp_socket::bind(kov::net::socket_address::parse("127.0.0.1:0").value());
//   auto got = co_await sock->recv_from(buf);          // got->size bytes from got->from
//   co_await sock->send_to(reply, got->from);
//
// send_to, recv_from, send, recv, connect and the rest come from detail::datagram_socket.
#pragma once

#include <kov/export.hpp>
#include <kov/net/datagram_socket.hpp>

#include <utility>

namespace kov::net {

/// A UDP socket. send_to, recv_from, send, recv, connect, options and close come from
/// detail::datagram_socket: whole datagrams, one receive and one send in flight at once.
class KOV_API udp_socket : public detail::datagram_socket {
 public:
  /// A closed socket, to assign a bound one to.
  udp_socket() noexcept = default;

  /// A socket bound to the IP address `at` (port 0: any free port; a Unix-domain address is
  /// address_family_not_supported).
  static result<udp_socket> bind(const socket_address& at) noexcept;

 private:
  explicit udp_socket(kov::detail::io_handle h) noexcept : datagram_socket(std::move(h)) {}
};

}  // namespace kov::net
