// Reads one HTTP/1.1 response from a kov::buf_reader for the kov-get example: the head (status
// line and fields, parsed by response_parser.hpp; interim 1xx responses skipped), then the body
// as its framing says, handed to a sink piece by piece.
//
//   kov::buf_reader reader(conn);
//   auto head = co_await http::read_response_head(reader);
//   if (!head) fail(head.error().message());        // http::response_errc, or the stream's
//   auto body = co_await http::read_response_body(reader, *head, [](std::string_view piece) {
//     return std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size();
//   });
//
// Every line is read with a maximum length, so a server cannot make the buffer grow without
// bound; the body goes through a fixed buffer whatever its size.
#pragma once

#include <kov/buffer.hpp>
#include <kov/io/buf_reader.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include "response_parser.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace http {

enum class response_errc : int {
  bad_status_line = 1,  // not "HTTP/1.x NNN reason"
  bad_header,           // a field line that is not name ":" value
  bad_framing,          // Content-Length or Transfer-Encoding malformed or contradictory
  bad_chunk,            // a chunk-size line, or the CRLF after a chunk's data
  line_too_long,        // a head, chunk-size or trailer line over its maximum
  too_many_fields,      // more header (or trailer) fields than allowed
  closed_in_head,       // the server closed before the head ended
  closed_in_body,       // the server closed before the body ended
  unsupported,          // 101 Switching Protocols: kov-get asked for no upgrade
  sink_failed,          // the body's sink refused a piece (stdout closed, disk full)
};

inline const std::error_category& response_category() noexcept {
  class category final : public std::error_category {
   public:
    const char* name() const noexcept override { return "http.response"; }
    std::string message(int e) const override {
      switch (static_cast<response_errc>(e)) {
        case response_errc::bad_status_line:
          return "malformed status line";
        case response_errc::bad_header:
          return "malformed header field";
        case response_errc::bad_framing:
          return "malformed or contradictory body framing";
        case response_errc::bad_chunk:
          return "malformed chunk";
        case response_errc::line_too_long:
          return "line too long";
        case response_errc::too_many_fields:
          return "too many header fields";
        case response_errc::closed_in_head:
          return "connection closed before the end of the head";
        case response_errc::closed_in_body:
          return "connection closed before the end of the body";
        case response_errc::unsupported:
          return "unexpected protocol switch";
        case response_errc::sink_failed:
          return "could not write the body out";
      }
      return "unknown response error";
    }
  };
  static const category instance;
  return instance;
}

inline std::error_code make_error_code(response_errc e) noexcept {
  return {static_cast<int>(e), response_category()};
}

}  // namespace http

template <>
struct std::is_error_code_enum<http::response_errc> : std::true_type {};

