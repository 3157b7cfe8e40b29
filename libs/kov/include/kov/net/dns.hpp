// DNS: kov::net::resolve, every address of a host name, from /etc/hosts or a DNS server, on
// the runtime's own thread (c-ares driven by kov's reactor: no thread, cancellable).
//
//   auto addrs = co_await kov::net::resolve("example.com", "443");
//   if (!addrs) return addrs.error();           // dns_errc::host_not_found, timed_out, ...
//   for (const auto& a : *addrs) log(a.to_string());   // "[2606:2800::1]:443", ...
//
//   kov::net::resolve_options o;                // ask one server, give up after 500 ms
//   o.server = kov::net::socket_address::parse("127.0.0.1:5353").value();
//   o.timeout = 500ms;
//   auto test_addrs = co_await kov::net::resolve("alpha.test", "80", o);
#pragma once

#include <kov/export.hpp>
#include <kov/net/address.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace kov::net {

/// Why a lookup failed, in its own category ("kov.dns"). dns_errc::timed_out compares equal to
/// std::errc::timed_out.
enum class dns_errc : int {
  host_not_found = 1,  ///< no such name (NXDOMAIN, and not in /etc/hosts)
  no_data,             ///< the name exists but has no address
  timed_out,           ///< no answer before the lookup's timeout
  refused,             ///< the server refused the query (REFUSED)
  server_failure,      ///< the server failed (SERVFAIL)
  unreachable,         ///< no server gave an answer: refused at the socket, or (c-ares 1.18)
                       ///< every server answered REFUSED or SERVFAIL
  bad_name,            ///< empty, a NUL byte, or malformed
  bad_service,         ///< the service is neither a port number nor in /etc/services
  bad_response,        ///< a malformed answer (or the server called the query malformed)
  failure,             ///< anything else c-ares reports
};

/// The category of dns_errc values ("kov.dns"), one static object.
KOV_API const std::error_category& dns_category() noexcept;
/// A static, NUL-terminated description of `e` (what dns_category().message says).
KOV_API const char* dns_description(dns_errc e) noexcept;

/// A dns_errc as a std::error_code in dns_category() (found by ADL for std::error_code's
/// converting constructor).
inline std::error_code make_error_code(dns_errc e) noexcept {
  return {static_cast<int>(e), dns_category()};
}

/// How resolve() looks a name up: which server, how long, whether /etc/hosts counts. Lookups
/// with the same server and hosts_file share a c-ares channel.
struct resolve_options {
  /// The server to ask (an IP literal with its port, any port) instead of /etc/resolv.conf's.
  std::optional<socket_address> server;
  /// The whole lookup gives up with dns_errc::timed_out after this long (at most a year).
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);
  /// Look in /etc/hosts before asking DNS (as getaddrinfo does); false: DNS only.
  bool hosts_file = true;
};

/// Every IPv4 and IPv6 address of `host` with the port of `service` (a number or a name from
/// /etc/services; empty: port 0), in the order getaddrinfo would give them (RFC 6724 sorting).
/// An IP literal comes back as itself without a lookup. Errors are values: dns_errc, or
/// errc::no_runtime outside a runtime.
///
/// Lookups run on c-ares channels of the runtime, one per set of options (server, hosts_file),
/// made on first use (reading /etc/resolv.conf then) and kept until the runtime is destroyed.
/// Aborting the awaiting task (or its timeout) gives its query up at once: when no other
/// lookup of that channel is in flight, c-ares cancels it and closes its sockets; otherwise it
/// runs to c-ares's own end and the answer is dropped. Nothing outlives the runtime.
/// The text is copied before this returns: the caller's strings need not outlive the task.
KOV_API task<result<std::vector<socket_address>>> resolve(std::string_view host,
                                                          std::string_view service,
                                                          resolve_options options = {});

}  // namespace kov::net

/// @cond
template <>
struct std::is_error_code_enum<kov::net::dns_errc> : std::true_type {};
/// @endcond
