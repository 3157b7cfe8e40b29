// kov-tls-handshake-load: the client of the kov suite's tls_handshakes scenario, the same for
// every HTTPS server, so it uses plain epoll and OpenSSL on one thread and nothing of kov.
// C connections each loop: connect, a full TLS handshake (no session resumption: no tickets, no
// cache), one HTTP/1.1 request, read the one response and check it is the hello world of
// peers/common/http_hello.hpp, close. The pinned version and cipher suite are those of
// peers/common/tls_pinned.hpp. The client does not verify the certificate (a server cost only).
// Prints contract lines on stdout after DURATION seconds: req_per_s (connections done per
// second: here a request is one connection with its full handshake), latency_p50 and
// latency_p99 (us, connect to response).
// Usage: kov-tls-handshake-load --connect HOST:PORT [--connections C] [--duration S]
//                               [--count N] [--requests R]
//                               [--scenario NAME] [--impl NAME] [--round R]
// For exact per-request counts (bench/kov/tls_counts.sh): --count N stops after N connections,
// and --requests R sends R requests one after another on each connection before closing it.
// Exit status 1 with the reason on stderr when a connection or handshake fails, the server
// closes early or answers something else, or nothing completed.
#include "load_common.hpp"
#include "peers/common/http_hello.hpp"
#include "peers/common/tls_pinned.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct options : load_common::common_options {
  long count = 0;  // 0: no limit
  int requests = 1;
};

using load_common::fail;
using load_common::now_ns;

options parse(int argc, char** argv) {
  options o;
  o.scenario = "tls_handshakes";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) fail("%s needs a value", argv[i]);
    const char* value = argv[++i];
    if (load_common::parse_common(arg, value, o)) continue;
    if (arg == "--count") {
      o.count = std::atol(value);
    } else if (arg == "--requests") {
      o.requests = std::atoi(value);
    } else {
      fail("unknown option %s", argv[i - 1]);
    }
  }
  if (!load_common::common_valid(o) || o.requests <= 0 || o.count < 0) {
    fail(
        "usage: --connect HOST:PORT [--connections C] [--duration S] [--count N] "
        "[--requests R] [--scenario S] [--impl I] [--round R]");
  }
  return o;
}

SSL_CTX* make_context() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, peers::tls_pinned::ciphersuite) != 1) {
    fail("cannot make the OpenSSL client context");
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  return ctx;
}

std::string openssl_reason() {
  std::array<char, 256> buf{};
  ERR_error_string_n(ERR_get_error(), buf.data(), buf.size());
  return buf.data();
}

constexpr std::string_view http_request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

// One connection slot: connect, handshake, request, response, close, again.
struct connection {
  enum class phase { handshake, request, response };
  int fd = -1;
  SSL* ssl = nullptr;
  phase at = phase::handshake;
  int answered = 0;  // responses on this connection
  std::int64_t started_ns = 0;
  std::string reply;
};

