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
#pragma once

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
  std::size_t consumed = 0;  // bytes of this request, body included
  bool keep_alive = false;   // whether the connection stays open after the response
  std::string_view method;   // "GET"
  std::string_view target;   // "/index.html"
  int minor_version = 0;     // 0 or 1: HTTP/1.0 or HTTP/1.1
  std::string_view body;     // the Content-Length bytes after the header section
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
    if (alnum ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
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

// How one step of the parse ended: `starved` ran out of bytes inside a valid beginning.
enum class step : std::uint8_t { ok, starved, malformed };

// The unread part of the header window, [p, end).
struct cursor {
  const char* p;
  const char* end;

  // `literal` next: ok and past it, starved on a prefix of it, malformed otherwise.
  constexpr step expect(std::string_view literal) noexcept {
    for (const char c : literal) {
      if (p == end) return step::starved;
      if (*p != c) return step::malformed;
      ++p;
    }
    return step::ok;
  }

  // A non-empty run of class-`k` bytes ended by `delimiter`: `run` and past the delimiter.
  constexpr step run_until(char_class k, char delimiter, std::string_view& run) noexcept {
    const char* const begin = p;
    while (p != end && is(*p, k)) ++p;
    if (p == end) return step::starved;
    if (*p != delimiter || p == begin) return step::malformed;
    run = std::string_view(begin, static_cast<std::size_t>(p - begin));
    ++p;
    return step::ok;
  }
};

struct request_line {
  std::string_view method;
  std::string_view target;
  int minor_version = 0;
};

// request-line = method SP request-target SP "HTTP/1." ("0" / "1") CRLF
constexpr step read_request_line(cursor& in, request_line& line) noexcept {
  if (const step s = in.run_until(token_char, ' ', line.method); s != step::ok) return s;
  if (const step s = in.run_until(target_char, ' ', line.target); s != step::ok) return s;
  if (const step s = in.expect("HTTP/1."); s != step::ok) return s;
  if (in.p == in.end) return step::starved;
  if (*in.p != '0' && *in.p != '1') return step::malformed;
  line.minor_version = *in.p - '0';
  ++in.p;
  return in.expect("\r\n");
}

// header = field-name ":" OWS field-value OWS CRLF. The value comes back without its OWS. A
// line starting with SP or HTAB (obs-fold) is malformed: neither is a token char.
constexpr step read_header_line(cursor& in, std::string_view& name,
                                std::string_view& value) noexcept {
  if (const step s = in.run_until(token_char, ':', name); s != step::ok) return s;
  const char* const value_begin = in.p;
  while (in.p != in.end && is(*in.p, value_char)) ++in.p;
  if (in.p == in.end) return step::starved;
  value = trim_ows(std::string_view(value_begin, static_cast<std::size_t>(in.p - value_begin)));
  return in.expect("\r\n");
}

// What the header block says about the message, gathered field by field.
struct header_facts {
  std::size_t fields = 0;
  std::size_t hosts = 0;
  bool has_length = false;
  std::size_t content_length = 0;
  connection_options connection;

  // Takes one field in; false when it makes the request malformed (Transfer-Encoding, a bad
  // or disagreeing Content-Length). Only these names matter; their lengths differ, so one
  // compare decides.
  constexpr bool add(std::string_view name, std::string_view value,
                     const parse_limits& limits) noexcept {
    switch (name.size()) {
      case 4:
        if (equals_lower(name, "host")) ++hosts;
        return true;
      case 10:
        if (equals_lower(name, "connection")) read_connection(value, connection);
        return true;
      case 14: {
        if (!equals_lower(name, "content-length")) return true;
        std::size_t length = 0;
        if (!read_content_length(value, limits.max_body_bytes, length)) return false;
        if (has_length && length != content_length) return false;
        has_length = true;
        content_length = length;
        return true;
      }
      case 17:
        return !equals_lower(name, "transfer-encoding");
      default:
        return true;
    }
  }

  // HTTP/1.1 needs exactly one Host field, HTTP/1.0 at most one (RFC 9112 section 3.2).
  constexpr bool host_rule_holds(int minor_version) const noexcept {
    return hosts <= 1 && (minor_version != 1 || hosts == 1);
  }
};

// Header lines up to and including the empty line, at most limits.max_headers of them.
constexpr step read_header_block(cursor& in, const parse_limits& limits,
                                 header_facts& facts) noexcept {
  for (;;) {
    if (in.p == in.end) return step::starved;
    if (*in.p == '\r') return in.expect("\r\n");
    if (++facts.fields > limits.max_headers) return step::malformed;
    std::string_view name;
    std::string_view value;
    if (const step s = read_header_line(in, name, value); s != step::ok) return s;
    if (!facts.add(name, value, limits)) return step::malformed;
  }
}

}  // namespace detail

// Parses the request at the start of `buffer` (see the top of this file for the grammar).
// `limits.max_body_bytes` must be below SIZE_MAX / 10.
constexpr parse_result parse_request(std::string_view buffer,
                                     const parse_limits& limits = {}) noexcept {
  parse_result r;  // status incomplete
  // Only the first max_header_bytes can hold the header section. Running out of bytes inside it
  // is `incomplete` while fewer arrived, `malformed` once that many did.
  const bool window_full = buffer.size() >= limits.max_header_bytes;
  detail::cursor in{buffer.data(),
                    buffer.data() + (window_full ? limits.max_header_bytes : buffer.size())};

  detail::request_line line;
  detail::header_facts facts;
  detail::step s = detail::read_request_line(in, line);
  if (s == detail::step::ok) s = detail::read_header_block(in, limits, facts);
  if (s == detail::step::ok && !facts.host_rule_holds(line.minor_version)) {
    s = detail::step::malformed;
  }
  if (s == detail::step::starved && !window_full) return r;
  if (s != detail::step::ok) {
    r.status = parse_status::malformed;
    return r;
  }

  const std::size_t header_size = static_cast<std::size_t>(in.p - buffer.data());
  if (buffer.size() - header_size < facts.content_length) return r;

  r.status = parse_status::complete;
  r.consumed = header_size + facts.content_length;
  const detail::connection_options& connection = facts.connection;
  r.keep_alive =
      line.minor_version == 1 ? !connection.close : connection.keep_alive && !connection.close;
  r.method = line.method;
  r.target = line.target;
  r.minor_version = line.minor_version;
  r.body = std::string_view(in.p, facts.content_length);
  return r;
}

}  // namespace http
