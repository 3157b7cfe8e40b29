// kov::net::socket_address: building, parsing, printing and comparing socket addresses.

#include <kov/net/address.hpp>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>

namespace kov::net {
namespace {

constexpr socklen_t capacity = sizeof(sockaddr_storage);
constexpr std::size_t sun_path_offset = offsetof(sockaddr_un, sun_path);
constexpr std::size_t sun_path_size = sizeof(sockaddr_un::sun_path);

std::error_code invalid_argument() {
  return std::make_error_code(std::errc::invalid_argument);
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// A decimal number: digits only (no sign, no space), no leading zero unless it is "0", at most
// `max`. False for anything else.
bool parse_decimal(std::string_view text, std::uint32_t max, std::uint32_t& out) noexcept {
  if (text.empty() || text.size() > 10) return false;  // 10 digits hold any uint32_t
  if (text.size() > 1 && text.front() == '0') return false;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > max) return false;
  out = static_cast<std::uint32_t>(value);
  return true;
}

// Dotted-quad IPv4: exactly four decimal octets 0-255, no leading zeros (inet_aton would read
// "010" as octal), nothing else.
bool parse_ipv4(std::string_view text, std::array<std::uint8_t, 4>& octets) noexcept {
  for (std::size_t i = 0; i < octets.size(); ++i) {
    const bool last = i + 1 == octets.size();
    const std::size_t end = last ? text.size() : text.find('.');
    if (end == std::string_view::npos) return false;
    std::uint32_t octet = 0;
    if (!parse_decimal(text.substr(0, end), 255, octet)) return false;
    octets[i] = static_cast<std::uint8_t>(octet);
    text.remove_prefix(last ? end : end + 1);
  }
  return true;
}

// The interface index of an IPv6 scope: a decimal number or an interface name.
bool parse_scope(std::string_view text, std::uint32_t& index) {
  if (parse_decimal(text, std::numeric_limits<std::uint32_t>::max(), index)) return true;
  if (text.empty() || text.size() >= IF_NAMESIZE) return false;
  for (const char c : text) {
    // Linux interface names hold no whitespace; a NUL would cut the name short.
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') return false;
  }
  char name[IF_NAMESIZE] = {};
  std::memcpy(name, text.data(), text.size());
  index = ::if_nametoindex(name);
  return index != 0;
}

// The text form of an IPv6 address (inside the brackets, without the scope).
bool parse_ipv6(std::string_view text, in6_addr& addr) noexcept {
  char buf[INET6_ADDRSTRLEN] = {};
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  // inet_pton stops at a NUL: "::1\0junk" must not pass as ::1.
  if (text.find('\0') != std::string_view::npos) return false;
  std::memcpy(buf, text.data(), text.size());
  return ::inet_pton(AF_INET6, buf, &addr) == 1;
}

// Socket address structs are read and written by copy, never through a cast pointer.
template <class Sockaddr>
Sockaddr load(const sockaddr_storage& storage) noexcept {
  static_assert(sizeof(Sockaddr) <= sizeof(sockaddr_storage));
  Sockaddr out{};
  std::memcpy(&out, &storage, sizeof(out));
  return out;
}

template <class Sockaddr>
socket_address make(const Sockaddr& native, std::size_t size) noexcept {
  // Safety: `native` is one of the sockaddr_* structs, which the socket API always passes as a
  // sockaddr*; from_native only copies its first `size` bytes, and size <= sizeof(native).
  return socket_address::from_native(reinterpret_cast<const sockaddr*>(&native),
                                     static_cast<socklen_t>(size));
}

socket_address make_ipv4(const in_addr& addr, std::uint16_t port) noexcept {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr = addr;
  return make(in, sizeof(in));
}

socket_address make_ipv6(const in6_addr& addr, std::uint16_t port, std::uint32_t scope) noexcept {
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(port);
  in6.sin6_addr = addr;
  in6.sin6_scope_id = scope;
  return make(in6, sizeof(in6));
}

// The sun_path bytes a Unix-domain address holds: empty when unnamed, starting with a NUL
// for an abstract name, else a path (possibly followed by its NUL and padding).
std::string_view unix_bytes(const sockaddr_storage& storage, socklen_t size) noexcept {
  if (size <= sun_path_offset) return {};
  const std::size_t length = std::min<std::size_t>(size - sun_path_offset, sun_path_size);
  // Safety: any object's bytes may be read as char; offset + length stays within
  // sizeof(sockaddr_un), which is less than sizeof(storage).
  return {reinterpret_cast<const char*>(&storage) + sun_path_offset, length};
}

// The name that identifies a Unix-domain address: a path without its NUL terminator, or the
// whole abstract name with its leading NUL.
std::string_view unix_name(const sockaddr_storage& storage, socklen_t size) noexcept {
  std::string_view bytes = unix_bytes(storage, size);
  if (!bytes.empty() && bytes.front() != '\0') bytes = bytes.substr(0, bytes.find('\0'));
  return bytes;
}

}  // namespace

socket_address::socket_address() noexcept : storage_{} {}

result<socket_address> socket_address::parse(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  const bool bracketed = !text.empty() && text.front() == '[';
  if (bracketed) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return invalid_argument();
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return invalid_argument();
    port_text = rest.substr(1);
  } else {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return invalid_argument();
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }

