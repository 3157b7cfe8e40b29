// kov-get [-i] URL: an HTTP/1.1 GET of `http://host[:port]/path`. The body goes to stdout
// byte for byte; the status line goes to stderr (with -i, the status line and the header fields
// go to stdout before the body instead, as curl -i does). Redirects are not followed: a 3xx is
// printed like any other response. Exit 0 when a whole response arrived (whatever its status),
// 1 on any failure (DNS, connect, a malformed response, a server that closes mid-body), with a
// message on stderr, and 2 for bad arguments or a bad URL.

#include <kov/io/buf_reader.hpp>
#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>

#include "http/response_reader.hpp"
#include "http/url.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// Connecting (DNS included) gives up after this long.
constexpr std::chrono::seconds connect_timeout{30};

int fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "kov-get: %s: %s\n", what, detail.c_str());
  return exit_failure;
}

bool write_out(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

kov::task<int> get(http::url u, bool include_head) {
  auto conn = co_await kov::net::tcp_stream::connect(u.host_port, connect_timeout);
  if (!conn) co_return fail(("cannot connect to " + u.host_port).c_str(), conn.error().message());
  const std::string request = "GET " + u.target + " HTTP/1.1\r\nHost: " + u.authority +
                              "\r\nUser-Agent: kov-get\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  if (auto w = co_await conn->write_all(kov::const_buffer(request)); !w) {
    co_return fail("sending the request", w.error().message());
  }

  kov::buf_reader reader(*conn);
  auto head = co_await http::read_response_head(reader);
  if (!head) co_return fail("reading the response", head.error().message());
  if (include_head) {
    std::string text;
    for (const std::string& line : head->lines) text += line + "\r\n";
    text += "\r\n";
    if (!write_out(text)) co_return fail("writing to stdout", "failed");
  } else {
    std::fprintf(stderr, "%s\n", head->lines.front().c_str());
  }
  auto body = co_await http::read_response_body(reader, *head, write_out);
  if (!body) co_return fail("reading the body", body.error().message());
  if (std::fflush(stdout) != 0) co_return fail("writing to stdout", "failed");
  co_return 0;
}

int usage(const char* why) {
  std::fprintf(stderr, "kov-get: %s\nusage: kov-get [-i] http://host[:port]/path\n", why);
  return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
  bool include_head = false;
  const char* text = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-i" || arg == "--include") {
      include_head = true;
    } else if (arg.starts_with("-")) {
      return usage(("unknown option " + std::string(arg)).c_str());
    } else if (text != nullptr) {
      return usage("one URL only");
    } else {
      text = argv[i];
    }
  }
  if (text == nullptr) return usage("no URL");
  std::string why;
  auto u = http::parse_url(text, why);
  if (!u) return usage(("bad URL '" + std::string(text) + "': " + why).c_str());
  kov::runtime rt;
  return rt.block_on(get(std::move(*u), include_head));
}
