// kov::net::socket_address: parsing (valid and invalid tables), printing, round trips,
// comparisons, and real sockets bound to parsed addresses and read back from the kernel.

#include <kov/net/address.hpp>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace {

using kov::net::socket_address;
using namespace std::string_view_literals;

// A file descriptor closed at scope exit.
class unique_fd {
 public:
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

socket_address parsed(std::string_view text) {
  auto a = socket_address::parse(text);
  EXPECT_TRUE(a) << text;
  return a ? *a : socket_address{};
}

socket_address local_address_of(int fd) {
  sockaddr_storage storage{};
  socklen_t size = sizeof(storage);
  // Safety: sockaddr_storage is the socket API's buffer for any address; getsockname writes at
  // most `size` bytes into it.
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &size), 0);
  // Safety: as above; from_native copies the `size` bytes getsockname wrote.
  return socket_address::from_native(reinterpret_cast<const sockaddr*>(&storage), size);
}

struct valid_case {
  std::string_view text;
  sa_family_t family;
  std::uint16_t port;
  std::string_view printed;  // to_string(); the text itself when empty
};

constexpr valid_case valid_cases[] = {
    {"127.0.0.1:8080", AF_INET, 8080, ""},
    {"0.0.0.0:0", AF_INET, 0, ""},
    {"255.255.255.255:65535", AF_INET, 65535, ""},
    {"10.0.0.1:1", AF_INET, 1, ""},
    {"[::1]:8080", AF_INET6, 8080, ""},
    {"[::]:0", AF_INET6, 0, ""},
    {"[2001:DB8::1]:443", AF_INET6, 443, "[2001:db8::1]:443"},
    {"[2001:db8:0:0:0:0:0:1]:443", AF_INET6, 443, "[2001:db8::1]:443"},
    {"[::ffff:192.0.2.1]:80", AF_INET6, 80, ""},
    {"[fe80::1%lo]:80", AF_INET6, 80, ""},
    {"[fe80::1%0]:80", AF_INET6, 80, "[fe80::1]:80"},  // scope 0 is no scope
};

TEST(socket_address, parses_valid_literals) {
  for (const valid_case& c : valid_cases) {
    SCOPED_TRACE(c.text);
    kov::result<socket_address> a = socket_address::parse(c.text);
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->family(), c.family);
    EXPECT_EQ(a->port(), c.port);
    EXPECT_EQ(a->is_ipv4(), c.family == AF_INET);
    EXPECT_EQ(a->is_ipv6(), c.family == AF_INET6);
    EXPECT_FALSE(a->is_unix());
    EXPECT_EQ(a->size(), c.family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    EXPECT_EQ(a->to_string(), c.printed.empty() ? c.text : c.printed);
  }
}

TEST(socket_address, a_scope_is_an_interface_name_or_number) {
  const unsigned lo = ::if_nametoindex("lo");
  ASSERT_NE(lo, 0U);
  const socket_address by_name = parsed("[fe80::1%lo]:80");
  const socket_address by_number = parsed("[fe80::1%" + std::to_string(lo) + "]:80");
  EXPECT_EQ(by_name, by_number);
  EXPECT_NE(by_name, parsed("[fe80::1]:80"));
  sockaddr_in6 in6{};
  std::memcpy(&in6, by_name.native(), sizeof(in6));
  EXPECT_EQ(in6.sin6_scope_id, lo);
  EXPECT_EQ(by_number.to_string(), "[fe80::1%lo]:80");  // printed by name when it has one
}

