// The kov-get example's response parser and reader (examples/http/response_parser.hpp,
// response_reader.hpp) and its URL parser: the grammar line by line, then whole responses read
// through a buf_reader from a scripted stream that hands its bytes out a few at a time, so that
// every record is split across reads.

#include <kov/io/buf_reader.hpp>
#include <kov/runtime.hpp>

#include "scripted_stream.hpp"

#include <gtest/gtest.h>
#include <http/response_parser.hpp>
#include <http/response_reader.hpp>
#include <http/url.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using http::body_kind;
using http::response_errc;

TEST(HttpStatusLine, Accepts) {
  auto s = http::parse_status_line("HTTP/1.1 404 Not Found");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->minor_version, 1);
  EXPECT_EQ(s->code, 404);
  EXPECT_EQ(s->reason, "Not Found");
  s = http::parse_status_line("HTTP/1.0 200");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->minor_version, 0);
  EXPECT_EQ(s->reason, "");
  EXPECT_TRUE(http::parse_status_line("HTTP/1.1 204 "));
}

TEST(HttpStatusLine, RefusesMalformed) {
  for (const char* bad : {"", "HTTP/1.1", "HTTP/2.0 200 OK", "HTTP/1.2 200 OK", "HTTP/1.1 20 OK",
                          "HTTP/1.1 2000 OK", "HTTP/1.1  200 OK", "HTTP/1.1 099 Low",
                          "HTTP/1.1 200\tOK", "HTTP/1.1 200 O\x01K", "http/1.1 200 OK"}) {
    EXPECT_FALSE(http::parse_status_line(bad)) << bad;
  }
}

TEST(HttpHeaderField, SplitsAndTrims) {
  auto f = http::parse_header_field("Content-Type: \t text/plain  ");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->name, "Content-Type");
  EXPECT_EQ(f->value, "text/plain");
  f = http::parse_header_field("X-Empty:");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->value, "");
  for (const char* bad :
       {"", ": v", " Folded: v", "Name : v", "No colon", "Bad\x7f: v", "X: a\x01b", "X: a\rb"}) {
    EXPECT_FALSE(http::parse_header_field(bad)) << bad;
  }
}

TEST(HttpChunkSize, HexWithExtensions) {
  const std::uint64_t max = std::uint64_t{1} << 60;
  EXPECT_EQ(http::parse_chunk_size("0", max), 0U);
  EXPECT_EQ(http::parse_chunk_size("1a", max), 26U);
  EXPECT_EQ(http::parse_chunk_size("FfFf", max), 0xffffU);
  EXPECT_EQ(http::parse_chunk_size("000010", max), 16U);  // leading zeros are digits too
  EXPECT_EQ(http::parse_chunk_size("5;name", max), 5U);
  EXPECT_EQ(http::parse_chunk_size("5 ; a=b ;c=\"q \\\" ;x\"", max), 5U);
  EXPECT_EQ(http::parse_chunk_size("5;a=b;c", max), 5U);
  EXPECT_EQ(http::parse_chunk_size("5 ", max), 5U);
}

TEST(HttpChunkSize, RefusesMalformedAndTooLarge) {
  const std::uint64_t max = std::uint64_t{1} << 60;
  for (const char* bad : {"", "x", ";a", "-1", "0x10", "5;", "5;=b", "5;a=", "5;a=\"open", "5 a",
                          "5;a b", "5;a=\"\x01\""}) {
    EXPECT_FALSE(http::parse_chunk_size(bad, max)) << bad;
  }
  EXPECT_FALSE(http::parse_chunk_size("1000000000000001", max));      // just over 2^60
  EXPECT_EQ(http::parse_chunk_size("1000000000000000", max), max);    // 2^60 exactly
  EXPECT_FALSE(http::parse_chunk_size("ffffffffffffffffffff", max));  // would overflow 64 bits
  EXPECT_FALSE(http::parse_chunk_size("11", 16));
  EXPECT_EQ(http::parse_chunk_size("10", 16), 16U);
}

http::response_framing framing_of(std::initializer_list<http::header_field> fields, bool& ok) {
  http::response_framing f;
  ok = true;
  for (const auto& field : fields) ok = ok && f.add(field);
  return f;
}

