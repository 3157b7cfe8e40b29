// kov::net::socket_address: an IPv4, IPv6 or Unix-domain socket address as one value.
//
//   auto a = kov::net::socket_address::parse("[::1]:8080");   // no DNS: literals only
//   if (!a) return a.error();                                  // std::errc::invalid_argument
//   ::bind(fd, a->native(), a->size());
//
//   kov::net::socket_address peer;                             // filled in by the kernel
//   int conn = ::accept4(fd, peer.native_mut(), peer.size_mut(), SOCK_CLOEXEC);
//   log(peer.to_string());                                     // "[::1]:50312"
#pragma once

#include <kov/export.hpp>
#include <kov/result.hpp>

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kov::net {

/// A socket address of any family the kernel hands out (IPv4, IPv6, Unix-domain), with its
/// length, as one copyable value: built from text or parts, passed to and filled in by the
/// socket system calls, printed and compared.
///
/// Invariant: storage_ is always fully initialized (zeroed by every constructor before an
/// address is copied in). size() is size_ capped at sizeof(sockaddr_storage): a system call
/// that truncated an address reports its full length in size_. A default-constructed address
/// is empty: family AF_UNSPEC, size 0.
class KOV_API socket_address {
 public:
  /// An empty address: family AF_UNSPEC, size 0 (for the kernel to fill in).
  socket_address() noexcept;

  /// An IP literal with a port: `127.0.0.1:8080`, `[::1]:8080`, `[fe80::1%lo]:80` (the scope is
  /// an interface name or number). Strict: dotted-quad IPv4 with no leading zeros, IPv6 only in
  /// brackets, a decimal port 0-65535 with no sign and no leading zeros, nothing before or
  /// after. Anything else, including an unknown interface name, is std::errc::invalid_argument.
  /// No DNS: for host names see resolve().
  static result<socket_address> parse(std::string_view text);

  /// A Unix-domain address. A leading `@` names the rest in Linux's abstract namespace
  /// (`@name`; the name may be empty and may hold any bytes). Otherwise `path` is a filesystem
  /// path with no NUL byte. Empty `path`, or a NUL in a filesystem path:
  /// std::errc::invalid_argument. A path or abstract name over 107 bytes:
  /// std::errc::filename_too_long (sun_path holds 108, and a path needs its terminating NUL as
  /// an abstract name needs its leading one).
  static result<socket_address> unix_path(std::string_view path);

  /// An IPv4 address and port, `octets` in the order written: ipv4({127, 0, 0, 1}, 80) is
  /// 127.0.0.1:80.
  static socket_address ipv4(std::array<std::uint8_t, 4> octets, std::uint16_t port) noexcept;
  static socket_address ipv4_loopback(std::uint16_t port) noexcept;  ///< 127.0.0.1 and `port`
  static socket_address ipv4_any(std::uint16_t port) noexcept;       ///< 0.0.0.0 and `port`
  static socket_address ipv6_loopback(std::uint16_t port) noexcept;  ///< ::1 and `port`
  static socket_address ipv6_any(std::uint16_t port) noexcept;       ///< :: and `port`

  /// A copy of the `size` bytes at `addr` (getsockname, getpeername, recvfrom results).
  /// The caller guarantees that `addr` points at `size` readable bytes (or that size is 0).
  /// Bytes beyond sizeof(sockaddr_storage) are dropped.
  static socket_address from_native(const sockaddr* addr, socklen_t size) noexcept;

  /// AF_INET, AF_INET6, AF_UNIX, or AF_UNSPEC when empty.
  sa_family_t family() const noexcept;
  bool is_ipv4() const noexcept { return family() == AF_INET; }   ///< Family AF_INET.
  bool is_ipv6() const noexcept { return family() == AF_INET6; }  ///< Family AF_INET6.
  bool is_unix() const noexcept { return family() == AF_UNIX; }   ///< Family AF_UNIX.
  /// The port in host byte order; 0 for Unix-domain and empty addresses.
  std::uint16_t port() const noexcept;
  /// A copy with another port. Unix-domain and empty addresses come back unchanged.
  socket_address with_port(std::uint16_t port) const noexcept;

  ///@{
  /// For bind, connect, sendto: the address and its length.
  const sockaddr* native() const noexcept;
  socklen_t size() const noexcept;
  ///@}

  ///@{
  /// For accept, recvfrom, getsockname and the like, which write an address and its length:
  /// pass native_mut() as the address and size_mut() as the length pointer. size_mut() first
  /// resets the length to the full capacity (sizeof(sockaddr_storage)), which is what those
  /// calls expect to read; they overwrite it with the real length. Call both right before the
  /// system call, and treat the address as undefined if the call failed.
  sockaddr* native_mut() noexcept;
  socklen_t* size_mut() noexcept;
  ///@}

  /// `127.0.0.1:8080`, `[::1]:8080`, `[fe80::1%lo]:80`, a Unix path, `@name` for an abstract
  /// name, `(unnamed)` for an unbound Unix socket, `(unspecified)` for an empty address.
  /// IP addresses parse back with parse(), Unix addresses (but `(unnamed)`) with unix_path().
  std::string to_string() const;

  /// Same family and same address: IP address, port, IPv6 flow label and scope; the Unix path
  /// (with or without its terminating NUL) or abstract name. Padding bytes do not count.
  friend KOV_API bool operator==(const socket_address& a, const socket_address& b) noexcept;

 private:
  sockaddr_storage storage_;
  socklen_t size_ = 0;
};

}  // namespace kov::net