  std::uint32_t port = 0;
  if (!parse_decimal(port_text, std::numeric_limits<std::uint16_t>::max(), port)) {
    return invalid_argument();
  }

  if (!bracketed) {
    std::array<std::uint8_t, 4> octets{};
    if (!parse_ipv4(host, octets)) return invalid_argument();
    return ipv4(octets, static_cast<std::uint16_t>(port));
  }

  std::uint32_t scope = 0;
  const std::size_t percent = host.find('%');
  if (percent != std::string_view::npos) {
    if (!parse_scope(host.substr(percent + 1), scope)) return invalid_argument();
    host = host.substr(0, percent);
  }
  in6_addr addr{};
  if (!parse_ipv6(host, addr)) return invalid_argument();
  return make_ipv6(addr, static_cast<std::uint16_t>(port), scope);
}

result<socket_address> socket_address::unix_path(std::string_view path) {
  if (path.empty()) return invalid_argument();
  const bool abstract = path.front() == '@';
  const std::string_view name = abstract ? path.substr(1) : path;
  if (name.size() >= sun_path_size) return std::make_error_code(std::errc::filename_too_long);
  if (!abstract && name.find('\0') != std::string_view::npos) return invalid_argument();

  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  // An abstract name starts with a NUL (already there: `un` is zeroed); a path ends with one.
  const std::size_t start = abstract ? 1 : 0;
  std::memcpy(un.sun_path + start, name.data(), name.size());
  const std::size_t length = abstract ? 1 + name.size() : name.size() + 1;
  return make(un, sun_path_offset + length);
}

socket_address socket_address::ipv4(std::array<std::uint8_t, 4> octets,
                                    std::uint16_t port) noexcept {
  in_addr addr{};
  std::memcpy(&addr, octets.data(), sizeof(addr));  // s_addr is in network order: as written
  return make_ipv4(addr, port);
}

socket_address socket_address::ipv4_loopback(std::uint16_t port) noexcept {
  return ipv4({127, 0, 0, 1}, port);
}

socket_address socket_address::ipv4_any(std::uint16_t port) noexcept {
  return ipv4({0, 0, 0, 0}, port);
}

socket_address socket_address::ipv6_loopback(std::uint16_t port) noexcept {
  return make_ipv6(in6addr_loopback, port, 0);
}

socket_address socket_address::ipv6_any(std::uint16_t port) noexcept {
  return make_ipv6(in6addr_any, port, 0);
}

socket_address socket_address::from_native(const sockaddr* addr, socklen_t size) noexcept {
  KOV_ASSERT(addr != nullptr || size == 0, "from_native: null address with a size");
  socket_address out;
  out.size_ = std::min(size, capacity);
  // Safety: the caller guarantees `size` readable bytes at addr; we copy at most that many.
  if (out.size_ > 0) std::memcpy(&out.storage_, addr, out.size_);
  return out;
}

sa_family_t socket_address::family() const noexcept {
  return size() >= sizeof(sa_family_t) ? storage_.ss_family : sa_family_t{AF_UNSPEC};
}

