// TCP streams and listeners: adopt, connect with an optional deadline, bind and listen.
#include <kov/net/tcp.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace kov::net {

result<tcp_stream> tcp_stream::adopt(int fd) noexcept {
  auto h = kov::detail::io_handle::adopt(fd, true);
  if (!h) return h.error();
  return tcp_stream(std::move(*h));
}

task<result<tcp_stream>> tcp_stream::connect(socket_address to) {
  return connect_until(to, std::nullopt);
}

task<result<tcp_stream>> tcp_stream::connect(socket_address to, std::chrono::nanoseconds timeout) {
  return connect_until(to, clock::now() + std::chrono::duration_cast<clock::duration>(timeout));
}

task<result<tcp_stream>> tcp_stream::connect_until(socket_address to,
                                                   std::optional<clock::time_point> deadline) {
  auto h = detail::open_socket(to.family(), SOCK_STREAM);
  if (!h) co_return h.error();
  tcp_stream s(std::move(*h));
  kov::detail::io_op op = kov::detail::make_op(kov::detail::io_kind::connect);
  // Safety: connect only reads the address, which lives in this frame until the await ends.
  op.addr = const_cast<sockaddr*>(to.native());
  op.addr_size = to.size();
  if (auto r = co_await s.op(op, kov::detail::finish_void{}).with_deadline(deadline); !r) {
    co_return r.error();
  }
  co_return std::move(s);
}

result<void> tcp_stream::set_nodelay(bool on) noexcept {
  return options().set_nodelay(on);
}

result<bool> tcp_stream::nodelay() const noexcept {
  return options().nodelay();
}

}  // namespace kov::net