TEST(socket_address, rejects_invalid_literals) {
  constexpr std::string_view invalid[] = {
      "",
      ":",
      "127.0.0.1",
      "127.0.0.1:",
      ":80",
      "127.0.0.1:65536",
      "127.0.0.1:99999999999",
      "127.0.0.1:-1",
      "127.0.0.1:+80",
      "127.0.0.1:080",
      "127.0.0.1:0x50",
      "127.0.0.1:80:80",
      " 127.0.0.1:8080",
      "127.0.0.1:8080 ",
      "127.0.0.1 :8080",
      "127.0.0.1: 8080",
      "127.0.0.1:8080\n",
      "\t127.0.0.1:8080",
      "256.0.0.1:80",
      "1.2.3.999:80",
      "1.2.3:80",
      "1.2.3.4.5:80",
      "1..3.4:80",
      ".1.2.3:80",
      "1.2.3.4.:80",
      "01.2.3.4:80",
      "1.2.3.04:80",
      "+1.2.3.4:80",
      "a.b.c.d:80",
      "0x7f.0.0.1:80",
      "2130706433:80",
      "localhost:80",
      "example.com:80",
      "::1:80",
      "::1",
      "[::1]",
      "[::1]:",
      "[::1]80",
      "[::1:80",
      "::1]:80",
      "[]:80",
      "[ ::1]:80",
      "[::1 ]:80",
      "[::1] :80",
      "[::g]:80",
      "[1:2:3:4:5:6:7:8:9]:80",
      "[12345::1]:80",
      "[127.0.0.1]:80",
      "[::1]:65536",
      "[::1]:8080x",
      "[[::1]]:80",
      "[::1%]:80",
      "[fe80::1%no-such-if0]:80",
      "[fe80::1%lo ]:80",
      "[fe80::1%a-name-far-too-long-for-an-interface]:80",
      "[fe80::1%99999999999]:80",
      "[fe80::1%lo%lo]:80",
      "127.0.0.1\0:80"sv,
      "[::1\0]:80"sv,
      "[::1]:80\0"sv,
      "[fe80::1%lo\0x]:80"sv,
  };
  for (const std::string_view text : invalid) {
    SCOPED_TRACE(testing::PrintToString(std::string(text)));
    kov::result<socket_address> a = socket_address::parse(text);
    ASSERT_FALSE(a) << a->to_string();
    EXPECT_EQ(a.error(), std::errc::invalid_argument);
  }
}

TEST(socket_address, printed_literals_parse_back_to_the_same_address) {
  for (const valid_case& c : valid_cases) {
    SCOPED_TRACE(c.text);
    const socket_address a = parsed(c.text);
    const std::string printed = a.to_string();
    const socket_address again = parsed(printed);
    EXPECT_EQ(again, a);
    EXPECT_EQ(again.to_string(), printed);
  }
}

TEST(socket_address, factories) {
  EXPECT_EQ(socket_address::ipv4({192, 168, 1, 20}, 443).to_string(), "192.168.1.20:443");
  EXPECT_EQ(socket_address::ipv4_loopback(8080), parsed("127.0.0.1:8080"));
  EXPECT_EQ(socket_address::ipv4_any(0), parsed("0.0.0.0:0"));
  EXPECT_EQ(socket_address::ipv6_loopback(8080), parsed("[::1]:8080"));
  EXPECT_EQ(socket_address::ipv6_any(9), parsed("[::]:9"));
  EXPECT_EQ(socket_address::ipv6_loopback(1).to_string(), "[::1]:1");

  // The bytes are the socket API's: network order, as written.
  const socket_address a = socket_address::ipv4({10, 1, 2, 3}, 0x1234);
  sockaddr_in in{};
  std::memcpy(&in, a.native(), sizeof(in));
  EXPECT_EQ(in.sin_family, AF_INET);
  EXPECT_EQ(ntohl(in.sin_addr.s_addr), 0x0a010203U);
  EXPECT_EQ(ntohs(in.sin_port), 0x1234);
}

TEST(socket_address, empty_by_default) {
  const socket_address a;
  EXPECT_EQ(a.family(), AF_UNSPEC);
  EXPECT_EQ(a.size(), 0U);
  EXPECT_EQ(a.port(), 0);
  EXPECT_FALSE(a.is_ipv4() || a.is_ipv6() || a.is_unix());
  EXPECT_EQ(a.to_string(), "(unspecified)");
  EXPECT_EQ(a, socket_address{});
  EXPECT_EQ(a, socket_address::from_native(nullptr, 0));
  EXPECT_EQ(a.with_port(80), a);
}

TEST(socket_address, with_port_changes_only_the_port) {
  const socket_address v4 = parsed("10.0.0.1:80");
  EXPECT_EQ(v4.with_port(8080), parsed("10.0.0.1:8080"));
  EXPECT_EQ(v4.with_port(80), v4);
  const socket_address v6 = parsed("[fe80::1%lo]:80");
  EXPECT_EQ(v6.with_port(0).to_string(), "[fe80::1%lo]:0");
  const socket_address path = *socket_address::unix_path("/run/x.sock");
  EXPECT_EQ(path.with_port(80), path);
  EXPECT_EQ(path.port(), 0);
}

