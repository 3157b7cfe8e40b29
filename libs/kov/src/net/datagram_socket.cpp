// Datagram sockets (UDP and Unix-domain): bind, connect, addresses.
#include <kov/net/datagram_socket.hpp>
#include <kov/net/stream_socket.hpp>

#include <sys/socket.h>

namespace kov::net::detail {

using kov::detail::last_error;

result<kov::detail::io_handle> bind_datagram(const socket_address& at) noexcept {
  auto h = open_socket(at.family(), SOCK_DGRAM);
  if (!h) return h.error();
  if (::bind(h->fd(), at.native(), at.size()) != 0) return last_error();
  return h;
}

result<void> datagram_socket::connect(const socket_address& peer) noexcept {
  if (::connect(handle_.fd(), peer.native(), peer.size()) != 0) return last_error();
  return {};
}

result<socket_address> datagram_socket::local_address() const noexcept {
  return socket_name(handle_.fd(), false);
}

result<socket_address> datagram_socket::peer_address() const noexcept {
  return socket_name(handle_.fd(), true);
}

}  // namespace kov::net::detail
