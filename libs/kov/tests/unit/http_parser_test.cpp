// The kov-http example's request parser: every prefix of a valid request is incomplete,
// pipelined requests split anywhere, keep-alive rules, each malformed case, the limits, bodies.

#include <gtest/gtest.h>
#include <http/request_parser.hpp>
#include <http/response.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace {

using http::parse_request;
using http::parse_result;
using http::parse_status;
using namespace std::string_view_literals;

static_assert(parse_request("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status == parse_status::complete,
              "the parser runs at compile time too");

const std::string simple_get =
    "GET / HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "User-Agent: kov-test/1.0\r\n"
    "Accept: */*\r\n"
    "\r\n";

const std::string post_with_body =
    "POST /submit?x=1 HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 11\r\n"
    "\r\n"
    "hello world";

const std::string http10_keep_alive =
    "GET /old HTTP/1.0\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

const std::string get_then_close =
    "GET /bye HTTP/1.1\r\n"
    "host: example.com\r\n"
    "connection: close\r\n"
    "\r\n";

std::string request_with(std::string_view version, std::string_view fields) {
  return "GET / HTTP/" + std::string(version) + "\r\n" + std::string(fields) + "\r\n";
}

TEST(http_parser, simple_get_is_complete) {
  const parse_result r = parse_request(simple_get);
  ASSERT_EQ(r.status, parse_status::complete);
  EXPECT_EQ(r.consumed, simple_get.size());
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_TRUE(r.body.empty());
  // The views point into the buffer.
  EXPECT_EQ(r.method.data(), simple_get.data());
}

TEST(http_parser, every_proper_prefix_of_a_valid_request_is_incomplete) {
  for (const std::string& request :
       {simple_get, post_with_body, http10_keep_alive, get_then_close}) {
    for (std::size_t n = 0; n < request.size(); ++n) {
      const parse_result r = parse_request(std::string_view(request).substr(0, n));
      ASSERT_EQ(r.status, parse_status::incomplete) << "prefix of " << n << " bytes of\n"
                                                    << request;
      EXPECT_EQ(r.consumed, 0U);
    }
    const parse_result r = parse_request(request);
    ASSERT_EQ(r.status, parse_status::complete) << request;
    EXPECT_EQ(r.consumed, request.size());
  }
}

TEST(http_parser, bytes_after_a_request_are_not_consumed) {
  const std::string buffer = simple_get + "GET /next HT";
  const parse_result r = parse_request(buffer);
  ASSERT_EQ(r.status, parse_status::complete);
  EXPECT_EQ(r.consumed, simple_get.size());
  EXPECT_EQ(parse_request(std::string_view(buffer).substr(r.consumed)).status,
            parse_status::incomplete);
}

struct seen_request {
  std::string method;
  std::string target;
  std::string body;
  bool keep_alive;
  bool operator==(const seen_request&) const = default;
};

// What a keep-alive connection does: append what arrived, take every complete request off the
// front, keep the rest for the next read.
std::vector<seen_request> serve(std::string_view stream, std::size_t read_size) {
  std::vector<seen_request> seen;
  std::string buffer;
  for (std::size_t at = 0; at < stream.size(); at += read_size) {
    buffer += stream.substr(at, read_size);
    for (;;) {
      const parse_result r = parse_request(buffer);
      EXPECT_NE(r.status, parse_status::malformed);
      if (r.status != parse_status::complete) break;
      seen.push_back(
          {std::string(r.method), std::string(r.target), std::string(r.body), r.keep_alive});
      buffer.erase(0, r.consumed);
    }
  }
  EXPECT_TRUE(buffer.empty());
  return seen;
}

TEST(http_parser, pipelined_requests_split_at_every_read_size) {
  const std::string stream =
      simple_get + post_with_body + http10_keep_alive + simple_get + get_then_close;
  const std::vector<seen_request> expected = {
      {"GET", "/", "", true},     {"POST", "/submit?x=1", "hello world", true},
      {"GET", "/old", "", true},  {"GET", "/", "", true},
      {"GET", "/bye", "", false},
  };
  for (std::size_t read_size = 1; read_size <= stream.size(); ++read_size) {
    ASSERT_EQ(serve(stream, read_size), expected) << "reads of " << read_size << " bytes";
  }
}

TEST(http_parser, pipelined_requests_in_one_buffer) {
  std::string buffer;
  for (int i = 0; i < 100; ++i) buffer += simple_get;
  std::string_view rest = buffer;
  int parsed = 0;
  while (!rest.empty()) {
    const parse_result r = parse_request(rest);
    ASSERT_EQ(r.status, parse_status::complete);
    ASSERT_EQ(r.consumed, simple_get.size());
    rest.remove_prefix(r.consumed);
    ++parsed;
  }
  EXPECT_EQ(parsed, 100);
}

struct keep_alive_case {
  std::string_view version;
  std::string_view fields;  // each ending in CRLF
  bool keep_alive;
};

TEST(http_parser, keep_alive_rules) {
  const keep_alive_case cases[] = {
      {"1.1", "Host: a\r\n", true},
      {"1.1", "Host: a\r\nConnection: close\r\n", false},
      {"1.1", "Host: a\r\nConnection: CLOSE\r\n", false},
      {"1.1", "Host: a\r\nCONNECTION: Close\r\n", false},
      {"1.1", "Host: a\r\nConnection: keep-alive\r\n", true},
      {"1.1", "Host: a\r\nConnection: Upgrade, close\r\n", false},
      {"1.1", "Host: a\r\nConnection: \t close \t,foo\r\n", false},
      {"1.1", "Host: a\r\nConnection: ,,close,,\r\n", false},
      {"1.1", "Host: a\r\nConnection: foo\r\nConnection: close\r\n", false},
      {"1.1", "Host: a\r\nConnection: closed\r\n", true},
      {"1.1", "Host: a\r\nConnection: not-close\r\n", true},
      {"1.1", "Host: a\r\nConnection: clo se\r\n", true},
      {"1.1", "Host: a\r\nConnection:\r\n", true},
      {"1.1", "Host: a\r\nProxy-Connection: close\r\n", true},
      {"1.1", "Host: a\r\nX-Connection: close\r\n", true},
      {"1.1", "Host: a\r\nConnection: keep-alive, close\r\n", false},
      {"1.0", "", false},
      {"1.0", "Host: a\r\n", false},
      {"1.0", "Connection: keep-alive\r\n", true},
      {"1.0", "Connection: Keep-Alive\r\n", true},
      {"1.0", "Connection: foo, keep-alive\r\n", true},
      {"1.0", "Connection: foo\r\nConnection: keep-alive\r\n", true},
      {"1.0", "Connection: keep-alive, close\r\n", false},
      {"1.0", "Connection: keep-alives\r\n", false},
      {"1.0", "Connection: close\r\n", false},
      {"1.0", "Keep-Alive: timeout=5\r\n", false},
  };
  for (const keep_alive_case& c : cases) {
    const std::string request = request_with(c.version, c.fields);
    SCOPED_TRACE(request);
    const parse_result r = parse_request(request);
    ASSERT_EQ(r.status, parse_status::complete);
    EXPECT_EQ(r.keep_alive, c.keep_alive);
    EXPECT_EQ(r.minor_version, c.version == "1.1" ? 1 : 0);
  }
}

TEST(http_parser, accepts_the_whole_grammar) {
  const std::string_view valid[] = {
      "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
      "GET http://example.com/a?b=c&d=%20#f HTTP/1.1\r\nHost: example.com\r\n\r\n",
      "M-SEARCH * HTTP/1.1\r\nHost: a\r\n\r\n",
      "get /lower-case-method HTTP/1.1\r\nHost: a\r\n\r\n",
      "!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n",
      "GET / HTTP/1.1\r\nhost:a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost:\r\n\r\n",  // an empty Host is allowed
      "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX-Ows: \t \t\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX: inner  spaces\tand tabs\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n",  // obs-text in a value
      "GET / HTTP/1.1\r\nHost: a\r\nX: \"quoted\", (comment); q=0.5\r\n\r\n",
      "GET / HTTP/1.0\r\n\r\n",  // HTTP/1.0 needs no Host
  };
  for (const std::string_view request : valid) {
    const parse_result r = parse_request(request);
    EXPECT_EQ(r.status, parse_status::complete) << request;
    EXPECT_EQ(r.consumed, request.size()) << request;
  }
  const parse_result options = parse_request(valid[0]);
  EXPECT_EQ(options.method, "OPTIONS");
  EXPECT_EQ(options.target, "*");
  const parse_result absolute = parse_request(valid[2]);
  EXPECT_EQ(absolute.target, "http://example.com/a?b=c&d=%20#f");
}

// Malformed requests; each is also checked prefix by prefix.
const std::string_view malformed_requests[] = {
    // Request line.
    "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",  // an empty line first
    " GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /\tx HTTP/1.1\r\nHost: a\r\n\r\n",
    "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n"sv,
    "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
    "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.10\r\nHost: a\r\n\r\n",
    "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    "GET / HTTP/0.9\r\nHost: a\r\n\r\n",
    "GET / http/1.1\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.1\nHost: a\r\n\r\n",  // bare LF
    "GET / HTTP/1.1\r\rHost: a\r\n\r\n",
    "GET / HTTP/1.1\rHost: a\r\n\r\n",
    "GET /\r\n\r\n",  // HTTP/0.9
    "GET\r\n\r\n",
    // Header fields.
    "GET / HTTP/1.1\r\nHost : a\r\n\r\n",  // whitespace before the colon
    "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
    "GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n",         // empty name
    "GET / HTTP/1.1\r\n Host: a\r\n\r\n",               // whitespace before the first field
    "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n",  // obs-fold
    "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n\tc\r\n\r\n",
    "GET / HTTP/1.1\r\nHost a\r\n\r\n",
    "GET / HTTP/1.1\r\nHo st: a\r\n\r\n",
    "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",  // bare LF
    "GET / HTTP/1.1\r\nHost: a\r\n\n",
    "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fz\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX: a\0z\r\n\r\n"sv,
    // Message rules.
    "GET / HTTP/1.1\r\n\r\n",                        // HTTP/1.1 without Host
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two Hosts
    "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: identity\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nab",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x1\r\n\r\nx",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 1\r\n\r\nx",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1.0\r\n\r\nx",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n",
};

TEST(http_parser, malformed_requests) {
  for (const std::string_view request : malformed_requests) {
    SCOPED_TRACE(testing::PrintToString(std::string(request)));
    const parse_result r = parse_request(request);
    EXPECT_EQ(r.status, parse_status::malformed);
    EXPECT_FALSE(r.keep_alive);
    EXPECT_EQ(r.consumed, 0U);
  }
}

TEST(http_parser, a_malformed_request_is_never_complete_and_stays_malformed) {
  for (const std::string_view request : malformed_requests) {
    SCOPED_TRACE(testing::PrintToString(std::string(request)));
    bool seen_malformed = false;
    for (std::size_t n = 0; n <= request.size(); ++n) {
      const parse_status s = parse_request(request.substr(0, n)).status;
      ASSERT_NE(s, parse_status::complete) << n << " bytes";
      if (seen_malformed) {
        ASSERT_EQ(s, parse_status::malformed) << n << " bytes";
      }
      seen_malformed = s == parse_status::malformed;
    }
  }
}

TEST(http_parser, malformed_is_reported_before_the_header_section_ends) {
  // A server can answer 400 without waiting for bytes that may never come.
  EXPECT_EQ(parse_request("\x16\x03\x01").status, parse_status::malformed);  // a TLS hello
  EXPECT_EQ(parse_request("GET / HTTP/1.1\r\nBad header\r\n").status, parse_status::malformed);
  EXPECT_EQ(parse_request("GET / HTTP/2").status, parse_status::malformed);
  EXPECT_EQ(parse_request("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n").status,
            parse_status::malformed);
}

// A request whose header section is exactly `size` bytes (a padding field fills it up).
std::string request_of_header_size(std::size_t size) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ";
  const std::string tail = "\r\n\r\n";
  return head + std::string(size - head.size() - tail.size(), 'p') + tail;
}

