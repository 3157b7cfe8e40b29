// kov-get [-i] [-o FILE] [--timeout S] [--cacert F] [--insecure] URL: an HTTP/1.1 GET of
// `http://host[:port]/path` or `https://...` (kov::tls; the certificate checked against the
// system store, or the CAs in F with --cacert; --insecure checks nothing).
// stdout gets the status line (ending in "\n"), then the body byte for byte. -i puts the whole
// head there instead (status line and header fields as received, CRLF, and the blank line), as
// curl -i does. -o FILE writes the body to FILE (created or truncated before connecting) and
// leaves stdout with the status line or head alone: use it for byte-exact bodies. --timeout S
// bounds the whole request, connecting (DNS included) and reading the response, to S seconds.
// Redirects are not followed: a 3xx is printed like any other response. Exit 0 when a whole
// response arrived (whatever its status), 1 on any failure (DNS, connect, the timeout, a
// malformed response, a server that closes mid-body, a file that cannot be written), with a
// message on stderr, and 2 for bad arguments or a bad URL.

#include <kov/io/buf_reader.hpp>
#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>
#include <kov/tls/stream.hpp>

#include "http/response_reader.hpp"
#include "http/url.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// Connecting (DNS included) gives up after this long, whatever --timeout says.
constexpr std::chrono::seconds connect_timeout{30};

struct options {
  bool include_head = false;
  const char* body_path = nullptr;                       // -o
  std::optional<std::chrono::duration<double>> timeout;  // --timeout
  const char* url = nullptr;
  const char* cacert = nullptr;  // --cacert
  bool insecure = false;         // --insecure
};

int fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "kov-get: %s: %s\n", what, detail.c_str());
  return exit_failure;
}

bool write_to(std::FILE* f, std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
}

// Sends the request on `conn` (TCP or TLS) and writes out the response. `body_out` is stdout
// or the -o file; both are flushed at the end.
template <class Stream>
kov::task<int> exchange(Stream& conn, const http::url& u, bool include_head, std::FILE* body_out) {
  const std::string request = "GET " + u.target + " HTTP/1.1\r\nHost: " + u.authority +
                              "\r\nUser-Agent: kov-get\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  if (auto w = co_await conn.write_all(kov::const_buffer(request)); !w) {
    co_return fail("sending the request", w.error().message());
  }

  kov::buf_reader<Stream&> reader(conn);
  auto head = co_await http::read_response_head(reader);
  if (!head) co_return fail("reading the response", head.error().message());
  std::string text;
  if (include_head) {
    for (const std::string& line : head->lines) text += line + "\r\n";
    text += "\r\n";
  } else {
    text = head->lines.front() + "\n";
  }
  if (!write_to(stdout, text)) co_return fail("writing to stdout", "failed");
  // Named, not a temporary inside co_await: GCC 12 can destroy such a lambda twice.
  auto sink = [body_out](std::string_view piece) { return write_to(body_out, piece); };
  auto body = co_await http::read_response_body(reader, *head, sink);
  if (!body) co_return fail("reading the body", body.error().message());
  if (std::fflush(body_out) != 0) co_return fail("writing the body", std::strerror(errno));
  if (std::fflush(stdout) != 0) co_return fail("writing to stdout", "failed");
  co_return 0;
}

kov::task<int> get(http::url u, const options& opt, std::FILE* body_out) {
  auto conn = co_await kov::net::tcp_stream::connect(u.host_port, connect_timeout);
  if (!conn) co_return fail(("cannot connect to " + u.host_port).c_str(), conn.error().message());
  if (!u.tls) {
    co_return co_await exchange(*conn, u, opt.include_head, body_out);
  }

  kov::tls::options to;
  if (opt.cacert != nullptr) to.ca_file = opt.cacert;
  to.verify_peer = !opt.insecure;
  auto ctx = kov::tls::context::client(to);
  if (!ctx) co_return fail("TLS setup", ctx.error().message());
  auto tls = kov::tls::stream<kov::net::tcp_stream>::client(std::move(*conn), *ctx, u.host);
  if (!tls) co_return fail("TLS setup", tls.error().message());
  if (auto h = co_await tls->handshake().with_timeout(connect_timeout); !h) {
    const std::string why = tls->error_text().empty()
                                ? h.error().message()
                                : h.error().message() + " (" + tls->error_text() + ")";
    co_return fail(("TLS handshake with " + u.host_port).c_str(), why);
  }
  co_return co_await exchange(*tls, u, opt.include_head, body_out);
}

// The whole request under --timeout, when given.
kov::task<int> get_within(http::url u, const options& opt, std::FILE* body_out) {
  if (!opt.timeout) {
    co_return co_await get(std::move(u), opt, body_out);
  }
  auto r = co_await kov::timeout(*opt.timeout, get(std::move(u), opt, body_out));
  if (r) co_return *r;
  if (r.error() == kov::errc::timed_out) {
    std::fflush(stdout);
    std::fprintf(stderr, "kov-get: timed out: no whole response within %g s\n",
                 opt.timeout->count());
    co_return exit_failure;
  }
  co_return fail("the request", r.error().message());
}

int usage(const char* why) {
  std::fprintf(stderr,
               "kov-get: %s\nusage: kov-get [-i] [-o FILE] [--timeout S] [--cacert F] [--insecure] "
               "http(s)://host[:port]/path\n",
               why);
  return exit_usage;
}

// A positive, finite number of seconds (fractions allowed); nullopt otherwise.
std::optional<std::chrono::duration<double>> parse_seconds(const char* text) {
  char* end = nullptr;
  errno = 0;
  const double s = std::strtod(text, &end);
  if (end == text || *end != '\0' || errno != 0 || !std::isfinite(s) || s <= 0) {
    return std::nullopt;
  }
  return std::chrono::duration<double>(s);
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "-i" || arg == "--include") {
      opt.include_head = true;
    } else if (arg == "-o" || arg == "--output") {
      if (!has_value) return usage("-o needs a file name");
      opt.body_path = argv[++i];
    } else if (arg == "--timeout") {
      if (!has_value) return usage("--timeout needs a number of seconds");
      opt.timeout = parse_seconds(argv[++i]);
      if (!opt.timeout) {
        return usage(
            ("--timeout wants seconds above 0, not '" + std::string(argv[i]) + "'").c_str());
      }
    } else if (arg == "--cacert") {
      if (!has_value) return usage("--cacert needs a file name");
      opt.cacert = argv[++i];
    } else if (arg == "--insecure" || arg == "-k") {
      opt.insecure = true;
    } else if (arg.starts_with("-")) {
      return usage(("unknown option " + std::string(arg)).c_str());
    } else if (opt.url != nullptr) {
      return usage("one URL only");
    } else {
      opt.url = argv[i];
    }
  }
  if (opt.url == nullptr) return usage("no URL");
  std::string why;
  auto u = http::parse_url(opt.url, why);
  if (!u) return usage(("bad URL '" + std::string(opt.url) + "': " + why).c_str());

  std::FILE* body_out = stdout;
  if (opt.body_path != nullptr) {
    body_out = std::fopen(opt.body_path, "wb");
    if (body_out == nullptr) {
      return fail(("cannot open " + std::string(opt.body_path)).c_str(), std::strerror(errno));
    }
  }
  kov::runtime rt;
  int code = rt.block_on(get_within(std::move(*u), opt, body_out));
  if (body_out != stdout && std::fclose(body_out) != 0 && code == 0) {
    code = fail(("writing " + std::string(opt.body_path)).c_str(), std::strerror(errno));
  }
  return code;
}