TEST(HttpFraming, DecidesTheBody) {
  bool ok = false;
  auto f = framing_of({{"Content-Length", "42"}, {"content-length", "42"}}, ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(f.body(200), body_kind::content_length);
  EXPECT_EQ(f.content_length(), 42U);
  EXPECT_EQ(f.body(204), body_kind::none);
  EXPECT_EQ(f.body(304), body_kind::none);
  EXPECT_EQ(f.body(100), body_kind::none);

  f = framing_of({{"Transfer-Encoding", "gzip"}, {"TRANSFER-ENCODING", "Chunked"}}, ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(f.body(200), body_kind::chunked);
  f = framing_of({{"Transfer-Encoding", "gzip"}}, ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(f.body(200), body_kind::until_close);
  f = framing_of({{"Server", "x"}}, ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(f.body(200), body_kind::until_close);
}

TEST(HttpFraming, RefusesContradictions) {
  bool ok = true;
  framing_of({{"Content-Length", "1"}, {"Content-Length", "2"}}, ok);
  EXPECT_FALSE(ok);
  for (const char* bad : {"", "-1", "1 2", "0x10", "99999999999999999999"}) {
    framing_of({{"Content-Length", bad}}, ok);
    EXPECT_FALSE(ok) << bad;
  }
  framing_of({{"Transfer-Encoding", "chunked, gzip"}}, ok);
  EXPECT_FALSE(ok);
  framing_of({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}, ok);
  EXPECT_FALSE(ok);
  auto f = framing_of({{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}, ok);
  ASSERT_TRUE(ok);
  EXPECT_FALSE(f.body(200));
}

TEST(HttpUrl, Splits) {
  std::string why;
  auto u = http::parse_url("http://example.com/a/b?x=1#frag", why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->host_port, "example.com:80");
  EXPECT_EQ(u->authority, "example.com");
  EXPECT_EQ(u->target, "/a/b?x=1");
  u = http::parse_url("http://[::1]:8080", why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->host_port, "[::1]:8080");
  EXPECT_EQ(u->authority, "[::1]:8080");
  EXPECT_EQ(u->target, "/");
  u = http::parse_url("http://h?q", why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->target, "/?q");
  u = http::parse_url("https://example.com/x", why);
  ASSERT_TRUE(u) << why;
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host_port, "example.com:443");
  EXPECT_EQ(u->authority, "example.com");
  EXPECT_EQ(u->host, "example.com");
  u = http::parse_url("https://[::1]:8443/", why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->authority, "[::1]:8443");
  EXPECT_EQ(u->host, "::1");
  for (const char* bad : {"example.com", "ftp://example.com/", "http://", "http://:80/",
                          "http://h:0/", "http://h:65536/", "http://h:8x/", "http://h:/",
                          "http://u@h/", "http://[::1/", "http://[::1]x/", "http://h/a b"}) {
    EXPECT_FALSE(http::parse_url(bad, why)) << bad;
    EXPECT_FALSE(why.empty());
  }
}

using kov_support::scripted_stream;

struct read_outcome {
  std::error_code error;  // none when the whole response was read
  http::response_head head;
  std::string body;
};

// Reads one response from `bytes`, handed out `piece` bytes at a time through a small buffer.
kov::task<read_outcome> read_response(std::string bytes, std::size_t piece,
                                      http::response_limits limits) {
  kov::buf_reader reader(scripted_stream{std::move(bytes), piece}, 16);
  read_outcome out;
  auto head = co_await http::read_response_head(reader, limits);
  if (!head) {
    out.error = head.error();
    co_return out;
  }
  out.head = *head;
  auto body = co_await http::read_response_body(
      reader, out.head,
      [&](std::string_view s) {
        out.body += s;
        return true;
      },
      limits);
  if (!body) out.error = body.error();
  co_return out;
}

read_outcome read_all(const std::string& bytes, std::size_t piece,
                      http::response_limits limits = {}) {
  kov::runtime rt;
  return rt.block_on(read_response(bytes, piece, limits));
}

// The response read whole at every piece size from 1 byte to all of it at once.
void expect_body(const std::string& response, int code, const std::string& body) {
  for (std::size_t piece = 1; piece <= response.size(); ++piece) {
    const read_outcome r = read_all(response, piece);
    ASSERT_FALSE(r.error) << "piece " << piece << ": " << r.error.message();
    EXPECT_EQ(r.head.code, code);
    ASSERT_EQ(r.body, body) << "piece " << piece;
  }
}

void expect_error(const std::string& response, std::error_code want) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, response.size() + 1}) {
    EXPECT_EQ(read_all(response, piece).error, want) << "piece " << piece << ": " << response;
  }
}

TEST(HttpResponseReader, SizedBody) {
  expect_body("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nServer: t\r\n\r\nHello, world!", 200,
              "Hello, world!");
  const read_outcome r = read_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabEXTRA", 3);
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.body, "ab");  // bytes after the body are not part of it
  ASSERT_EQ(r.head.lines.size(), 2U);
  EXPECT_EQ(r.head.lines[1], "Content-Length: 2");
}

