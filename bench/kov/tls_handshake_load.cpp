// kov-tls-handshake-load: the client of the kov suite's tls_handshakes scenario, the same for
// every HTTPS server, so it uses plain epoll and OpenSSL on one thread and nothing of kov.
// C connections each loop: connect, a full TLS handshake (no session resumption: no tickets, no
// cache), one HTTP/1.1 request, read the one response and check it is the hello world of
// peers/common/http_hello.hpp, close. The pinned version and cipher suite are those of
// peers/common/tls_pinned.hpp. The client does not verify the certificate (a server cost only).
// Prints contract lines on stdout after DURATION seconds: req_per_s (connections done per
// second, unit handshakes/s), latency_p50 and latency_p99 (us, connect to response).
// Usage: kov-tls-handshake-load --connect HOST:PORT [--connections C] [--duration S]
//                               [--scenario NAME] [--impl NAME] [--round R]
// Exit status 1 with the reason on stderr when a connection or handshake fails, the server
// closes early or answers something else, or nothing completed.
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

struct options {
  std::string host;
  int port = 0;
  int connections = 50;
  double duration_s = 10;
  std::string scenario = "tls_handshakes";
  std::string impl = "unknown";
  int round = 0;
};

[[noreturn]] __attribute__((format(printf, 1, 2))) void fail(const char* fmt, ...) {
  std::fprintf(stderr, "kov-tls-handshake-load: ");
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::exit(1);
}

double now_s() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) fail("%s needs a value", argv[i]);
    const char* value = argv[++i];
    if (arg == "--connect") {
      const std::string addr = value;
      const auto colon = addr.rfind(':');
      if (colon == std::string::npos) fail("--connect HOST:PORT, not %s", value);
      o.host = addr.substr(0, colon);
      o.port = std::atoi(addr.c_str() + colon + 1);
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
      fail("unknown option %s", argv[i - 1]);
    }
  }
  if (o.host.empty() || o.port <= 0 || o.connections <= 0 || o.duration_s <= 0) {
    fail("usage: --connect HOST:PORT [--connections C] [--duration S] [--scenario S] "
         "[--impl I] [--round R]");
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
  double started = 0;
  std::string reply;
};

class load {
 public:
  load(const options& o, SSL_CTX* ctx) : o_(o), ctx_(ctx), slots_(static_cast<std::size_t>(o.connections)) {
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
    const double end = now_s() + o_.duration_s;
    std::array<epoll_event, 256> events{};
    begin_ = now_s();
    while (now_s() < end) {
      const int n = epoll_wait(epoll_, events.data(), events.size(), 100);
      if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
      for (int i = 0; i < n; ++i) drive(events[static_cast<std::size_t>(i)].data.u64);
    }
    elapsed_ = now_s() - begin_;
    for (auto& c : slots_) close_slot(c);
  }

  void report() {
    if (latencies_us_.empty()) fail("no connection completed in %.1f s", o_.duration_s);
    std::sort(latencies_us_.begin(), latencies_us_.end());
    const auto pct = [&](double p) {
      const auto i = static_cast<std::size_t>(p * static_cast<double>(latencies_us_.size() - 1));
      return latencies_us_[i];
    };
    line("req_per_s", "handshakes/s", static_cast<double>(latencies_us_.size()) / elapsed_);
    line("latency_p50", "us", pct(0.50));
    line("latency_p99", "us", pct(0.99));
    std::fprintf(stderr, "kov-tls-handshake-load: %zu connections in %.2f s\n",
                 latencies_us_.size(), elapsed_);
  }

 private:
  void line(const char* metric, const char* unit, double value) const {
    std::printf(
        "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\","
        "\"value\":%.3f,\"round\":%d}\n",
        o_.scenario.c_str(), o_.impl.c_str(), metric, unit, value, o_.round);
  }

  void open(std::size_t i) {
    connection& c = slots_[i];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) fail("socket: %s", std::strerror(errno));
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.started = now_s();
    if (connect(c.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0 &&
        errno != EINPROGRESS) {
      fail("connect: %s", std::strerror(errno));
    }
    c.ssl = SSL_new(ctx_);
    if (c.ssl == nullptr || SSL_set_fd(c.ssl, c.fd) != 1) fail("SSL_new: %s", openssl_reason().c_str());
    SSL_set_connect_state(c.ssl);
    c.at = connection::phase::handshake;
    c.reply.clear();
    // Edge-triggered for both directions: drive() runs each step until OpenSSL wants to wait.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) fail("epoll_ctl: %s", std::strerror(errno));
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
    if (e == SSL_ERROR_SYSCALL) fail("%s: %s", what, errno ? std::strerror(errno) : "the server closed");
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
          if (!progressed(c, SSL_write_ex(c.ssl, http_request.data(), http_request.size(), &n), "request")) {
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
          latencies_us_.push_back((now_s() - c.started) * 1e6);
          close_slot(c);
          open(i);
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
  double begin_ = 0;
  double elapsed_ = 0;
  std::vector<double> latencies_us_;
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
