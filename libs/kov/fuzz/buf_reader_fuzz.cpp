// Fuzzes kov::buf_reader against a model: a stream of fuzzer bytes, handed out a few at a time,
// read through a small buffer by a fuzzer-chosen sequence of read_line, read_until, read and
// consume calls. The model is the unread rest of the stream as one string; every call must give
// what the documentation of buf_reader.hpp says for that rest (the line or record, nullopt at a
// clean end, message_size or end_of_stream with nothing consumed), buffered() is always a prefix
// of the rest, and the buffer never grows past the longest record asked for.
#include <kov/io/buf_reader.hpp>

#include "fuzz_check.hpp"
#include "fuzz_runtime.hpp"
#include "scripted_stream.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using kov_fuzz::require;
using kov_support::scripted_stream;

enum class op : std::uint8_t { read_line, read_until, read, consume };

struct step {
  op what;
  std::size_t n;  // max_length, or a byte count
  char delim;
};

using reader_type = kov::buf_reader<scripted_stream>;

// What a record read of the rest gives: the record's length with its delimiter, or an error
// (nothing consumed), or nullopt at a clean end. `limit` is the search window.
struct expected_record {
  std::error_code error;
  std::optional<std::size_t> taken;
};

expected_record expect_record(std::string_view rest, char delim, std::size_t limit) {
  const std::size_t at = rest.substr(0, limit).find(delim);
  if (at != std::string_view::npos) return {{}, at + 1};
  if (rest.size() >= limit) return {std::make_error_code(std::errc::message_size), {}};
  if (rest.empty()) return {{}, std::nullopt};
  return {kov::errc::end_of_stream, {}};
}

void check_record(reader_type::record& got, const expected_record& want, std::string_view rest,
                  std::size_t length) {
  if (want.error) {
    require(!got && got.error() == want.error);
    return;
  }
  require(static_cast<bool>(got));
  if (!want.taken) {
    require(!got->has_value());
    return;
  }
  require(got->has_value() && **got == rest.substr(0, length));
}

kov::task<void> run(std::string bytes, std::size_t piece, std::size_t capacity,
                    std::vector<step> steps) {
  const std::string all = bytes;
  reader_type reader(scripted_stream{std::move(bytes), piece}, capacity);
  std::size_t done = 0;  // bytes of `all` handed out or consumed
  std::size_t largest_ask = capacity;
  std::vector<char> scratch;
  for (const step& s : steps) {
    const std::string_view rest = std::string_view(all).substr(done);
    switch (s.what) {
      case op::read_line: {
        largest_ask = std::max(largest_ask, s.n + 2);
        expected_record want = expect_record(rest, '\n', s.n + 2);
        std::size_t length = 0;
        if (want.taken) {
          length = *want.taken - 1;
          if (length > 0 && rest[length - 1] == '\r') --length;
          if (length > s.n) want = {std::make_error_code(std::errc::message_size), {}};
        }
        auto got = co_await reader.read_line(s.n);
        check_record(got, want, rest, length);
        if (want.taken) done += *want.taken;
        break;
      }
      case op::read_until: {
        largest_ask = std::max(largest_ask, s.n);
        const expected_record want = expect_record(rest, s.delim, s.n);
        auto got = co_await reader.read_until(s.delim, s.n);
        check_record(got, want, rest, want.taken.value_or(0));
        if (want.taken) done += *want.taken;
        break;
      }
      case op::read: {
        scratch.resize(s.n);
        auto got = co_await reader.read(kov::mutable_buffer(scratch.data(), s.n));
        require(static_cast<bool>(got) && *got <= s.n);
        require((*got == 0) == (s.n == 0 || rest.empty()));
        require(std::string_view(scratch.data(), *got) == rest.substr(0, *got));
        done += *got;
        break;
      }
      case op::consume: {
        const std::size_t dropped = std::min(s.n, reader.buffered().size());
        reader.consume(s.n);
        done += dropped;
        break;
      }
    }
    const std::string_view now = std::string_view(all).substr(done);
    require(now.substr(0, reader.buffered().size()) == reader.buffered());
    require(reader.capacity() <= largest_ask);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::size_t piece = in.ConsumeIntegralInRange<std::size_t>(1, 32);
  const std::size_t capacity = in.ConsumeIntegralInRange<std::size_t>(1, 32);
  std::vector<step> steps(in.ConsumeIntegralInRange<std::size_t>(0, 32));
  for (step& s : steps) {
    s.what = static_cast<op>(in.ConsumeIntegralInRange<int>(0, 3));
    s.n = in.ConsumeIntegralInRange<std::size_t>(0, 80);
    s.delim = in.ConsumeBool() ? '\n' : ';';
  }
  std::string bytes = in.ConsumeRemainingBytesAsString();
  kov_fuzz::runtime().block_on(run(std::move(bytes), piece, capacity, std::move(steps)));
  return 0;
}
