// tcp_stream::connect by name: split HOST:PORT, resolve, try each address in turn.
#include <kov/net/tcp.hpp>

#include <string_view>
#include <utility>

namespace kov::net {
namespace {

struct host_port_parts {
  std::string host;
  std::string service;
};

// "name:80" -> {"name", "80"}; "[v6 text]:80" -> {"v6 text", "80"}. Empty parts, and an
// unbracketed host holding a ':', are std::errc::invalid_argument.
result<host_port_parts> split_host_port(std::string_view text) {
  const auto invalid = std::make_error_code(std::errc::invalid_argument);
  std::string_view host;
  std::string_view service;
  if (text.starts_with('[')) {
    const std::size_t close = text.find("]:");
    if (close == std::string_view::npos) return invalid;
    host = text.substr(1, close - 1);
    service = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid;
    host = text.substr(0, colon);
    service = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return invalid;
  }
  if (host.empty() || service.empty()) return invalid;
  return host_port_parts{std::string(host), std::string(service)};
}

clock::time_point after(std::chrono::nanoseconds d) {
  return clock::now() + std::chrono::duration_cast<clock::duration>(d);
}

}  // namespace

task<result<tcp_stream>> tcp_stream::connect(std::string_view host_port) {
  return connect_by_name(std::string(host_port), resolve_options{}, std::nullopt);
}

task<result<tcp_stream>> tcp_stream::connect(std::string_view host_port,
                                             std::chrono::nanoseconds timeout) {
  resolve_options dns;
  dns.timeout = timeout;
  return connect_by_name(std::string(host_port), dns, after(timeout));
}

task<result<tcp_stream>> tcp_stream::connect(std::string_view host_port, resolve_options dns) {
  return connect_by_name(std::string(host_port), dns, std::nullopt);
}

task<result<tcp_stream>> tcp_stream::connect_by_name(std::string host_port, resolve_options dns,
                                                     std::optional<clock::time_point> deadline) {
  // An IP literal needs no lookup.
  if (auto literal = socket_address::parse(host_port)) {
    co_return co_await connect_until(*literal, deadline);
  }
  auto parts = split_host_port(host_port);
  if (!parts) co_return parts.error();
  auto addrs = co_await resolve(parts->host, parts->service, dns);
  if (!addrs) co_return addrs.error();
  std::error_code last = dns_errc::no_data;
  for (const socket_address& to : *addrs) {
    auto s = co_await connect_until(to, deadline);
    if (s) co_return std::move(*s);
    last = s.error();
    if (deadline && clock::now() >= *deadline) break;  // no time left for the next address
  }
  co_return last;
}

}  // namespace kov::net
