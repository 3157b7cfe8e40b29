// Fuzzes kov::net::socket_address's text forms: parse() of any text either fails with
// invalid_argument or gives an IPv4 or IPv6 address whose to_string() parses back to the same
// address; an IPv4 result's host part is what inet_pton reads too. unix_path() of any bytes
// either fails with the documented error or round-trips through to_string().
#include <kov/net/address.hpp>

#include "fuzz_check.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using kov_fuzz::require;

using kov::net::socket_address;

void check_parse(std::string_view text) {
  auto a = socket_address::parse(text);
  if (!a) {
    require(a.error() == std::errc::invalid_argument);
    return;
  }
  require(a->is_ipv4() || a->is_ipv6());
  const std::string printed = a->to_string();
  auto again = socket_address::parse(printed);
  require(again && *again == *a && again->to_string() == printed);
  if (a->is_ipv4()) {
    const std::string host(text.substr(0, text.rfind(':')));
    in_addr raw{};
    require(::inet_pton(AF_INET, host.c_str(), &raw) == 1);
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->native());
    require(in->sin_addr.s_addr == raw.s_addr);
  }
}

void check_unix(std::string_view path) {
  auto a = socket_address::unix_path(path);
  if (!a) {
    require(a.error() == std::errc::invalid_argument || a.error() == std::errc::filename_too_long);
    return;
  }
  require(a->is_unix());
  const std::string printed = a->to_string();
  auto again = socket_address::unix_path(printed);
  require(again && *again == *a);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_parse(text);
  check_unix(text);
  return 0;
}