TEST(socket_address, equality) {
  const socket_address a = parsed("127.0.0.1:80");
  const socket_address copy = a;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy, a);
  EXPECT_NE(a, parsed("127.0.0.1:81"));
  EXPECT_NE(a, parsed("127.0.0.2:80"));
  EXPECT_NE(a, parsed("[::ffff:127.0.0.1]:80"));  // another family, though the same host
  EXPECT_NE(parsed("[::1]:80"), parsed("[::2]:80"));
  EXPECT_NE(*socket_address::unix_path("/a"), *socket_address::unix_path("/b"));
  EXPECT_NE(*socket_address::unix_path("/a"), *socket_address::unix_path("@/a"));
  EXPECT_NE(*socket_address::unix_path("@a"), *socket_address::unix_path("@a\0"sv));

  // sin_zero padding does not count.
  sockaddr_in in{};
  std::memcpy(&in, a.native(), sizeof(in));
  in.sin_zero[3] = 7;
  // Safety: a sockaddr_in is passed to the socket API as a sockaddr*; sizeof(in) bytes.
  EXPECT_EQ(socket_address::from_native(reinterpret_cast<const sockaddr*>(&in), sizeof(in)), a);

  // A path with and without its terminating NUL in the length is the same address.
  const socket_address path = *socket_address::unix_path("/tmp/s");
  const socket_address unterminated = socket_address::from_native(path.native(), path.size() - 1);
  EXPECT_EQ(unterminated, path);
  EXPECT_EQ(unterminated.to_string(), "/tmp/s");
}

TEST(socket_address, unix_paths) {
  kov::result<socket_address> path = socket_address::unix_path("/tmp/kov.sock");
  ASSERT_TRUE(path);
  EXPECT_TRUE(path->is_unix());
  EXPECT_EQ(path->family(), AF_UNIX);
  EXPECT_EQ(path->port(), 0);
  EXPECT_EQ(path->to_string(), "/tmp/kov.sock");
  EXPECT_EQ(path->size(), offsetof(sockaddr_un, sun_path) + 14);  // with the NUL

  EXPECT_EQ(socket_address::unix_path("relative/kov.sock")->to_string(), "relative/kov.sock");

  kov::result<socket_address> abstract = socket_address::unix_path("@kov");
  ASSERT_TRUE(abstract);
  EXPECT_EQ(abstract->to_string(), "@kov");
  EXPECT_EQ(abstract->size(), offsetof(sockaddr_un, sun_path) + 4);  // no NUL at the end
  sockaddr_un un{};
  std::memcpy(&un, abstract->native(), abstract->size());
  EXPECT_EQ(un.sun_path[0], '\0');
  EXPECT_EQ(std::string_view(un.sun_path + 1, 3), "kov");

  // Abstract names are bytes: NULs included, and empty is a name too.
  const std::string_view binary = "@a\0b"sv;
  EXPECT_EQ(socket_address::unix_path(binary)->to_string(), binary);
  EXPECT_EQ(socket_address::unix_path("@")->to_string(), "@");

  for (const std::string_view text : {"/tmp/kov.sock"sv, "@kov"sv, "@a\0b"sv, "@"sv, "x"sv}) {
    const socket_address a = *socket_address::unix_path(text);
    EXPECT_EQ(*socket_address::unix_path(a.to_string()), a);
  }
}

TEST(socket_address, unix_path_limits) {
  EXPECT_EQ(socket_address::unix_path("").error(), std::errc::invalid_argument);
  EXPECT_EQ(socket_address::unix_path("/tmp/a\0b"sv).error(), std::errc::invalid_argument);

  const std::size_t room = sizeof(sockaddr_un::sun_path) - 1;  // 107 on Linux
  const std::string longest(room, 'p');
  ASSERT_TRUE(socket_address::unix_path(longest));
  EXPECT_EQ(socket_address::unix_path(longest)->to_string(), longest);
  EXPECT_EQ(socket_address::unix_path(longest + "p").error(), std::errc::filename_too_long);

  const std::string longest_abstract = "@" + longest;
  ASSERT_TRUE(socket_address::unix_path(longest_abstract));
  EXPECT_EQ(socket_address::unix_path(longest_abstract)->size(), sizeof(sockaddr_un));
  EXPECT_EQ(socket_address::unix_path(longest_abstract + "p").error(),
            std::errc::filename_too_long);
}

TEST(socket_address, from_native_caps_the_size) {
  // A length past sockaddr_storage (a truncated address) keeps what fits.
  struct {
    sockaddr_storage storage;
    char more[16];
  } big{};
  big.storage.ss_family = AF_INET6;
  // Safety: `big` starts with a sockaddr_storage and holds sizeof(big) readable bytes.
  const socket_address a =
      socket_address::from_native(reinterpret_cast<const sockaddr*>(&big), sizeof(big));
  EXPECT_EQ(a.size(), sizeof(sockaddr_storage));
  EXPECT_TRUE(a.is_ipv6());
}

TEST(socket_address, bound_tcp_socket_reads_back_through_getsockname) {
  const unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(fd.get(), 0);
  const socket_address wanted = parsed("127.0.0.1:0");
  ASSERT_EQ(::bind(fd.get(), wanted.native(), wanted.size()), 0) << std::strerror(errno);

  const socket_address bound = local_address_of(fd.get());
  EXPECT_TRUE(bound.is_ipv4());
  EXPECT_NE(bound.port(), 0);  // the kernel picked one
  EXPECT_EQ(bound.with_port(0), wanted);
  EXPECT_EQ(bound, parsed("127.0.0.1:" + std::to_string(bound.port())));
  EXPECT_EQ(parsed(bound.to_string()), bound);
}