namespace http {

struct response_limits {
  std::size_t max_line = 8 * 1024;  // a status, field, chunk-size or trailer line
  std::size_t max_fields = 100;     // header fields, and trailer fields
};

// A response's head, copied out of the reader's buffer.
struct response_head {
  int minor_version = 1;
  int code = 0;
  std::string reason;
  std::vector<std::string> lines;  // the status line and each field line, without line ends
  body_kind body = body_kind::none;
  std::uint64_t content_length = 0;  // when body is content_length
};

namespace detail {

// A line read for the response: a missing line (the stream ended) becomes `closed`, an
// overlong one line_too_long; the stream's own errors pass as they are.
template <class Reader>
kov::task<kov::result<std::string_view>> read_response_line(Reader& reader, std::size_t max_line,
                                                            response_errc closed) {
  auto line = co_await reader.read_line(max_line);
  if (!line) {
    if (line.error() == std::errc::message_size)
      co_return make_error_code(response_errc::line_too_long);
    if (line.error() == kov::errc::end_of_stream) co_return make_error_code(closed);
    co_return line.error();
  }
  if (!*line) co_return make_error_code(closed);
  co_return **line;
}

// Field lines up to the empty line, each handed to `on_field`; at most `limits.max_fields`.
template <class Reader, class OnField>
kov::task<kov::result<void>> read_fields(Reader& reader, const response_limits& limits,
                                         response_errc closed, OnField on_field) {
  for (std::size_t fields = 0;; ++fields) {
    auto line = co_await read_response_line(reader, limits.max_line, closed);
    if (!line) co_return line.error();
    if (line->empty()) co_return kov::result<void>();
    if (fields == limits.max_fields) co_return make_error_code(response_errc::too_many_fields);
    const auto field = parse_header_field(*line);
    if (!field) co_return make_error_code(response_errc::bad_header);
    if (auto r = on_field(*line, *field); !r) co_return r;
  }
}

// Exactly `n` bytes from the reader to `sink`, through `buf`.
template <class Reader, class Sink>
kov::task<kov::result<void>> pass_exactly(Reader& reader, std::uint64_t n, std::vector<char>& buf,
                                          Sink& sink) {
  while (n > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
    auto got = co_await reader.read(kov::mutable_buffer(buf.data(), want));
    if (!got) co_return got.error();
    if (*got == 0) co_return make_error_code(response_errc::closed_in_body);
    if (!sink(std::string_view(buf.data(), *got)))
      co_return make_error_code(response_errc::sink_failed);
    n -= *got;
  }
  co_return kov::result<void>();
}

template <class Reader, class Sink>
kov::task<kov::result<void>> pass_until_close(Reader& reader, std::vector<char>& buf, Sink& sink) {
  for (;;) {
    auto got = co_await reader.read(kov::mutable_buffer(buf.data(), buf.size()));
    if (!got) co_return got.error();
    if (*got == 0) co_return kov::result<void>();
    if (!sink(std::string_view(buf.data(), *got)))
      co_return make_error_code(response_errc::sink_failed);
  }
}

// chunk-size line, data, CRLF, until the last (size 0) chunk; then the trailer fields, which
// are checked and dropped.
template <class Reader, class Sink>
kov::task<kov::result<void>> pass_chunked(Reader& reader, const response_limits& limits,
                                          std::vector<char>& buf, Sink& sink) {
  for (;;) {
    auto line = co_await read_response_line(reader, limits.max_line, response_errc::closed_in_body);
    if (!line) co_return line.error();
    const auto size = parse_chunk_size(*line, std::uint64_t{1} << 60);
    if (!size) co_return make_error_code(response_errc::bad_chunk);
    if (*size == 0) break;
    if (auto r = co_await pass_exactly(reader, *size, buf, sink); !r) co_return r;
    auto end = co_await read_response_line(reader, limits.max_line, response_errc::closed_in_body);
    if (!end) co_return end.error();
    if (!end->empty()) co_return make_error_code(response_errc::bad_chunk);
  }
  co_return co_await read_fields(
      reader, limits, response_errc::closed_in_body,
      [](std::string_view, header_field) { return kov::result<void>(); });
}

}  // namespace detail

// The head of the next final response (1xx interim responses are read and dropped).
template <class Reader>
kov::task<kov::result<response_head>> read_response_head(Reader& reader,
                                                         response_limits limits = {}) {
  for (;;) {
    auto line =
        co_await detail::read_response_line(reader, limits.max_line, response_errc::closed_in_head);
    if (!line) co_return line.error();
    const auto status = parse_status_line(*line);
    if (!status) co_return make_error_code(response_errc::bad_status_line);
    response_head head;
    head.minor_version = status->minor_version;
    head.code = status->code;
    head.reason = std::string(status->reason);
    head.lines.emplace_back(*line);
    response_framing framing;
    auto fields = co_await detail::read_fields(
        reader, limits, response_errc::closed_in_head,
        [&](std::string_view text, header_field f) -> kov::result<void> {
          head.lines.emplace_back(text);
          if (!framing.add(f)) return make_error_code(response_errc::bad_framing);
          return {};
        });
    if (!fields) co_return fields.error();
    if (head.code == 101) co_return make_error_code(response_errc::unsupported);
    if (head.code < 200) continue;  // interim: the final response follows
    const auto body = framing.body(head.code);
    if (!body) co_return make_error_code(response_errc::bad_framing);
    head.body = *body;
    head.content_length = framing.content_length();
    co_return head;
  }
}

// The body of the response whose head is `head`, handed to `sink` (a callable taking a
// std::string_view, false to stop). A server that closes before the body's
// end is response_errc::closed_in_body (when the body runs until the close, the close is its
// end).
template <class Reader, class Sink>
kov::task<kov::result<void>> read_response_body(Reader& reader, const response_head& head,
                                                Sink sink, response_limits limits = {}) {
  std::vector<char> buf(std::size_t{64} * 1024);
  switch (head.body) {
    case body_kind::none:
      co_return kov::result<void>();
    case body_kind::content_length:
      co_return co_await detail::pass_exactly(reader, head.content_length, buf, sink);
    case body_kind::chunked:
      co_return co_await detail::pass_chunked(reader, limits, buf, sink);
    case body_kind::until_close:
      co_return co_await detail::pass_until_close(reader, buf, sink);
  }
  co_return kov::result<void>();
}

}  // namespace http
