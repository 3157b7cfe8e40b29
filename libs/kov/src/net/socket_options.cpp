// Socket options through setsockopt(2) and getsockopt(2).
#include <kov/net/socket_options.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <climits>
#include <system_error>

namespace kov::net {

using kov::detail::last_error;

result<void> socket_options::set_int(int level, int name, int value) const noexcept {
  if (::setsockopt(fd_, level, name, &value, sizeof value) != 0) return last_error();
  return {};
}

result<int> socket_options::get_int(int level, int name) const noexcept {
  int value = 0;
  socklen_t size = sizeof value;
  if (::getsockopt(fd_, level, name, &value, &size) != 0) return last_error();
  return value;
}

result<bool> socket_options::get_bool(int level, int name) const noexcept {
  auto v = get_int(level, name);
  if (!v) return v.error();
  return *v != 0;
}

result<void> socket_options::set_size(int level, int name, std::size_t bytes) const noexcept {
  // EINVAL rather than a silent wrap when the size does not fit setsockopt's int.
  if (bytes > static_cast<std::size_t>(INT_MAX)) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  return set_int(level, name, static_cast<int>(bytes));
}

result<std::size_t> socket_options::get_size(int level, int name) const noexcept {
  auto v = get_int(level, name);
  if (!v) return v.error();
  return static_cast<std::size_t>(*v);
}

result<void> socket_options::set_reuse_address(bool on) noexcept {
  return set_int(SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0);
}
result<bool> socket_options::reuse_address() const noexcept {
  return get_bool(SOL_SOCKET, SO_REUSEADDR);
}

result<void> socket_options::set_reuse_port(bool on) noexcept {
  return set_int(SOL_SOCKET, SO_REUSEPORT, on ? 1 : 0);
}
result<bool> socket_options::reuse_port() const noexcept {
  return get_bool(SOL_SOCKET, SO_REUSEPORT);
}

result<void> socket_options::set_keepalive(bool on) noexcept {
  return set_int(SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0);
}
result<bool> socket_options::keepalive() const noexcept {
  return get_bool(SOL_SOCKET, SO_KEEPALIVE);
}

result<void> socket_options::set_send_buffer_size(std::size_t bytes) noexcept {
  return set_size(SOL_SOCKET, SO_SNDBUF, bytes);
}
result<std::size_t> socket_options::send_buffer_size() const noexcept {
  return get_size(SOL_SOCKET, SO_SNDBUF);
}

result<void> socket_options::set_receive_buffer_size(std::size_t bytes) noexcept {
  return set_size(SOL_SOCKET, SO_RCVBUF, bytes);
}
result<std::size_t> socket_options::receive_buffer_size() const noexcept {
  return get_size(SOL_SOCKET, SO_RCVBUF);
}

result<void> socket_options::set_linger(std::optional<std::chrono::seconds> t) noexcept {
  ::linger l{};
  if (t) {
    if (t->count() < 0 || t->count() > INT_MAX) {
      return std::make_error_code(std::errc::invalid_argument);
    }
    l.l_onoff = 1;
    l.l_linger = static_cast<int>(t->count());
  }
  if (::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l) != 0) return last_error();
  return {};
}
result<std::optional<std::chrono::seconds>> socket_options::linger() const noexcept {
  ::linger l{};
  socklen_t size = sizeof l;
  if (::getsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, &size) != 0) return last_error();
  if (l.l_onoff == 0) return std::optional<std::chrono::seconds>();
  return std::optional<std::chrono::seconds>(std::chrono::seconds(l.l_linger));
}

result<void> socket_options::set_v6_only(bool on) noexcept {
  return set_int(IPPROTO_IPV6, IPV6_V6ONLY, on ? 1 : 0);
}
result<bool> socket_options::v6_only() const noexcept {
  return get_bool(IPPROTO_IPV6, IPV6_V6ONLY);
}

result<void> socket_options::set_nodelay(bool on) noexcept {
  return set_int(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
}
result<bool> socket_options::nodelay() const noexcept {
  return get_bool(IPPROTO_TCP, TCP_NODELAY);
}

}  // namespace kov::net
