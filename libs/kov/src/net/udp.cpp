// UDP sockets: bind (the rest is detail::datagram_socket's).
#include <kov/net/udp.hpp>

#include <system_error>

namespace kov::net {

result<udp_socket> udp_socket::bind(const socket_address& at) noexcept {
  if (at.is_unix()) return std::make_error_code(std::errc::address_family_not_supported);
  auto h = detail::bind_datagram(at);
  if (!h) return h.error();
  return udp_socket(std::move(*h));
}

}  // namespace kov::net
