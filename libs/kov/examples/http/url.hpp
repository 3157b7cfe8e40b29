// The URLs kov-get takes, `http(s)://host[:port][/path][?query]`, split into what the request
// needs. Header-only and allocation-free apart from the result's strings, for unit tests.
//
//   std::string why;
//   auto u = http::parse_url("http://localhost:8080/index.html", why);
//   if (!u) fail(why);                 // "only http:// URLs are supported", ...
//   connect(u->host_port);             // "localhost:8080"; request u->target, Host: u->authority
#pragma once

#include "request_parser.hpp"  // detail::is, target_char

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace http {

struct url {
  std::string host_port;  // for tcp_stream::connect: "example.com:80", "[::1]:8080"
  std::string authority;  // for the Host field: the port only when it is not the default
  std::string target;     // the request-target: path and query, "/" when the URL has no path
  std::string host;       // the name or address alone (no brackets): for TLS's checks and SNI
  bool tls = false;       // https://
};

// The URL, or nullopt with the reason in `why`. No user info, no fragment (dropped, as a
// browser does). https:// defaults to port 443.
inline std::optional<url> parse_url(std::string_view text, std::string& why) {
  constexpr std::string_view http_scheme = "http://";
  constexpr std::string_view https_scheme = "https://";
  const bool tls = text.substr(0, https_scheme.size()) == https_scheme;
  if (!tls && text.substr(0, http_scheme.size()) != http_scheme) {
    why = text.find("://") == std::string_view::npos
              ? "expected http(s)://host[:port]/path"
              : "only http:// and https:// URLs are supported";
    return std::nullopt;
  }
  text.remove_prefix(tls ? https_scheme.size() : http_scheme.size());
  const std::uint32_t default_port = tls ? 443 : 80;
  if (const std::size_t hash = text.find('#'); hash != std::string_view::npos) {
    text = text.substr(0, hash);
  }
  const std::size_t path_at = text.find_first_of("/?");
  const std::string_view authority = text.substr(0, path_at);
  std::string target(path_at == std::string_view::npos ? "/" : text.substr(path_at));
  if (target.front() == '?') target.insert(0, "/");
  for (const char c : target) {
    if (!detail::is(c, detail::target_char)) {
      why = "the path holds a space or a control character";
      return std::nullopt;
    }
  }
  if (authority.find('@') != std::string_view::npos) {
    why = "user names in URLs are not supported";
    return std::nullopt;
  }

  // host = "[" IPv6 "]" / name or IPv4; then [":" port]
  std::size_t host_end = 0;
  if (!authority.empty() && authority.front() == '[') {
    host_end = authority.find(']');
    if (host_end == std::string_view::npos) {
      why = "an IPv6 address without its ']'";
      return std::nullopt;
    }
    ++host_end;
  } else {
    host_end = std::min(authority.find(':'), authority.size());
  }
  const std::string_view host = authority.substr(0, host_end);
  if (host.empty() || host == "[]") {
    why = "no host name";
    return std::nullopt;
  }
  std::string_view port_text = authority.substr(host_end);
  std::uint32_t port = default_port;
  if (!port_text.empty()) {
    if (port_text.front() != ':') {
      why = "text after the host name";
      return std::nullopt;
    }
    port_text.remove_prefix(1);
    port = 0;
    for (const char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) break;
      port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    const bool all_digits = port_text.find_first_not_of("0123456789") == std::string_view::npos;
    if (port_text.empty() || !all_digits || port == 0 || port > 65535) {
      why = "the port must be a number from 1 to 65535";
      return std::nullopt;
    }
  }
  url u;
  u.host_port = std::string(host) + ":" + std::to_string(port);
  u.authority = port == default_port ? std::string(host) : u.host_port;
  u.target = std::move(target);
  u.host = host.front() == '[' ? std::string(host.substr(1, host.size() - 2)) : std::string(host);
  u.tls = tls;
  return u;
}

}  // namespace http