TEST(HttpResponseReader, ChunkedWithExtensionsAndTrailers) {
  expect_body(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nHello\r\n"
      "2 ; quoted=\"a;b\"\r\n, \r\n"
      "6\r\nworld!\r\n"
      "0;last\r\nTrailer-One: x\r\nTrailer-Two: y\r\n\r\n",
      200, "Hello, world!");
  expect_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, "");
  // LF alone ends lines too (buf_reader's read_line takes both).
  expect_body("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n", 200, "abc");
}

TEST(HttpResponseReader, UntilCloseAndNoBody) {
  expect_body("HTTP/1.0 200 OK\r\n\r\nall of it", 200, "all of it");
  expect_body("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 204, "");
  // An interim response is skipped.
  expect_body("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 200,
              "x");
}

TEST(HttpResponseReader, ClosedEarly) {
  const auto in_head = make_error_code(response_errc::closed_in_head);
  const auto in_body = make_error_code(response_errc::closed_in_body);
  expect_error("", in_head);
  expect_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", in_head);
  expect_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", in_body);
  expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", in_body);
  expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", in_body);
  expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: x\r\n", in_body);
}

TEST(HttpResponseReader, Malformed) {
  expect_error("HTTP/1.1 2xx OK\r\n\r\n", make_error_code(response_errc::bad_status_line));
  expect_error("garbage\r\n\r\n", make_error_code(response_errc::bad_status_line));
  expect_error("HTTP/1.1 200 OK\r\n Folded: x\r\n\r\n", make_error_code(response_errc::bad_header));
  expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
               make_error_code(response_errc::bad_framing));
  expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
               make_error_code(response_errc::bad_framing));
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_error(chunked + "zz\r\n", make_error_code(response_errc::bad_chunk));
  expect_error(chunked + "2\r\nabc\r\n0\r\n\r\n", make_error_code(response_errc::bad_chunk));
  expect_error(chunked + "0\r\nbad trailer\r\n\r\n", make_error_code(response_errc::bad_header));
  expect_error("HTTP/1.1 101 Switching Protocols\r\n\r\n",
               make_error_code(response_errc::unsupported));
}

TEST(HttpResponseReader, Limits) {
  http::response_limits limits;
  limits.max_line = 32;
  limits.max_fields = 2;
  const std::string long_field = "HTTP/1.1 200 OK\r\nX: " + std::string(40, 'a') + "\r\n\r\n";
  EXPECT_EQ(read_all(long_field, 5, limits).error, make_error_code(response_errc::line_too_long));
  const std::string three = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  EXPECT_EQ(read_all(three, 5, limits).error, make_error_code(response_errc::too_many_fields));
  const std::string long_chunk_line = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                                      std::string(40, 'e') + "\r\nx\r\n0\r\n\r\n";
  EXPECT_EQ(read_all(long_chunk_line, 5, limits).error,
            make_error_code(response_errc::line_too_long));
}

TEST(HttpResponseReader, SinkRefusal) {
  kov::runtime rt;
  const auto error = rt.block_on([]() -> kov::task<std::error_code> {
    kov::buf_reader reader(scripted_stream{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 4},
                           16);
    auto head = co_await http::read_response_head(reader);
    if (!head) co_return head.error();
    auto body =
        co_await http::read_response_body(reader, *head, [](std::string_view) { return false; });
    co_return body ? std::error_code() : body.error();
  }());
  EXPECT_EQ(error, make_error_code(response_errc::sink_failed));
}

}  // namespace
