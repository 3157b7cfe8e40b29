// The HTTP/1.1 response grammar of the kov-get example, one line at a time: the status line, a
// header field, a chunk-size line, and response_framing, which gathers the fields that decide
// how the body is delimited. The caller splits the lines (kov-get uses buf_reader::read_line
// with a maximum length); nothing here does I/O or allocates, so each function can be
// unit-tested and fuzzed alone.
//
//   status-line  = "HTTP/1." DIGIT SP 3DIGIT [ SP reason-phrase ]
//   field-line   = field-name ":" OWS field-value OWS
//   chunk-line   = 1*HEXDIG *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )
//
// Body framing (RFC 9112 section 6.3, for the response to a GET): 1xx, 204 and 304 have none;
// Transfer-Encoding ending in chunked is chunked, any other Transfer-Encoding runs to the close;
// else Content-Length (digits; repeated ones must agree); else to the close. Transfer-Encoding
// together with Content-Length is refused (RFC 9112 lets a recipient treat it as an error: it
// is the shape of a smuggling attempt), as is chunked applied twice or not last.
#pragma once

#include "request_parser.hpp"  // detail::is, equals_lower, trim_ows, read_content_length

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace http {

struct status_line {
  int minor_version = 1;    // HTTP/1.0 or HTTP/1.1
  int code = 0;             // 100 to 999
  std::string_view reason;  // may be empty
};

// `line` without its line end.
constexpr std::optional<status_line> parse_status_line(std::string_view line) noexcept {
  constexpr std::string_view prefix = "HTTP/1.";
  if (line.size() < prefix.size() + 5 || line.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  line.remove_prefix(prefix.size());
  status_line s;
  if (line[0] != '0' && line[0] != '1') return std::nullopt;
  s.minor_version = line[0] - '0';
  if (line[1] != ' ') return std::nullopt;
  int code = 0;
  for (std::size_t i = 2; i < 5; ++i) {
    if (line[i] < '0' || line[i] > '9') return std::nullopt;
    code = code * 10 + (line[i] - '0');
  }
  if (code < 100) return std::nullopt;
  s.code = code;
  line.remove_prefix(5);
  if (line.empty()) return s;  // no reason phrase, not even its SP: accepted
  if (line[0] != ' ') return std::nullopt;
  line.remove_prefix(1);
  for (const char c : line) {
    if (!detail::is(c, detail::value_char)) return std::nullopt;
  }
  s.reason = line;
  return s;
}

struct header_field {
  std::string_view name;
  std::string_view value;  // without the OWS around it
};

// `line` without its line end. A line starting with whitespace (obs-fold) is malformed.
constexpr std::optional<header_field> parse_header_field(std::string_view line) noexcept {
  std::size_t i = 0;
  while (i < line.size() && detail::is(line[i], detail::token_char)) ++i;
  if (i == 0 || i == line.size() || line[i] != ':') return std::nullopt;
  header_field f;
  f.name = line.substr(0, i);
  const std::string_view value = line.substr(i + 1);
  for (const char c : value) {
    if (!detail::is(c, detail::value_char)) return std::nullopt;
  }
  f.value = detail::trim_ows(value);
  return f;
}

namespace detail {

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::string_view skip_bws(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

constexpr std::string_view skip_token(std::string_view s) noexcept {
  while (!s.empty() && is(s.front(), token_char)) s.remove_prefix(1);
  return s;
}

// A quoted-string at the start of `s` (RFC 9110 section 5.6.4): the rest after it, or nullopt.
constexpr std::optional<std::string_view> skip_quoted(std::string_view s) noexcept {
  if (s.empty() || s.front() != '"') return std::nullopt;
  s.remove_prefix(1);
  while (!s.empty()) {
    const char c = s.front();
    s.remove_prefix(1);
    if (c == '"') return s;
    if (c == '\\') {
      if (s.empty() || !is(s.front(), value_char)) return std::nullopt;
      s.remove_prefix(1);
    } else if (!is(c, value_char)) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// chunk-ext: the extensions are checked and ignored, as RFC 9112 lets a recipient do.
constexpr bool valid_chunk_extensions(std::string_view s) noexcept {
  for (;;) {
    s = skip_bws(s);
    if (s.empty()) return true;
    if (s.front() != ';') return false;
    s = skip_bws(s.substr(1));
    const std::string_view after_name = skip_token(s);
    if (after_name.size() == s.size()) return false;  // empty ext-name
    s = skip_bws(after_name);
    if (s.empty() || s.front() != '=') continue;
    s = skip_bws(s.substr(1));
    if (!s.empty() && s.front() == '"') {
      const auto rest = skip_quoted(s);
      if (!rest) return false;
      s = *rest;
    } else {
      const std::string_view after_value = skip_token(s);
      if (after_value.size() == s.size()) return false;  // empty ext-val
      s = after_value;
    }
  }
}

}  // namespace detail

// The size of a chunk from its chunk-size line (without the line end), or nullopt when the line
// is malformed or the size exceeds `max`.
constexpr std::optional<std::uint64_t> parse_chunk_size(std::string_view line,
                                                        std::uint64_t max) noexcept {
  std::uint64_t size = 0;
  std::size_t i = 0;
  for (; i < line.size() && detail::hex_value(line[i]) >= 0; ++i) {
    if (size > max / 16) return std::nullopt;  // the next digit would pass max (or overflow)
    size = size * 16 + static_cast<std::uint64_t>(detail::hex_value(line[i]));
    if (size > max) return std::nullopt;
  }
  if (i == 0 || !detail::valid_chunk_extensions(line.substr(i))) return std::nullopt;
  return size;
}

enum class body_kind : std::uint8_t {
  none,            // 1xx, 204, 304
  content_length,  // exactly response_framing::content_length bytes
  chunked,         // chunks, then trailer fields
  until_close,     // every byte until the server closes
};

// The header fields that frame the body, gathered one field at a time.
class response_framing {
 public:
  // Takes one field in; false when it makes the response malformed.
  constexpr bool add(header_field f) noexcept {
    if (detail::equals_lower(f.name, "content-length")) return add_content_length(f.value);
    if (detail::equals_lower(f.name, "transfer-encoding")) return add_transfer_coding(f.value);
    return true;
  }

  // How the body of a response with status `code` is delimited; nullopt when the fields
  // contradict each other.
  constexpr std::optional<body_kind> body(int code) const noexcept {
    if ((code >= 100 && code < 200) || code == 204 || code == 304) return body_kind::none;
    if (has_transfer_encoding_) {
      if (has_length_) return std::nullopt;
      return chunked_last_ ? body_kind::chunked : body_kind::until_close;
    }
    return has_length_ ? body_kind::content_length : body_kind::until_close;
  }

  std::uint64_t content_length() const noexcept { return length_; }

 private:
  constexpr bool add_content_length(std::string_view value) noexcept {
    std::size_t n = 0;
    // Up to 2^60 bytes: far beyond any real body, and no overflow in the digit loop.
    if (!detail::read_content_length(value, std::size_t{1} << 60, n)) return false;
    if (has_length_ && n != length_) return false;
    has_length_ = true;
    length_ = n;
    return true;
  }

  // A comma list of codings; each field continues the list of the previous ones.
  constexpr bool add_transfer_coding(std::string_view value) noexcept {
    has_transfer_encoding_ = true;
    while (!value.empty()) {
      const std::size_t comma = value.find(',');
      const std::string_view coding = detail::trim_ows(value.substr(0, comma));
      if (!coding.empty()) {
        if (chunked_last_) return false;  // chunked applied before another coding, or twice
        chunked_last_ = detail::equals_lower(coding, "chunked");
      }
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
    return true;
  }

  bool has_length_ = false;
  std::uint64_t length_ = 0;
  bool has_transfer_encoding_ = false;
  bool chunked_last_ = false;
};

}  // namespace http
