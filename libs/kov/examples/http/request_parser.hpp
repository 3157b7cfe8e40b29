#pragma once
// A strict HTTP/1.1 request parser for the kov-http example: one call per attempt on a
// connection's read buffer, no allocation, no state kept between calls.
//
//   http::parse_result r = http::parse_request(buffer);
//   switch (r.status) {
//     case http::parse_status::incomplete: /* read more, then parse the whole buffer again */
//     case http::parse_status::malformed:  /* answer 400 and close */
//     case http::parse_status::complete:   /* answer, drop r.consumed bytes, parse the rest:
//                                             pipelined requests follow back to back */
//   }
//
// What it accepts (RFC 9112, strictly):
//   request-line = method SP request-target SP ("HTTP/1.0" / "HTTP/1.1") CRLF
//   header       = field-name ":" OWS field-value OWS CRLF, then an empty line (CRLF)
// The method and field names are tokens; the target is visible ASCII (no space, control or
// non-ASCII byte); field values hold no control byte but HTAB. Line ends are CRLF only. A line
// starting with whitespace (obs-fold, or before the first field), whitespace before a colon, an
// empty name or method, or anything before the request line is malformed.
// Message rules: Transfer-Encoding is refused (no chunked bodies here); Content-Length is
// digits only, and repeated ones must agree; an HTTP/1.1 request needs exactly one Host field,
// an HTTP/1.0 request at most one (RFC 9112 section 3.2).
//
// Limits (parse_limits): the header section (request line to the empty line, inclusive) over
// max_header_bytes is malformed as soon as that many bytes arrived without it ending, so a
// client that never finishes its headers cannot grow the buffer forever. The same goes for more
// than max_headers fields and a Content-Length over max_body_bytes.
//
// Speed: one pass over the header bytes, each byte classified by a table lookup; the header
// names that matter are recognised by length first. Re-parsing after `incomplete` starts over,
// which the header limit bounds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace http {

enum class parse_status : std::uint8_t {
  complete,    // one whole request (with its body) is at the start of the buffer
  incomplete,  // a valid beginning: read more bytes and parse again
  malformed,   // not a request we accept, however many bytes follow: answer 400 and close
};

// What parse_request found. The views point into the parsed buffer.
struct parse_result {
  parse_status status = parse_status::incomplete;
  // The rest is set only when status is complete.
  std::size_t consumed = 0;   // bytes of this request, body included
  bool keep_alive = false;    // whether the connection stays open after the response
  std::string_view method;    // "GET"
  std::string_view target;    // "/index.html"
  int minor_version = 0;      // 0 or 1: HTTP/1.0 or HTTP/1.1
  std::string_view body;      // the Content-Length bytes after the header section
};

struct parse_limits {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_headers = 64;
  std::size_t max_body_bytes = 1024 * 1024;
};

namespace detail {

enum char_class : std::uint8_t {
  token_char = 1,   // tchar: method and field names
  target_char = 2,  // visible ASCII: request-target
  value_char = 4,   // field-value bytes: visible, SP, HTAB, obs-text
};

constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    std::uint8_t bits = 0;
    const bool visible = c >= 0x21 && c <= 0x7e;
    if (visible) bits |= target_char | value_char;
    if (c == ' ' || c == '\t' || c >= 0x80) bits |= value_char;
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                     std::string_view::npos) {
      bits |= token_char;
    }
    table[c] = bits;
  }
  return table;
}

inline constexpr std::array<std::uint8_t, 256> char_classes = make_char_classes();

constexpr bool is(char c, char_class k) noexcept {
  return (char_classes[static_cast<unsigned char>(c)] & k) != 0;
}

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive equality with a lower-case literal.
constexpr bool equals_lower(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (to_lower(text[i]) != lower[i]) return false;
  }
  return true;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The Connection options this server acts on, from one field value (a comma list of tokens).
struct connection_options {
  bool close = false;
  bool keep_alive = false;
};

constexpr void read_connection(std::string_view value, connection_options& options) noexcept {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view option = trim_ows(value.substr(0, comma));
    if (equals_lower(option, "close")) options.close = true;
    if (equals_lower(option, "keep-alive")) options.keep_alive = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// A Content-Length value: digits only, at most `max`. False otherwise.
constexpr bool read_content_length(std::string_view value, std::size_t max,
                                   std::size_t& length) noexcept {
  if (value.empty()) return false;
  std::size_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > max) return false;  // no overflow: max < SIZE_MAX / 10 (parse_request requires it)
  }
  length = n;
  return true;
}

}  // namespace detail

