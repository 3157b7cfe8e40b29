// tcp_stream::connect by name: split HOST:PORT, resolve, then try the addresses with Happy
// Eyeballs (RFC 8305): families interleaved, a new attempt every 250 ms while none has won.
#include <kov/net/tcp.hpp>
#include <kov/notify.hpp>
#include <kov/scope.hpp>
#include <kov/time.hpp>

#include <string_view>
#include <utility>
#include <vector>

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

// RFC 8305's "Connection Attempt Delay": how long an attempt runs alone before the next
// address is tried beside it.
constexpr auto attempt_delay = std::chrono::milliseconds(250);

// RFC 8305 section 4: the resolver's order, with the two families taking turns (starting with
// the family of the first address), so a broken IPv6 path delays IPv4 by one attempt delay.
std::vector<socket_address> interleave_families(const std::vector<socket_address>& addrs) {
  std::vector<socket_address> first;
  std::vector<socket_address> other;
  for (const socket_address& a : addrs) {
    (a.family() == addrs.front().family() ? first : other).push_back(a);
  }
  std::vector<socket_address> out;
  out.reserve(addrs.size());
  for (std::size_t i = 0; i < first.size() || i < other.size(); ++i) {
    if (i < first.size()) out.push_back(first[i]);
    if (i < other.size()) out.push_back(other[i]);
  }
  return out;
}

// The attempts of one connect by name: the first connection wins; the error of the attempt
// that failed last stands when none does.
struct attempt_race {
  std::optional<tcp_stream> winner;
  std::error_code last_error = make_error_code(dns_errc::no_data);
  std::size_t running = 0;
  notify changed;  // an attempt ended
};

task<void> attempt(socket_address to, std::optional<clock::time_point> deadline,
                   attempt_race& race) {
  // Not `deadline ? co_await ... : co_await ...`: GCC 12 miscompiles a co_await in a
  // conditional expression.
  task<result<tcp_stream>> connecting;
  if (deadline) {
    connecting = tcp_stream::connect(to, *deadline - clock::now());
  } else {
    connecting = tcp_stream::connect(to);
  }
  auto s = co_await std::move(connecting);
  --race.running;
  if (s && !race.winner) {
    race.winner = std::move(*s);
  } else if (!s) {
    race.last_error = s.error();
  }
  race.changed.notify_one();
}

task<void> attempt_ended(attempt_race& race) {
  co_await race.changed.notified();
}

// Happy Eyeballs (RFC 8305): starts the next address when the running attempts have all failed
// or after attempt_delay, whichever is first; the first connection wins and the other attempts
// are aborted (their sockets closed).
task<result<tcp_stream>> connect_racing(std::vector<socket_address> addrs,
                                        std::optional<clock::time_point> deadline) {
  attempt_race race;
  scope attempts;  // declared after `race`: the attempts are gone before it is
  std::size_t next = 0;
  while (!race.winner) {
    if (next < addrs.size()) {  // the first address, or: one failed, or the delay passed
      ++race.running;
      attempts.spawn(attempt(addrs[next++], deadline, race), "kov-connect-attempt");
    }
    if (race.running == 0) break;  // every address failed
    if (next < addrs.size()) {
      (void)co_await timeout(attempt_delay, attempt_ended(race));
    } else {
      co_await attempt_ended(race);
    }
  }
  if (!race.winner) co_return race.last_error;
  co_return std::move(*race.winner);
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
  if (addrs->size() == 1) {
    co_return co_await connect_until(addrs->front(), deadline);
  }
  co_return co_await connect_racing(interleave_families(*addrs), deadline);
}

}  // namespace kov::net
