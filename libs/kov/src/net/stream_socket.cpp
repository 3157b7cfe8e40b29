// Operations shared by TCP and Unix stream sockets: shutdown, addresses, opening and listening.
#include <kov/net/stream_socket.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace kov::net {

using kov::detail::last_error;

result<void> stream_socket::shutdown(shutdown_how how) noexcept {
  if (::shutdown(handle_.fd(), static_cast<int>(how)) != 0) return last_error();
  return {};
}

result<socket_address> stream_socket::local_address() const noexcept {
  return detail::socket_name(handle_.fd(), false);
}

result<socket_address> stream_socket::peer_address() const noexcept {
  return detail::socket_name(handle_.fd(), true);
}

namespace detail {

result<kov::detail::io_handle> open_socket(int family, int type) noexcept {
  const int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return last_error();
  return kov::detail::io_handle::adopt(fd, type == SOCK_STREAM);
}

result<kov::detail::io_handle> listen_on(const socket_address& at, int backlog) noexcept {
  auto h = open_socket(at.family(), SOCK_STREAM);
  if (!h) return h.error();
  if (!at.is_unix()) {
    // A restarted server can bind while old connections linger in TIME_WAIT.
    const int on = 1;
    if (::setsockopt(h->fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return last_error();
  }
  if (::bind(h->fd(), at.native(), at.size()) != 0) return last_error();
  if (::listen(h->fd(), backlog) != 0) return last_error();
  return h;
}

result<socket_address> socket_name(int fd, bool peer) noexcept {
  socket_address a;
  const int r = peer ? ::getpeername(fd, a.native_mut(), a.size_mut())
                     : ::getsockname(fd, a.native_mut(), a.size_mut());
  if (r != 0) return last_error();
  return a;
}

}  // namespace detail
}  // namespace kov::net