TEST(socket_address, accept_fills_in_the_peer_through_native_mut) {
  const unique_fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(listener.get(), 0);
  const socket_address any_port = socket_address::ipv4_loopback(0);
  ASSERT_EQ(::bind(listener.get(), any_port.native(), any_port.size()), 0);
  ASSERT_EQ(::listen(listener.get(), 1), 0);
  const socket_address server = local_address_of(listener.get());

  const unique_fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client.get(), server.native(), server.size()), 0) << std::strerror(errno);

  socket_address peer = socket_address::ipv6_loopback(1);  // overwritten whole
  const unique_fd conn(::accept4(listener.get(), peer.native_mut(), peer.size_mut(), SOCK_CLOEXEC));
  ASSERT_GE(conn.get(), 0) << std::strerror(errno);
  EXPECT_TRUE(peer.is_ipv4());
  EXPECT_EQ(peer.size(), sizeof(sockaddr_in));
  EXPECT_EQ(peer, local_address_of(client.get()));
}

TEST(socket_address, recvfrom_fills_in_the_sender_through_native_mut) {
  const unique_fd a(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const unique_fd b(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(a.get(), 0);
  ASSERT_GE(b.get(), 0);
  const socket_address any_port = parsed("127.0.0.1:0");
  ASSERT_EQ(::bind(a.get(), any_port.native(), any_port.size()), 0);
  ASSERT_EQ(::bind(b.get(), any_port.native(), any_port.size()), 0);
  const socket_address to = local_address_of(b.get());

  const char message = 'x';
  ASSERT_EQ(::sendto(a.get(), &message, 1, 0, to.native(), to.size()), 1);
  char got = 0;
  socket_address from;
  ASSERT_EQ(::recvfrom(b.get(), &got, 1, 0, from.native_mut(), from.size_mut()), 1);
  EXPECT_EQ(got, 'x');
  EXPECT_EQ(from, local_address_of(a.get()));
}

TEST(socket_address, bound_ipv6_socket_reads_back_through_getsockname) {
  const unique_fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) GTEST_SKIP() << "no IPv6: " << std::strerror(errno);
  const socket_address wanted = parsed("[::1]:0");
  if (::bind(fd.get(), wanted.native(), wanted.size()) != 0) {
    GTEST_SKIP() << "no IPv6 loopback: " << std::strerror(errno);
  }
  const socket_address bound = local_address_of(fd.get());
  EXPECT_TRUE(bound.is_ipv6());
  EXPECT_NE(bound.port(), 0);
  EXPECT_EQ(bound.with_port(0), wanted);
  EXPECT_EQ(parsed(bound.to_string()), bound);
}

TEST(socket_address, bound_unix_sockets_read_back_through_getsockname) {
  char dir_template[] = "/tmp/kov-address-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  ASSERT_NE(dir, nullptr);
  const std::string path = std::string(dir) + "/s";
  {
    const unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_GE(fd.get(), 0);
    const socket_address wanted = *socket_address::unix_path(path);
    ASSERT_EQ(::bind(fd.get(), wanted.native(), wanted.size()), 0) << std::strerror(errno);
    const socket_address bound = local_address_of(fd.get());
    EXPECT_EQ(bound, wanted);
    EXPECT_EQ(bound.size(), wanted.size());
    EXPECT_EQ(bound.to_string(), path);
  }
  ::unlink(path.c_str());
  ::rmdir(dir);

  const unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(fd.get(), 0);
  const std::string name = "@kov-address-test-" + std::to_string(::getpid());
  const socket_address wanted = *socket_address::unix_path(name);
  ASSERT_EQ(::bind(fd.get(), wanted.native(), wanted.size()), 0) << std::strerror(errno);
  const socket_address bound = local_address_of(fd.get());
  EXPECT_EQ(bound, wanted);
  EXPECT_EQ(bound.to_string(), name);
}

TEST(socket_address, unbound_unix_socket_is_unnamed) {
  int fds[2] = {-1, -1};
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  const unique_fd a(fds[0]);
  const unique_fd b(fds[1]);
  const socket_address unnamed = local_address_of(a.get());
  EXPECT_TRUE(unnamed.is_unix());
  EXPECT_EQ(unnamed.to_string(), "(unnamed)");
  EXPECT_EQ(unnamed, local_address_of(b.get()));
  EXPECT_NE(unnamed, *socket_address::unix_path("@"));
}

}  // namespace
