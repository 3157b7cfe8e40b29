// kov::net::socket_options: reading and setting a socket's options (setsockopt(2) and
// getsockopt(2)), errors as values. Every kov socket hands one out with options():
//
//   auto opts = conn.options();
//   if (auto r = opts.set_keepalive(true); !r) ...
//   auto size = opts.receive_buffer_size();    // result<std::size_t>
//
// Options that only matter before bind(2) (reuse_port, v6_only) are given to a listener through
// listen_options (stream_socket.hpp); setting them later changes the option but not the binding.
#pragma once

#include <kov/export.hpp>
#include <kov/result.hpp>

#include <chrono>
#include <cstddef>
#include <optional>

namespace kov::net {

/// A view of one socket's options: it does not own the socket, which must outlive it.
///
/// Every setter and getter is one setsockopt(2) or getsockopt(2) call with the error as a value:
/// an option that does not apply to the socket is the kernel's ENOPROTOOPT, EINVAL or
/// EOPNOTSUPP; a size over INT_MAX or a negative linger is std::errc::invalid_argument.
/// Obtained from `options()` of any kov socket or listener.
class KOV_API socket_options {
 public:
  /// A view of the options of the socket `fd` (not taken over).
  explicit socket_options(int fd) noexcept : fd_(fd) {}

  ///@{
  /// SO_REUSEADDR: bind while old connections to the address linger in TIME_WAIT.
  result<void> set_reuse_address(bool on) noexcept;
  result<bool> reuse_address() const noexcept;
  ///@}
  ///@{
  /// SO_REUSEPORT: several sockets bound to one port, the kernel spreading connections.
  result<void> set_reuse_port(bool on) noexcept;
  result<bool> reuse_port() const noexcept;
  ///@}
  ///@{
  /// SO_KEEPALIVE: TCP probes an idle connection (at the system's intervals).
  result<void> set_keepalive(bool on) noexcept;
  result<bool> keepalive() const noexcept;
  ///@}
  ///@{
  /// SO_SNDBUF / SO_RCVBUF. Linux doubles the value set (for its bookkeeping) and enforces a
  /// minimum, so the getter reports what the kernel uses, not what was asked for.
  result<void> set_send_buffer_size(std::size_t bytes) noexcept;
  result<std::size_t> send_buffer_size() const noexcept;
  result<void> set_receive_buffer_size(std::size_t bytes) noexcept;
  result<std::size_t> receive_buffer_size() const noexcept;
  ///@}
  ///@{
  /// SO_LINGER: nullopt turns it off (close returns at once, the kernel sends what is left);
  /// a time makes close wait for the data to go, a zero time makes close reset the connection.
  /// kov's sockets are non-blocking, so close never waits: only the zero time (a reset on
  /// close) changes what the peer sees.
  result<void> set_linger(std::optional<std::chrono::seconds> t) noexcept;
  result<std::optional<std::chrono::seconds>> linger() const noexcept;
  ///@}
  ///@{
  /// IPV6_V6ONLY on an IPv6 socket: false also accepts IPv4 (as IPv4-mapped addresses). An IPv4
  /// socket says ENOPROTOOPT (or EINVAL).
  result<void> set_v6_only(bool on) noexcept;
  result<bool> v6_only() const noexcept;
  ///@}
  ///@{
  /// TCP_NODELAY: send small segments at once instead of gathering them (Nagle off).
  result<void> set_nodelay(bool on) noexcept;
  result<bool> nodelay() const noexcept;
  ///@}

  /// The socket's file descriptor.
  int native_handle() const noexcept { return fd_; }

 private:
  result<void> set_int(int level, int name, int value) const noexcept;
  result<int> get_int(int level, int name) const noexcept;
  result<bool> get_bool(int level, int name) const noexcept;
  result<void> set_size(int level, int name, std::size_t bytes) const noexcept;
  result<std::size_t> get_size(int level, int name) const noexcept;
  int fd_;
};

}  // namespace kov::net
