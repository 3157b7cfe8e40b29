// Fuzzes the kov-get example's response reading: the bytes of a server's answer, handed out a
// few at a time, go through kov::buf_reader (read_line, read) into read_response_head and
// read_response_body (examples/http/response_reader.hpp, response_parser.hpp). Whatever the
// bytes, reading ends with a head and a body or with an error, and what it returns is
// consistent: a sized body has exactly its length, a body never holds more bytes than were
// sent after the head, the head's lines are lines of the input.

#include "fuzz_check.hpp"
#include "fuzz_runtime.hpp"
#include "http/response_reader.hpp"
#include "scripted_stream.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using kov_fuzz::require;
using kov_support::scripted_stream;

struct outcome {
  bool ok = false;
  http::response_head head;
  std::string body;
};

kov::task<outcome> read_response(std::string bytes, std::size_t piece, std::size_t capacity,
                                 http::response_limits limits) {
  kov::buf_reader reader(scripted_stream{std::move(bytes), piece}, capacity);
  outcome out;
  auto head = co_await http::read_response_head(reader, limits);
  if (!head) co_return out;
  out.head = *head;
  auto sink = [&](std::string_view s) {
    out.body += s;
    return true;
  };
  auto body = co_await http::read_response_body(reader, out.head, sink, limits);
  out.ok = static_cast<bool>(body);
  co_return out;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::size_t piece = in.ConsumeIntegralInRange<std::size_t>(1, 64);
  const std::size_t capacity = in.ConsumeIntegralInRange<std::size_t>(1, 64);
  http::response_limits limits;
  limits.max_line = in.ConsumeIntegralInRange<std::size_t>(1, 256);
  limits.max_fields = in.ConsumeIntegralInRange<std::size_t>(0, 16);
  const std::string bytes = in.ConsumeRemainingBytesAsString();

  const outcome r = kov_fuzz::runtime().block_on(read_response(bytes, piece, capacity, limits));
  if (r.head.code != 0) {
    require(r.head.code >= 100 && r.head.code <= 999);
    require(!r.head.lines.empty());
    for (const std::string& line : r.head.lines) {
      require(line.size() <= limits.max_line && bytes.find(line) != std::string::npos);
    }
  }
  if (r.ok) {
    require(r.body.size() <= bytes.size());
    if (r.head.body == http::body_kind::content_length) {
      require(r.body.size() == r.head.content_length);
    }
    if (r.head.body == http::body_kind::none) require(r.body.empty());
    if (r.head.body != http::body_kind::chunked) {
      // An unchunked body is a run of the input's bytes, as sent.
      require(bytes.find(r.body) != std::string::npos);
    }
  }
  return 0;
}