class load {
 public:
  load(const options& o, SSL_CTX* ctx)
      : o_(o), ctx_(ctx), slots_(static_cast<std::size_t>(o.connections)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) fail("epoll_create1: %s", std::strerror(errno));
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(static_cast<std::uint16_t>(o.port));
    if (inet_pton(AF_INET, o.host.c_str(), &addr_.sin_addr) != 1) {
      fail("not an IPv4 address: %s", o.host.c_str());
    }
  }

  void run() {
    for (std::size_t i = 0; i < slots_.size(); ++i) open(i);
    const std::int64_t begin = now_ns();
    const std::int64_t end = begin + static_cast<std::int64_t>(o_.duration_s * 1e9);
    std::array<epoll_event, 256> events{};
    while (now_ns() < end && !enough()) {
      const int n = epoll_wait(epoll_, events.data(), events.size(), 100);
      if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
      for (int i = 0; i < n; ++i) drive(events[static_cast<std::size_t>(i)].data.u64);
    }
    elapsed_s_ = static_cast<double>(now_ns() - begin) * 1e-9;
    for (auto& c : slots_) close_slot(c);
  }

  void report() {
    if (latencies_ns_.empty()) fail("no connection completed in %.1f s", o_.duration_s);
    const std::size_t done = latencies_ns_.size();
    line("req_per_s", "req/s", static_cast<double>(done) / elapsed_s_);
    line("latency_p50", "us", load_common::percentile_us(latencies_ns_, 0.50));
    line("latency_p99", "us", load_common::percentile_us(latencies_ns_, 0.99));
    std::fprintf(stderr, "kov-tls-handshake-load: %zu connections in %.2f s\n", done, elapsed_s_);
  }

 private:
  bool enough() const {
    return o_.count > 0 && latencies_ns_.size() >= static_cast<std::size_t>(o_.count);
  }

  void line(const char* metric, const char* unit, double value) const {
    load_common::contract_line(o_.scenario, o_.impl, metric, unit, value, o_.round);
  }

  void open(std::size_t i) {
    connection& c = slots_[i];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) fail("socket: %s", std::strerror(errno));
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.started_ns = now_ns();
    if (connect(c.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0 &&
        errno != EINPROGRESS) {
      fail("connect: %s", std::strerror(errno));
    }
    c.ssl = SSL_new(ctx_);
    if (c.ssl == nullptr || SSL_set_fd(c.ssl, c.fd) != 1)
      fail("SSL_new: %s", openssl_reason().c_str());
    SSL_set_connect_state(c.ssl);
    c.at = connection::phase::handshake;
    c.answered = 0;
    c.reply.clear();
    // Edge-triggered for both directions: drive() runs each step until OpenSSL wants to wait.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0)
      fail("epoll_ctl: %s", std::strerror(errno));
  }

  static void close_slot(connection& c) {
    SSL_free(c.ssl);
    c.ssl = nullptr;
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
  }

  // True when the step may go on, false when it waits for the socket; fails the run otherwise.
  bool progressed(connection& c, int r, const char* what) {
    if (r == 1) return true;
    const int e = SSL_get_error(c.ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return false;
    if (e == SSL_ERROR_ZERO_RETURN) fail("%s: the server sent close_notify early", what);
    if (e == SSL_ERROR_SYSCALL)
      fail("%s: %s", what, errno ? std::strerror(errno) : "the server closed");
    fail("%s: %s", what, openssl_reason().c_str());
  }

  void drive(std::uint64_t i) {
    connection& c = slots_[i];
    for (;;) {
      std::size_t n = 0;
      switch (c.at) {
        case connection::phase::handshake:
          if (!progressed(c, SSL_do_handshake(c.ssl), "handshake")) return;
          c.at = connection::phase::request;
          break;
        case connection::phase::request:
          if (!progressed(c, SSL_write_ex(c.ssl, http_request.data(), http_request.size(), &n),
                          "request")) {
            return;
          }
          c.at = connection::phase::response;
          break;
        case connection::phase::response: {
          std::array<char, 1024> buf{};
          if (!progressed(c, SSL_read_ex(c.ssl, buf.data(), buf.size(), &n), "response")) return;
          c.reply.append(buf.data(), n);
          if (c.reply.size() < peers::response.size()) break;
          if (c.reply != peers::response) fail("unexpected response: %s", c.reply.c_str());
          if (++c.answered < o_.requests) {
            c.reply.clear();
            c.at = connection::phase::request;
            break;
          }
          latencies_ns_.push_back(now_ns() - c.started_ns);
          close_slot(c);
          if (!enough()) open(i);
          return;
        }
      }
    }
  }

  const options& o_;
  SSL_CTX* ctx_;
  std::vector<connection> slots_;
  int epoll_ = -1;
  sockaddr_in addr_{};
  double elapsed_s_ = 0;
  std::vector<std::int64_t> latencies_ns_;
};

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  const options o = parse(argc, argv);
  SSL_CTX* ctx = make_context();
  load l(o, ctx);
  l.run();
  l.report();
  SSL_CTX_free(ctx);
  return 0;
}
