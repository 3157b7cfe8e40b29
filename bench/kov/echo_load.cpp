// kov-echo-load: the client of the kov suite's echo scenarios (echo_c50, echo_c1000,
// echo_pipelined16_c256, idle_c10k), the same for every server, so it uses plain epoll on one
// thread and nothing of kov.
// C connections each loop: send DEPTH messages of SIZE bytes in one write (DEPTH in flight),
// wait until all came back, check they are the bytes sent, record the round-trip time. After a
// warm-up it measures for DURATION seconds and prints contract lines on stdout (bench/README.md):
//   req_per_s (messages echoed per second, req/s), latency_p50 and latency_p99 (us, per batch
//   of DEPTH messages).
// With --idle-rss-of PID it measures memory instead: every connection does one round trip and
// then stays open and idle; it prints rss_per_conn (bytes), the growth of PID's resident set
// from before the first connect to after the last echo, divided by C.
// Usage: kov-echo-load --connect HOST:PORT [--connections C] [--size BYTES] [--depth D]
//                      [--duration S] [--warmup S] [--idle-rss-of PID]
//                      [--scenario NAME] [--impl NAME] [--round R]
// Exit status 1 with the reason on stderr when it cannot connect, when the server closes a
// connection or fails it, when an echo differs from what was sent, or when nothing came back.
#include "load_common.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

namespace {

struct options : load_common::common_options {
  std::size_t size = 512;
  std::size_t depth = 1;
  long idle_rss_of = 0;  // a pid: the idle memory mode
  double warmup_s = 1;
};

using load_common::fail;
using load_common::now_ns;

[[noreturn]] void usage() {
  std::fprintf(
      stderr,
      "usage: kov-echo-load --connect HOST:PORT [--connections C] [--size BYTES] [--depth D]\n"
      "         [--duration S] [--warmup S] [--idle-rss-of PID]\n"
      "         [--scenario NAME] [--impl NAME] [--round R]\n");
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  o.scenario = "echo";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage();
    const char* value = argv[++i];
    if (load_common::parse_common(arg, value, o)) continue;
    if (arg == "--size") {
      o.size = static_cast<std::size_t>(std::atol(value));
    } else if (arg == "--depth") {
      o.depth = static_cast<std::size_t>(std::atol(value));
    } else if (arg == "--idle-rss-of") {
      o.idle_rss_of = std::atol(value);
    } else if (arg == "--warmup") {
      o.warmup_s = std::atof(value);
    } else {
      usage();
    }
  }
  if (!load_common::common_valid(o) || o.size == 0 || o.depth == 0 || o.idle_rss_of < 0 ||
      o.warmup_s < 0) {
    usage();
  }
  return o;
}

// One connection's round trip in progress. The payload changes with every round trip (and
// between connections), so a stale or misrouted echo cannot pass the check.
struct connection {
  int fd = -1;
  std::uint32_t id = 0;
  std::uint32_t seq = 0;
  std::vector<unsigned char> out, in;
  std::size_t written = 0, received = 0;
  std::int64_t started_ns = 0;
  bool wants_out = false;  // registered for EPOLLOUT (a write is unfinished)
};