TEST(http_parser, header_section_limit) {
  const std::size_t limit = http::parse_limits{}.max_header_bytes;
  ASSERT_EQ(limit, 8192U);

  const std::string largest = request_of_header_size(limit);
  ASSERT_EQ(largest.size(), limit);
  const parse_result ok = parse_request(largest);
  EXPECT_EQ(ok.status, parse_status::complete);
  EXPECT_EQ(ok.consumed, limit);
  // Its proper prefixes are still incomplete, the last one included.
  EXPECT_EQ(parse_request(std::string_view(largest).substr(0, limit - 1)).status,
            parse_status::incomplete);

  const std::string too_large = request_of_header_size(limit + 1);
  EXPECT_EQ(parse_request(too_large).status, parse_status::malformed);
  // Malformed as soon as `limit` bytes arrived without the header section ending.
  EXPECT_EQ(parse_request(std::string_view(too_large).substr(0, limit)).status,
            parse_status::malformed);
  EXPECT_EQ(parse_request(std::string_view(too_large).substr(0, limit - 1)).status,
            parse_status::incomplete);
}

TEST(http_parser, a_header_section_that_never_ends_does_not_grow_forever) {
  // A slow client sending one endless field, or an endless request line.
  const std::size_t limit = http::parse_limits{}.max_header_bytes;
  for (std::string endless : {"GET / HTTP/1.1\r\nHost: a\r\nX: ", "GET /"}) {
    SCOPED_TRACE(endless);
    while (endless.size() < limit) {
      ASSERT_EQ(parse_request(endless).status, parse_status::incomplete) << endless.size();
      endless += 'x';
    }
    EXPECT_EQ(parse_request(endless).status, parse_status::malformed);
    endless += std::string(1000, 'x');
    EXPECT_EQ(parse_request(endless).status, parse_status::malformed);
  }
}

