// kov-http --listen ADDR [--idle-timeout SECONDS] [--tls-cert F --tls-key F]: an HTTP/1.1
// hello-world server. Keep-alive and pipelining (all responses to the requests of one read go
// out in one write), a 400 and close on a malformed request, idle connections closed after a
// timeout, and a clean stop on SIGINT or SIGTERM. With --tls-cert and --tls-key (PEM chain and
// key) it serves HTTPS through kov::tls.

#include <kov/tls/stream.hpp>

#include "http/request_parser.hpp"
#include "http/response.hpp"
#include "server/serve.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::chrono::seconds idle_timeout{30};

// One connection's bytes: requests arrive in `in` and are answered into `out`.
//
// Invariant: in[begin, end) holds bytes received but not yet parsed; end <= in.size().
struct connection_buffers {
  std::vector<char> in = std::vector<char>(std::size_t{16} * 1024);
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string out;

  std::string_view unparsed() const { return {in.data() + begin, end - begin}; }
  // Room to read into: parsed bytes are dropped first; the buffer grows only while a request
  // larger than it is arriving (the parser's limits bound that).
  kov::mutable_buffer space() {
    if (begin == end) {
      begin = end = 0;
    } else if (end == in.size() && begin > 0) {
      std::memmove(in.data(), in.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (end == in.size()) in.resize(in.size() * 2);
    return {in.data() + end, in.size() - end};
  }
};

// Ends our sending side: a half-close for TCP; over TLS, close_notify first.
kov::task<void> end_stream(kov::net::tcp_stream& conn) {
  (void)conn.shutdown(kov::net::shutdown_how::write);
  co_return;
}

kov::task<void> end_stream(kov::tls::stream<kov::net::tcp_stream>& conn) {
  (void)co_await conn.shutdown().with_timeout(std::chrono::seconds(1));
  (void)conn.next_layer().shutdown(kov::net::shutdown_how::write);
}

template <class Stream>
kov::task<void> serve_http(Stream conn) {
  connection_buffers b;
  for (;;) {
    auto n = co_await conn.read(b.space()).with_timeout(idle_timeout);
    if (!n && n.error() == kov::errc::timed_out) {
      // Idle too long: end cleanly (over TLS with close_notify, best effort, 1 s at most).
      co_await end_stream(conn);
      co_return;
    }
    if (!n || *n == 0) co_return;  // reset, or the client is done
    b.end += *n;
    bool close = false;
    for (;;) {
      const http::parse_result r = http::parse_request(b.unparsed());
      if (r.status == http::parse_status::incomplete) break;
      if (r.status == http::parse_status::malformed) {
        b.out += http::bad_request_response;
        close = true;
        break;
      }
      b.begin += r.consumed;
      b.out += r.keep_alive && r.minor_version == 0 ? http::hello_keep_alive_response
                                                    : http::hello_response;
      if (!r.keep_alive) {
        close = true;
        break;
      }
    }
    if (!b.out.empty()) {
      if (!co_await conn.write_all(b.out)) co_return;
      b.out.clear();
    }
    if (close) {
      // A lingering close: send our end of the stream, then read and drop what the client
      // still sends for a moment. Closing with unread bytes would reset the connection, and
      // the client could lose the response.
      co_await end_stream(conn);
      const auto give_up = kov::clock::now() + std::chrono::seconds(1);
      for (;;) {
        auto rest = co_await conn.read(b.space()).with_deadline(give_up);
        if (!rest || *rest == 0) co_return;
        b.begin = b.end = 0;
      }
    }
  }
}

kov::task<void> serve_https(kov::net::tcp_stream conn, kov::tls::context ctx) {
  auto tls = kov::tls::stream<kov::net::tcp_stream>::server(std::move(conn), ctx);
  if (!tls) co_return;
  if (!co_await tls->handshake().with_timeout(idle_timeout)) co_return;
  co_await serve_http(std::move(*tls));
}

}  // namespace

int main(int argc, char** argv) {
  // Options after the common --listen ADDR: --idle-timeout SECONDS, --tls-cert F, --tls-key F.
  kov::tls::options tls;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string_view opt = argv[i];
    if (opt == "--idle-timeout") {
      idle_timeout = std::chrono::seconds(std::strtol(argv[i + 1], nullptr, 10));
      if (idle_timeout.count() <= 0) {
        std::fprintf(stderr, "kov-http: --idle-timeout needs a positive number of seconds\n");
        return 64;
      }
    } else if (opt == "--tls-cert") {
      tls.cert_chain_file = argv[i + 1];
    } else if (opt == "--tls-key") {
      tls.key_file = argv[i + 1];
    } else {
      std::fprintf(stderr, "kov-http: unknown option %s\n", argv[i]);
      return 64;
    }
  }
  if (argc > 3 && argc % 2 == 0) {
    std::fprintf(stderr, "kov-http: %s needs a value\n", argv[argc - 1]);
    return 64;
  }
  if (tls.cert_chain_file.empty() != tls.key_file.empty()) {
    std::fprintf(stderr, "kov-http: --tls-cert and --tls-key go together\n");
    return 64;
  }
  if (tls.cert_chain_file.empty()) {
    return example::server_main("kov-http", std::min(argc, 3), argv,
                                serve_http<kov::net::tcp_stream>);
  }
  tls.verify_peer = false;  // no client certificates
  auto ctx = kov::tls::context::server(tls);
  if (!ctx) {
    std::fprintf(stderr, "kov-http: TLS: %s\n", ctx.error().message().c_str());
    return 1;
  }
  auto handle = [ctx = *ctx](kov::net::tcp_stream conn) {
    return serve_https(std::move(conn), ctx);
  };
  return example::server_main("kov-http", std::min(argc, 3), argv, handle);
}