class load {
 public:
  explicit load(const options& o) : o_(o), conns_(static_cast<std::size_t>(o.connections)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) fail("epoll_create1: %s", std::strerror(errno));
    raise_fd_limit();
    if (o.idle_rss_of > 0) rss_before_ = resident_bytes(o.idle_rss_of);
    for (std::size_t i = 0; i < conns_.size(); ++i) open(conns_[i], static_cast<std::uint32_t>(i));
  }

  void run() {
    const std::int64_t begin = now_ns();
    window_start_ = begin + static_cast<std::int64_t>(o_.warmup_s * 1e9);
    window_end_ = window_start_ + static_cast<std::int64_t>(o_.duration_s * 1e9);
    latencies_ns_.reserve(1u << 22);
    for (auto& c : conns_) start_round_trip(c, begin);
    std::vector<epoll_event> events(conns_.size());
    for (std::int64_t now = begin; now < window_end_; now = now_ns()) {
      const int timeout_ms = static_cast<int>((window_end_ - now) / 1'000'000 + 1);
      serve_events(events, timeout_ms);
    }
    for (auto& c : conns_) close(c.fd);
  }

  // The idle memory mode: one round trip on every connection, then the server's growth.
  void idle() {
    const std::int64_t begin = now_ns();
    window_start_ = begin;
    window_end_ = std::numeric_limits<std::int64_t>::max();
    stop_after_one_ = true;
    for (auto& c : conns_) start_round_trip(c, begin);
    std::vector<epoll_event> events(1024);
    while (idle_done_ < conns_.size()) {
      if (now_ns() - begin > 60'000'000'000) {
        fail("%s: only %zu of %zu connections echoed within 60 s", o_.impl.c_str(), idle_done_,
             conns_.size());
      }
      serve_events(events, 1000);
    }
    const double after = resident_bytes(o_.idle_rss_of);
    const double per_conn = (after - rss_before_) / static_cast<double>(conns_.size());
    emit("rss_per_conn", "bytes", per_conn);
    std::fprintf(stderr,
                 "kov-echo-load: %s %s: %d idle connections: server RSS %.1f -> %.1f MiB, "
                 "%.0f B per connection\n",
                 o_.impl.c_str(), o_.scenario.c_str(), o_.connections, rss_before_ / 1048576.0,
                 after / 1048576.0, per_conn);
    for (auto& c : conns_) close(c.fd);
  }

  void report() {
    const std::size_t n = latencies_ns_.size();
    if (n == 0)
      fail("%s: no round trip completed in the %.1f s measured", o_.impl.c_str(), o_.duration_s);
    const double rate = static_cast<double>(n * o_.depth) / o_.duration_s;
    const double p50 = percentile_us(0.50);
    const double p99 = percentile_us(0.99);
    emit("req_per_s", "req/s", rate);
    emit("latency_p50", "us", p50);
    emit("latency_p99", "us", p99);
    std::fprintf(stderr,
                 "kov-echo-load: %s %s: %d connections, %zu x %zu B, %.1f s: %zu round trips, "
                 "%.0f messages/s, p50 %.1f us, p99 %.1f us\n",
                 o_.impl.c_str(), o_.scenario.c_str(), o_.connections, o_.depth, o_.size,
                 o_.duration_s, n, rate, p50, p99);
  }

 private:
  // One epoll_wait (up to timeout_ms) and the writes and reads it allows.
  void serve_events(std::vector<epoll_event>& events, int timeout_ms) {
    const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
    for (int k = 0; k < n; ++k) {
      const epoll_event& e = events[static_cast<std::size_t>(k)];
      connection& c = conns_[e.data.u32];
      if (e.events & EPOLLOUT) write_some(c);
      if (e.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_some(c);
    }
  }

  // VmRSS of a process, in bytes.
  static double resident_bytes(long pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) fail("cannot read %s: %s", path.c_str(), std::strerror(errno));
    char line[256];
    double kib = -1;
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::strncmp(line, "VmRSS:", 6) == 0) kib = std::atof(line + 6);
    }
    std::fclose(f);
    if (kib < 0) fail("no VmRSS in %s", path.c_str());
    return kib * 1024;
  }

  void raise_fd_limit() {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    const rlim_t needed = static_cast<rlim_t>(o_.connections) + 32;
    if (lim.rlim_cur >= needed) return;
    if (lim.rlim_max < needed) {
      fail("%d connections need %lu file descriptors; the hard limit is %lu", o_.connections,
           static_cast<unsigned long>(needed), static_cast<unsigned long>(lim.rlim_max));
    }
    lim.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) fail("setrlimit: %s", std::strerror(errno));
  }

  // A blocking connect (bounded by a send time-out), then non-blocking for the run.
  void open(connection& c, std::uint32_t id) {
    c.id = id;
    c.out.resize(o_.size * o_.depth);
    c.in.resize(o_.size * o_.depth);
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c.fd < 0) fail("socket: %s", std::strerror(errno));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(o_.port));
    if (inet_pton(AF_INET, o_.host.c_str(), &sa.sin_addr) != 1) {
      fail("--connect %s: not an IPv4 address", o_.host.c_str());
    }
    timeval limit{5, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (connect(c.fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
      fail("cannot connect to %s:%d (%s, connection %u of %d): %s", o_.host.c_str(), o_.port,
           o_.impl.c_str(), id + 1, o_.connections, std::strerror(errno));
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u32 = id;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &e) != 0)
      fail("epoll_ctl: %s", std::strerror(errno));
  }

  void start_round_trip(connection& c, std::int64_t now) {
    for (std::size_t i = 0; i < c.out.size(); ++i) {
      c.out[i] = static_cast<unsigned char>(c.id * 131u + c.seq * 31u + i);
    }
    c.written = c.received = 0;
    c.started_ns = now;
    write_some(c);
  }

  // Writes what is left of the payload; asks for EPOLLOUT only while a write is unfinished
  // (512 bytes nearly always go in one call).
  void write_some(connection& c) {
    while (c.written < c.out.size()) {
      const ssize_t n =
          send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
      if (n < 0 && errno == EAGAIN) break;
      if (n < 0) fail("%s: send on connection %u: %s", o_.impl.c_str(), c.id, std::strerror(errno));
      c.written += static_cast<std::size_t>(n);
    }
    const bool waiting = c.written < c.out.size();
    if (waiting != c.wants_out) {
      c.wants_out = waiting;
      epoll_event e{};
      e.events = EPOLLIN | (waiting ? static_cast<std::uint32_t>(EPOLLOUT) : 0u);
      e.data.u32 = c.id;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &e);
    }
  }

  void read_some(connection& c) {
    // Never reads past this round trip's payload: extra bytes would be an echo error, caught
    // by the next round trip's check.
    const ssize_t n = recv(c.fd, c.in.data() + c.received, c.in.size() - c.received, 0);
    if (n == 0) fail("%s: the server closed connection %u", o_.impl.c_str(), c.id);
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) fail("%s: recv on connection %u: %s", o_.impl.c_str(), c.id, std::strerror(errno));
    c.received += static_cast<std::size_t>(n);
    if (c.received < c.in.size()) return;
    if (c.written < c.out.size())
      fail("%s: connection %u got its echo before it was sent", o_.impl.c_str(), c.id);
    const auto diff = std::mismatch(c.in.begin(), c.in.end(), c.out.begin());
    if (diff.first != c.in.end()) {
      fail("%s: wrong echo on connection %u, round trip %u: byte %td is 0x%02x, sent 0x%02x",
           o_.impl.c_str(), c.id, c.seq, diff.first - c.in.begin(), *diff.first, *diff.second);
    }
    const std::int64_t now = now_ns();
    if (now >= window_start_ && now < window_end_) latencies_ns_.push_back(now - c.started_ns);
    ++c.seq;
    if (stop_after_one_) {
      ++idle_done_;
      return;  // idle from now on
    }
    start_round_trip(c, now);
  }

  // Nearest-rank percentile.
  double percentile_us(double p) { return load_common::percentile_us(latencies_ns_, p); }

  void emit(const char* metric, const char* unit, double value) {
    load_common::contract_line(o_.scenario, o_.impl, metric, unit, value, o_.round);
  }

  options o_;
  std::vector<connection> conns_;
  int epoll_ = -1;
  std::int64_t window_start_ = 0, window_end_ = 0;
  std::vector<std::int64_t> latencies_ns_;
  bool stop_after_one_ = false;
  std::size_t idle_done_ = 0;
  double rss_before_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  load l(o);
  if (o.idle_rss_of > 0) {
    l.idle();
  } else {
    l.run();
    l.report();
  }
  return 0;
}
