// Operations shared by TCP and Unix stream sockets: shutdown, addresses, opening and listening.
#include <kov/net/stream_socket.hpp>

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace kov::net {

using kov::detail::last_error;

result<void> stream_socket::shutdown(shutdown_how how) noexcept {
  if (::shutdown(handle_.fd(), static_cast<int>(how)) != 0) return last_error();
  return {};
}

namespace {

// The iovecs of `bufs` from byte `offset` of its first buffer on (at most `iov.size()` of them,
// empty ones left out): how many were filled in.
std::size_t gather(std::span<const const_buffer> bufs, std::size_t offset,
                   std::span<iovec> iov) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < bufs.size() && count < iov.size(); ++i) {
    const std::size_t skip = i == 0 ? offset : 0;
    if (bufs[i].size == skip) continue;
    // Safety: a send only reads through iov_base; iovec holds one pointer type for both ways.
    iov[count++] = {const_cast<char*>(static_cast<const char*>(bufs[i].data)) + skip,
                    bufs[i].size - skip};
  }
  return count;
}

}  // namespace

task<result<std::size_t>> stream_socket::write_vectored(std::span<const const_buffer> bufs) {
  std::array<iovec, max_vectored_buffers> iov{};
  const std::size_t count = gather(bufs, 0, iov);
  if (count == 0) co_return std::size_t{0};
  co_return co_await send_iovecs(iov.data(), count);
}

task<result<void>> stream_socket::write_all(std::span<const const_buffer> bufs) {
  std::array<iovec, max_vectored_buffers> iov{};
  std::size_t offset = 0;  // bytes of bufs.front() already written
  for (;;) {
    while (!bufs.empty() && bufs.front().size == offset) {
      bufs = bufs.subspan(1);
      offset = 0;
    }
    if (bufs.empty()) co_return result<void>();
    const std::size_t count = gather(bufs, offset, iov);
    auto n = co_await send_iovecs(iov.data(), count);
    if (!n) co_return n.error();
    // Step past what went out: whole buffers, then part of the next.
    for (std::size_t left = *n; left > 0;) {
      const std::size_t rest = bufs.front().size - offset;
      if (left < rest) {
        offset += left;
        break;
      }
      left -= rest;
      bufs = bufs.subspan(1);
      offset = 0;
    }
  }
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

result<std::pair<kov::detail::io_handle, kov::detail::io_handle>> socket_pair(int type) noexcept {
  int fds[2];
  if (::socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return last_error();
  auto a = kov::detail::io_handle::adopt(fds[0], type == SOCK_STREAM);
  if (!a) {
    ::close(fds[1]);
    return a.error();
  }
  auto b = kov::detail::io_handle::adopt(fds[1], type == SOCK_STREAM);
  if (!b) return b.error();
  return std::pair<kov::detail::io_handle, kov::detail::io_handle>(std::move(*a), std::move(*b));
}

result<kov::detail::io_handle> listen_on(const socket_address& at,
                                         const listen_options& opts) noexcept {
  auto h = open_socket(at.family(), SOCK_STREAM);
  if (!h) return h.error();
  socket_options o(h->fd());
  // A restarted server can bind while old connections linger in TIME_WAIT.
  if (auto r = at.is_unix() ? result<void>() : o.set_reuse_address(opts.reuse_address); !r) {
    return r.error();
  }
  if (auto r = opts.reuse_port ? o.set_reuse_port(true) : result<void>(); !r) return r.error();
  if (auto r = opts.v6_only ? o.set_v6_only(*opts.v6_only) : result<void>(); !r) {
    return r.error();
  }
  if (::bind(h->fd(), at.native(), at.size()) != 0) return last_error();
  if (::listen(h->fd(), opts.backlog) != 0) return last_error();
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
