// Unix stream sockets and listeners: paths, abstract names and connected pairs.
#include <kov/net/unix.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace kov::net {

result<unix_stream> unix_stream::adopt(int fd) noexcept {
  auto h = kov::detail::io_handle::adopt(fd, true);
  if (!h) return h.error();
  return unix_stream(std::move(*h));
}

task<result<unix_stream>> unix_stream::connect(socket_address to) {
  if (!to.is_unix()) co_return std::make_error_code(std::errc::address_family_not_supported);
  auto h = detail::open_socket(AF_UNIX, SOCK_STREAM);
  if (!h) co_return h.error();
  // A Unix-domain connect(2) ends at once, connected or failed: there is no handshake to wait
  // for. A listener whose backlog is full makes it fail with EAGAIN, and nothing signals when
  // there is room again, so a connect parked for readiness would wait forever: the EAGAIN is
  // the result.
  if (::connect(h->fd(), to.native(), to.size()) != 0) {
    co_return kov::detail::last_error();
  }
  co_return unix_stream(std::move(*h));
}

result<std::pair<unix_stream, unix_stream>> unix_stream::pair() noexcept {
  auto p = detail::socket_pair(SOCK_STREAM);
  if (!p) return p.error();
  return std::pair<unix_stream, unix_stream>(unix_stream(std::move(p->first)),
                                             unix_stream(std::move(p->second)));
}

}  // namespace kov::net
