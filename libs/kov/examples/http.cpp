// kov-http --listen ADDR [--idle-timeout SECONDS]: an HTTP/1.1 hello-world server.
// Keep-alive and pipelining (all responses to the requests of one read go out in one write),
// a 400 and close on a malformed request, idle connections closed after a timeout, and a clean
// stop on SIGINT or SIGTERM.

#include "http/request_parser.hpp"
#include "http/response.hpp"
#include "server/serve.hpp"

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

kov::task<void> serve_http(kov::net::tcp_stream conn) {
  connection_buffers b;
  for (;;) {
    auto n = co_await conn.read(b.space()).with_timeout(idle_timeout);
    if (!n || *n == 0) co_return;  // idle too long, reset, or the client is done
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
      (void)conn.shutdown(kov::net::shutdown_how::write);
      const auto give_up = kov::clock::now() + std::chrono::seconds(1);
      for (;;) {
        auto rest = co_await conn.read(b.space()).with_deadline(give_up);
        if (!rest || *rest == 0) co_return;
        b.begin = b.end = 0;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // --idle-timeout SECONDS comes last, after the common --listen ADDR.
  if (argc == 5 && std::string_view(argv[3]) == "--idle-timeout") {
    idle_timeout = std::chrono::seconds(std::strtol(argv[4], nullptr, 10));
    if (idle_timeout.count() <= 0) {
      std::fprintf(stderr, "kov-http: --idle-timeout needs a positive number of seconds\n");
      return 64;
    }
    argc = 3;
  }
  return example::server_main("kov-http", argc, argv, serve_http);
}