std::string request_with_fields(std::size_t count) {
  std::string request = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (std::size_t i = 1; i < count; ++i) request += "X-" + std::to_string(i) + ": v\r\n";
  return request + "\r\n";
}

TEST(http_parser, header_count_limit) {
  const std::size_t limit = http::parse_limits{}.max_headers;
  ASSERT_EQ(limit, 64U);
  EXPECT_EQ(parse_request(request_with_fields(limit)).status, parse_status::complete);
  const std::string too_many = request_with_fields(limit + 1);
  EXPECT_EQ(parse_request(too_many).status, parse_status::malformed);
  // Malformed as soon as the 65th field starts, before the header section ends.
  const std::string up_to_65th = request_with_fields(limit);
  const std::string_view started = std::string_view(up_to_65th).substr(0, up_to_65th.size() - 2);
  EXPECT_EQ(parse_request(std::string(started) + "X").status, parse_status::malformed);
}

TEST(http_parser, limits_can_be_set) {
  http::parse_limits tight;
  tight.max_header_bytes = 64;
  tight.max_headers = 2;
  tight.max_body_bytes = 4;
  const std::string_view fits = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd";
  EXPECT_EQ(parse_request(fits, tight).status, parse_status::complete);
  EXPECT_EQ(
      parse_request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde", tight).status,
      parse_status::malformed);
  EXPECT_EQ(parse_request("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", tight).status,
            parse_status::malformed);
  EXPECT_EQ(parse_request(request_of_header_size(65), tight).status, parse_status::malformed);
  EXPECT_EQ(parse_request(request_of_header_size(64), tight).status, parse_status::complete);
}