// Parses the request at the start of `buffer` (see the top of this file for the grammar).
// `limits.max_body_bytes` must be below SIZE_MAX / 10.
constexpr parse_result parse_request(std::string_view buffer,
                                     const parse_limits& limits = {}) noexcept {
  using detail::is;
  parse_result malformed;
  malformed.status = parse_status::malformed;
  const parse_result incomplete;  // status incomplete, the rest unset

  // Only the first max_header_bytes can hold the header section. Running out of bytes inside it
  // is `incomplete` while fewer arrived, `malformed` once that many did.
  const std::size_t window = buffer.size() < limits.max_header_bytes ? buffer.size()
                                                                     : limits.max_header_bytes;
  const parse_result starved = buffer.size() >= limits.max_header_bytes ? malformed : incomplete;
  const char* p = buffer.data();
  const char* const end = p + window;

  // The bytes of `literal` next, or a prefix of them up to `end`.
  enum class match : std::uint8_t { yes, no, partial };
  const auto expect = [&p, end](std::string_view literal) noexcept {
    for (const char c : literal) {
      if (p == end) return match::partial;
      if (*p != c) return match::no;
      ++p;
    }
    return match::yes;
  };

  // Request line.
  const char* const method_begin = p;
  while (p != end && is(*p, detail::token_char)) ++p;
  if (p == end) return starved;
  if (*p != ' ' || p == method_begin) return malformed;
  const std::string_view method(method_begin, static_cast<std::size_t>(p - method_begin));
  ++p;

  const char* const target_begin = p;
  while (p != end && is(*p, detail::target_char)) ++p;
  if (p == end) return starved;
  if (*p != ' ' || p == target_begin) return malformed;
  const std::string_view target(target_begin, static_cast<std::size_t>(p - target_begin));
  ++p;

  if (const match m = expect("HTTP/1."); m != match::yes) {
    return m == match::partial ? starved : malformed;
  }
  if (p == end) return starved;
  if (*p != '0' && *p != '1') return malformed;
  const int minor_version = *p - '0';
  ++p;
  if (const match m = expect("\r\n"); m != match::yes) {
    return m == match::partial ? starved : malformed;
  }

  // Header fields, up to the empty line.
  std::size_t fields = 0;
  std::size_t hosts = 0;
  bool has_length = false;
  std::size_t content_length = 0;
  detail::connection_options connection;
  for (;;) {
    if (p == end) return starved;
    if (*p == '\r') break;
    if (++fields > limits.max_headers) return malformed;

    // A line starting with SP or HTAB (obs-fold) fails here: neither is a token char.
    const char* const name_begin = p;
    while (p != end && is(*p, detail::token_char)) ++p;
    if (p == end) return starved;
    if (*p != ':' || p == name_begin) return malformed;
    const std::string_view name(name_begin, static_cast<std::size_t>(p - name_begin));
    ++p;

    const char* const value_begin = p;
    while (p != end && is(*p, detail::value_char)) ++p;
    if (p == end) return starved;
    const std::string_view value = detail::trim_ows(
        std::string_view(value_begin, static_cast<std::size_t>(p - value_begin)));
    if (const match m = expect("\r\n"); m != match::yes) {
      return m == match::partial ? starved : malformed;
    }

    // Only these names matter; their lengths differ, so one compare decides.
    switch (name.size()) {
      case 4:
        if (detail::equals_lower(name, "host")) ++hosts;
        break;
      case 10:
        if (detail::equals_lower(name, "connection")) detail::read_connection(value, connection);
        break;
      case 14:
        if (detail::equals_lower(name, "content-length")) {
          std::size_t length = 0;
          if (!detail::read_content_length(value, limits.max_body_bytes, length)) {
            return malformed;
          }
          if (has_length && length != content_length) return malformed;
          has_length = true;
          content_length = length;
        }
        break;
      case 17:
        if (detail::equals_lower(name, "transfer-encoding")) return malformed;
        break;
      default: break;
    }
  }
  if (const match m = expect("\r\n"); m != match::yes) {
    return m == match::partial ? starved : malformed;
  }
  if (hosts > 1 || (minor_version == 1 && hosts == 0)) return malformed;

  const std::size_t header_size = static_cast<std::size_t>(p - buffer.data());
  if (buffer.size() - header_size < content_length) return incomplete;

  parse_result r;
  r.status = parse_status::complete;
  r.consumed = header_size + content_length;
  r.keep_alive = minor_version == 1 ? !connection.close
                                    : connection.keep_alive && !connection.close;
  r.method = method;
  r.target = target;
  r.minor_version = minor_version;
  r.body = std::string_view(p, content_length);
  return r;
}

}  // namespace http
