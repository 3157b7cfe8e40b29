// Fuzzes the kov-http example's request parser (examples/http/request_parser.hpp): any bytes,
// under limits taken from the input, give a result that keeps the parser's promises.
//   - complete: `consumed` covers the request, the views point inside it, the body is its tail;
//     the same bytes cut one short are incomplete (or malformed only when the cut falls on the
//     header window's edge), and the request alone parses to the same result;
//   - incomplete: every prefix is incomplete too (a valid beginning stays valid);
//   - malformed: more bytes never make it acceptable.
#include "fuzz_check.hpp"
#include "http/request_parser.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using kov_fuzz::require;

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  http::parse_limits limits;
  if (in.ConsumeBool()) {
    limits.max_header_bytes = in.ConsumeIntegralInRange<std::size_t>(1, std::size_t{8} * 1024);
    limits.max_headers = in.ConsumeIntegralInRange<std::size_t>(0, 64);
    limits.max_body_bytes = in.ConsumeIntegralInRange<std::size_t>(0, std::size_t{1024} * 1024);
  }
  const std::string bytes = in.ConsumeRemainingBytesAsString();
  const std::string_view buffer = bytes;
  const http::parse_result r = http::parse_request(buffer, limits);

  switch (r.status) {
    case http::parse_status::complete: {
      require(r.consumed <= buffer.size());
      require(r.minor_version == 0 || r.minor_version == 1);
      require(!r.method.empty() && !r.target.empty());
      const std::string_view request = buffer.substr(0, r.consumed);
      require(inside(r.method, request) && inside(r.target, request) && inside(r.body, request));
      require(r.body.data() + r.body.size() == request.data() + request.size());
      require(r.body.size() <= limits.max_body_bytes);
      const http::parse_result alone = http::parse_request(request, limits);
      require(alone.status == http::parse_status::complete && alone.consumed == r.consumed);
      require(alone.keep_alive == r.keep_alive && alone.body.size() == r.body.size());
      const http::parse_result cut = http::parse_request(request.substr(0, r.consumed - 1), limits);
      require(cut.status == http::parse_status::incomplete ||
              (cut.status == http::parse_status::malformed &&
               r.consumed - 1 >= limits.max_header_bytes));
      break;
    }
    case http::parse_status::incomplete: {
      const std::string_view half = buffer.substr(0, buffer.size() / 2);
      require(http::parse_request(half, limits).status == http::parse_status::incomplete);
      break;
    }
    case http::parse_status::malformed: {
      const std::string longer = bytes + "\r\n\r\n";
      require(http::parse_request(longer, limits).status == http::parse_status::malformed);
      break;
    }
  }
  return 0;
}