TEST(http_parser, bodies) {
  const parse_result r = parse_request(post_with_body);
  ASSERT_EQ(r.status, parse_status::complete);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/submit?x=1");
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.consumed, post_with_body.size());

  // Incomplete while the body is short, even with the whole header section there.
  const std::size_t header_size = post_with_body.size() - 11;
  for (std::size_t n = header_size; n < post_with_body.size(); ++n) {
    EXPECT_EQ(parse_request(std::string_view(post_with_body).substr(0, n)).status,
              parse_status::incomplete);
  }

  // A body is not parsed: bytes that look like a request are still body.
  const std::string inner = "GET / HTTP/1.1\r\nHost: b\r\n\r\n";
  const std::string tricky =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(inner.size()) + "\r\n\r\n" +
      inner;
  const parse_result t = parse_request(tricky);
  ASSERT_EQ(t.status, parse_status::complete);
  EXPECT_EQ(t.consumed, tricky.size());
  EXPECT_EQ(t.body, inner);

  const std::string_view cases[][2] = {
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", ""},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  \t3 \t\r\n\r\nabc", "abc"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 003\r\n\r\nabc", "abc"},
      {"POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 3\r\nCONTENT-LENGTH: 3\r\n\r\nabc", "abc"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n\r\n", "\r\n"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\na\0b\x01"sv, "a\0b\x01"sv},
  };
  for (const auto& [request, body] : cases) {
    const parse_result c = parse_request(request);
    ASSERT_EQ(c.status, parse_status::complete) << request;
    EXPECT_EQ(c.body, body);
    EXPECT_EQ(c.consumed, request.size());
  }

  const std::size_t max_body = http::parse_limits{}.max_body_bytes;
  const std::string largest =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(max_body) + "\r\n\r\n";
  EXPECT_EQ(parse_request(largest).status, parse_status::incomplete);
  EXPECT_EQ(parse_request(largest + std::string(max_body, 'b')).status, parse_status::complete);
  const std::string too_large =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(max_body + 1) + "\r\n\r\n";
  EXPECT_EQ(parse_request(too_large).status, parse_status::malformed);
}

TEST(http_responses, are_well_formed) {
  const std::string_view hello = http::hello_response;
  const std::size_t end = hello.find("\r\n\r\n");
  ASSERT_NE(end, std::string_view::npos);
  EXPECT_EQ(hello.substr(end + 4), "Hello, world!");
  EXPECT_EQ(hello.substr(end + 4).size(), 13U);
  EXPECT_EQ(hello.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_NE(hello.find("\r\nContent-Length: 13\r\n"), std::string_view::npos);

  const std::string_view hello_10 = http::hello_keep_alive_response;
  EXPECT_NE(hello_10.find("\r\nConnection: keep-alive\r\n"), std::string_view::npos);
  EXPECT_EQ(hello_10.substr(hello_10.find("\r\n\r\n") + 4), "Hello, world!");

  const std::string_view bad = http::bad_request_response;
  EXPECT_EQ(bad, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

}  // namespace
