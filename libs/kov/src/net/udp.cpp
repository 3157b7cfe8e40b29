// UDP sockets: bind, connect, and datagrams with or without the peer's address.
#include <kov/net/stream_socket.hpp>
#include <kov/net/udp.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace kov::net {

result<udp_socket> udp_socket::bind(const socket_address& at) noexcept {
  auto h = detail::open_socket(at.family(), SOCK_DGRAM);
  if (!h) return h.error();
  if (::bind(h->fd(), at.native(), at.size()) != 0) {
    return kov::detail::last_error();
  }
  return udp_socket(std::move(*h));
}

result<void> udp_socket::connect(const socket_address& peer) noexcept {
  if (::connect(handle_.fd(), peer.native(), peer.size()) != 0) {
    return kov::detail::last_error();
  }
  return {};
}

result<socket_address> udp_socket::local_address() const noexcept {
  return detail::socket_name(handle_.fd(), false);
}

}  // namespace kov::net
