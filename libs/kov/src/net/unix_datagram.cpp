// Unix-domain datagram sockets: bound, unbound and connected pairs.
#include <kov/net/stream_socket.hpp>
#include <kov/net/unix_datagram.hpp>

#include <sys/socket.h>

#include <system_error>

namespace kov::net {

result<unix_datagram> unix_datagram::bind(const socket_address& at) noexcept {
  if (!at.is_unix()) return std::make_error_code(std::errc::address_family_not_supported);
  auto h = detail::bind_datagram(at);
  if (!h) return h.error();
  return unix_datagram(std::move(*h));
}

result<unix_datagram> unix_datagram::unbound() noexcept {
  auto h = detail::open_socket(AF_UNIX, SOCK_DGRAM);
  if (!h) return h.error();
  return unix_datagram(std::move(*h));
}

result<std::pair<unix_datagram, unix_datagram>> unix_datagram::pair() noexcept {
  auto p = detail::socket_pair(SOCK_DGRAM);
  if (!p) return p.error();
  return std::pair<unix_datagram, unix_datagram>(unix_datagram(std::move(p->first)),
                                                 unix_datagram(std::move(p->second)));
}

}  // namespace kov::net
