// What the kov suite's load clients (kov-echo-load, kov-tls-handshake-load) share: failing with
// a message, the monotonic clock, `--connect HOST:PORT`, percentiles and contract lines.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace load_common {

// Prints "PROGRAM: message" on stderr and exits with status 1.
[[noreturn]] __attribute__((format(printf, 1, 2))) inline void fail(const char* fmt, ...) {
  std::fprintf(stderr, "%s: ", program_invocation_short_name);
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::exit(1);
}

inline std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The options every load client takes; a client's own options extend it.
struct common_options {
  std::string host;  // empty after a --connect without a colon
  int port = 0;
  int connections = 50;
  double duration_s = 10;
  std::string scenario;
  std::string impl = "unknown";
  int round = 0;
};

// Takes `--connect HOST:PORT`, `--connections C`, `--duration S`, `--scenario NAME`,
// `--impl NAME`, `--round R` into `o`; false for any other option.
inline bool parse_common(const std::string& arg, const char* value, common_options& o) {
  if (arg == "--connect") {
    const std::string addr = value;
    const auto colon = addr.rfind(':');
    o.host = colon == std::string::npos ? std::string() : addr.substr(0, colon);
    o.port = colon == std::string::npos ? 0 : std::atoi(addr.c_str() + colon + 1);
  } else if (arg == "--connections") {
    o.connections = std::atoi(value);
  } else if (arg == "--duration") {
    o.duration_s = std::atof(value);
  } else if (arg == "--scenario") {
    o.scenario = value;
  } else if (arg == "--impl") {
    o.impl = value;
  } else if (arg == "--round") {
    o.round = std::atoi(value);
  } else {
    return false;
  }
  return true;
}

// The common options make sense: a host, a port, connections, a duration.
inline bool common_valid(const common_options& o) {
  return !o.host.empty() && o.port > 0 && o.port <= 65535 && o.connections > 0 && o.duration_s > 0;
}

// The p-th percentile (0 < p <= 1, nearest rank) of latencies in ns, in us; reorders them.
inline double percentile_us(std::vector<std::int64_t>& latencies_ns, double p) {
  const std::size_t n = latencies_ns.size();
  std::size_t rank = static_cast<std::size_t>(p * static_cast<double>(n) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, n);
  auto nth = latencies_ns.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(latencies_ns.begin(), nth, latencies_ns.end());
  return static_cast<double>(*nth) / 1e3;
}

// One contract line of the kov suite on stdout (bench/README.md).
inline void contract_line(const std::string& scenario, const std::string& impl, const char* metric,
                          const char* unit, double value, int round) {
  std::printf(
      "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\","
      "\"value\":%.3f,\"round\":%d}\n",
      scenario.c_str(), impl.c_str(), metric, unit, value, round);
}

}  // namespace load_common