std::uint16_t socket_address::port() const noexcept {
  switch (family()) {
    case AF_INET:
      return ntohs(load<sockaddr_in>(storage_).sin_port);
    case AF_INET6:
      return ntohs(load<sockaddr_in6>(storage_).sin6_port);
    default:
      return 0;
  }
}

socket_address socket_address::with_port(std::uint16_t port) const noexcept {
  socket_address out = *this;
  switch (family()) {
    case AF_INET: {
      sockaddr_in in = load<sockaddr_in>(storage_);
      in.sin_port = htons(port);
      std::memcpy(&out.storage_, &in, sizeof(in));
      break;
    }
    case AF_INET6: {
      sockaddr_in6 in6 = load<sockaddr_in6>(storage_);
      in6.sin6_port = htons(port);
      std::memcpy(&out.storage_, &in6, sizeof(in6));
      break;
    }
    default:
      break;
  }
  return out;
}

const sockaddr* socket_address::native() const noexcept {
  // Safety: sockaddr_storage exists to be passed to the socket API as a sockaddr*; the kernel
  // and libc read it by family and length, never as an object of the wrong type here.
  return reinterpret_cast<const sockaddr*>(&storage_);
}

socklen_t socket_address::size() const noexcept {
  return std::min(size_, capacity);
}

sockaddr* socket_address::native_mut() noexcept {
  // Safety: as native(); the kernel writes at most *size_mut() bytes, the storage's capacity.
  return reinterpret_cast<sockaddr*>(&storage_);
}

socklen_t* socket_address::size_mut() noexcept {
  size_ = capacity;
  return &size_;
}

std::string socket_address::to_string() const {
  switch (family()) {
    case AF_INET: {
      const sockaddr_in in = load<sockaddr_in>(storage_);
      char host[INET_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof(host));
      return std::string(host) + ':' + std::to_string(ntohs(in.sin_port));
    }
    case AF_INET6: {
      const sockaddr_in6 in6 = load<sockaddr_in6>(storage_);
      char host[INET6_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof(host));
      std::string out = "[";
      out += host;
      if (in6.sin6_scope_id != 0) {
        out += '%';
        char name[IF_NAMESIZE] = {};
        const std::string_view if_name =
            ::if_indextoname(in6.sin6_scope_id, name) != nullptr ? name : std::string_view{};
        // An all-digit interface name would parse back as an index: print the index then.
        const bool printable_name =
            !if_name.empty() &&
            !std::all_of(if_name.begin(), if_name.end(), [](char c) { return is_digit(c); });
        if (printable_name) {
          out += if_name;
        } else {
          out += std::to_string(in6.sin6_scope_id);
        }
      }
      out += "]:";
      out += std::to_string(ntohs(in6.sin6_port));
      return out;
    }
    case AF_UNIX: {
      const std::string_view bytes = unix_bytes(storage_, size());
      if (bytes.empty()) return "(unnamed)";
      if (bytes.front() == '\0') return '@' + std::string(bytes.substr(1));
      return std::string(unix_name(storage_, size()));
    }
    case AF_UNSPEC:
      return "(unspecified)";
    default:
      return "(family " + std::to_string(family()) + ")";
  }
}

bool operator==(const socket_address& a, const socket_address& b) noexcept {
  const sa_family_t family = a.family();
  if (family != b.family()) return false;
  switch (family) {
    case AF_INET: {
      const sockaddr_in x = load<sockaddr_in>(a.storage_);
      const sockaddr_in y = load<sockaddr_in>(b.storage_);
      return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
    }
    case AF_INET6: {
      const sockaddr_in6 x = load<sockaddr_in6>(a.storage_);
      const sockaddr_in6 y = load<sockaddr_in6>(b.storage_);
      return x.sin6_port == y.sin6_port && x.sin6_flowinfo == y.sin6_flowinfo &&
             x.sin6_scope_id == y.sin6_scope_id &&
             std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)) == 0;
    }
    case AF_UNIX:
      return unix_name(a.storage_, a.size()) == unix_name(b.storage_, b.size());
    default:
      return a.size() == b.size() && std::memcmp(&a.storage_, &b.storage_, a.size()) == 0;
  }
}

}  // namespace kov::net
