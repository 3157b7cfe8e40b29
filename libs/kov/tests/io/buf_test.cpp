// Buffered I/O: buf_reader (lines split across reads at every byte position, LF and CRLF, the
// maximum line length, the end of the stream in mid-line, read_until, read), buf_writer, copy
// and copy_bidirectional (half-close passed through, both sides closed on error), over scripted
// streams and over Unix socket pairs.

#include <kov/io/buf_reader.hpp>
#include <kov/io/buf_writer.hpp>
#include <kov/io/copy.hpp>
#include <kov/net/unix.hpp>
#include <kov/runtime.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using buf_io = kov::test::io_test;

// A read stream that hands out scripted chunks, one per read (split further when the reader's
// buffer is smaller), going round the run queue before each, and then the end of the stream.
class scripted_stream {
 public:
  // Empty chunks are left out: a read of 0 bytes is the end of a stream.
  explicit scripted_stream(const std::vector<std::string>& chunks) {
    for (const auto& c : chunks) {
      if (!c.empty()) chunks_.push_back(c);
    }
  }

  kov::task<kov::result<std::size_t>> read(kov::mutable_buffer b) {
    co_await kov::yield_now();
    ++reads_;
    if (chunks_.empty()) co_return std::size_t{0};
    std::string& front = chunks_.front();
    const std::size_t n = std::min(b.size, front.size());
    std::memcpy(b.data, front.data(), n);
    front.erase(0, n);
    if (front.empty()) chunks_.pop_front();
    co_return n;
  }
  int reads() const noexcept { return reads_; }

 private:
  std::deque<std::string> chunks_;
  int reads_ = 0;
};

// A read stream that never ends and never sends a line feed.
struct endless_stream {
  kov::task<kov::result<std::size_t>> read(kov::mutable_buffer b) {
    std::memset(b.data, 'a', b.size);
    co_return b.size;
  }
};

// A write stream that records every write_all it is asked for.
struct recording_stream {
  std::vector<std::string> writes;
  kov::task<kov::result<void>> write_all(kov::const_buffer b) {
    writes.emplace_back(static_cast<const char*>(b.data), b.size);
    co_return kov::result<void>();
  }
};

static_assert(kov::async_read_stream<scripted_stream>);
static_assert(kov::async_write_stream<recording_stream>);
static_assert(kov::async_duplex_stream<net::unix_stream>);
static_assert(kov::async_read_stream<kov::buf_reader<net::unix_stream>>);
static_assert(kov::async_write_stream<kov::buf_writer<net::unix_stream&>>);
static_assert(!kov::async_write_stream<scripted_stream>);

// Every line of `reader` through lines(); the error that ended them, if any.
template <class Stream>
kov::task<std::pair<std::vector<std::string>, std::error_code>> all_lines(
    kov::buf_reader<Stream>& reader, std::size_t max_length = kov::default_max_line) {
  std::vector<std::string> out;
  auto lines = reader.lines(max_length);
  while (auto line = co_await lines.next()) out.emplace_back(*line);
  co_return std::pair{std::move(out), lines.error()};
}

const std::string mixed_text = "first\nsecond\r\n\nfourth has a \r inside\r\n\r\nlast\n";

std::vector<std::string> expected_mixed() {
  return {"first", "second", "", "fourth has a \r inside", "", "last"};
}

TEST_F(buf_io, lines_split_across_two_reads_at_every_byte_position) {
  for (std::size_t cut = 0; cut <= mixed_text.size(); ++cut) {
    for (const std::size_t capacity : {std::size_t{1}, std::size_t{3}, kov::default_buffer_size}) {
      auto [lines, error] = run(
          [](std::size_t at,
             std::size_t cap) -> kov::task<std::pair<std::vector<std::string>, std::error_code>> {
            kov::buf_reader reader(
                scripted_stream({mixed_text.substr(0, at), mixed_text.substr(at)}), cap);
            co_return co_await all_lines(reader);
          }(cut, capacity));
      EXPECT_EQ(lines, expected_mixed()) << "cut at " << cut << ", capacity " << capacity;
      EXPECT_FALSE(error) << error.message();
    }
  }
}

TEST_F(buf_io, lines_one_byte_per_read) {
  std::vector<std::string> chunks;
  for (const char c : mixed_text) chunks.emplace_back(1, c);
  auto [lines, error] = run([](std::vector<std::string> c)
                                -> kov::task<std::pair<std::vector<std::string>, std::error_code>> {
    kov::buf_reader reader(scripted_stream(std::move(c)));
    co_return co_await all_lines(reader);
  }(std::move(chunks)));
  EXPECT_EQ(lines, expected_mixed());
  EXPECT_FALSE(error);
}

TEST_F(buf_io, read_line_gives_nullopt_at_a_clean_end_and_again_after) {
  run([]() -> kov::task<void> {
    kov::buf_reader reader(scripted_stream({"one\r\ntwo\n"}));
    auto a = co_await reader.read_line();
    KOV_CO_ASSERT_OK(a);
    EXPECT_EQ(*a, std::optional<std::string_view>("one"));
    auto b = co_await reader.read_line();
    KOV_CO_ASSERT_OK(b);
    EXPECT_EQ(*b, std::optional<std::string_view>("two"));
    for (int i = 0; i < 2; ++i) {
      auto end = co_await reader.read_line();
      KOV_CO_ASSERT_OK(end);
      EXPECT_FALSE(end->has_value());
    }
  }());
}

TEST_F(buf_io, end_of_stream_in_mid_line_is_its_own_error_and_keeps_the_bytes) {
  for (std::size_t cut = 0; cut <= 12; ++cut) {
    const std::string text = "whole\npartial";
    run([](std::string t, std::size_t at) -> kov::task<void> {
      kov::buf_reader reader(scripted_stream({t.substr(0, at), t.substr(at)}), 4);
      auto [lines, error] = co_await all_lines(reader);
      EXPECT_EQ(lines, std::vector<std::string>{"whole"});
      EXPECT_EQ(error, kov::errc::end_of_stream);
      EXPECT_EQ(reader.buffered(), "partial");
    }(text, std::min(cut, text.size())));
  }
}

TEST_F(buf_io, a_line_over_the_maximum_is_an_error) {
  run([]() -> kov::task<void> {
    // Ten bytes are allowed, with LF or CRLF; eleven are not, however the bytes arrive.
    kov::buf_reader reader(
        scripted_stream({"0123456789\n0123456789\r", "\nabcdefghijk\n", "after\n"}), 4);
    auto [lines, error] = co_await all_lines(reader, 10);
    EXPECT_EQ(lines, (std::vector<std::string>{"0123456789", "0123456789"}));
    EXPECT_EQ(error, std::errc::message_size);
    // Nothing is lost: the long line is still there for the caller to drop or inspect.
    EXPECT_EQ(reader.buffered().substr(0, 12), "abcdefghijk\n");
    EXPECT_LE(reader.capacity(), 12U);
    // Dropping it lets reading go on.
    reader.consume(12);
    auto next = co_await reader.read_line(10);
    KOV_CO_ASSERT_OK(next);
    EXPECT_EQ(*next, std::optional<std::string_view>("after"));
  }());
}

TEST_F(buf_io, a_line_over_the_maximum_already_buffered_is_an_error) {
  run([]() -> kov::task<void> {
    // All in the buffer at once: the inline path declines the long line, the slow one reports it.
    kov::buf_reader reader(scripted_stream({"0123456789\r\nabcdefghijk\nafter\n"}), 64);
    auto first = co_await reader.read_line(10);
    KOV_CO_ASSERT_OK(first);
    EXPECT_EQ(*first, std::optional<std::string_view>("0123456789"));
    auto lines = reader.lines(10);
    EXPECT_EQ(co_await lines.next(), std::nullopt);
    EXPECT_EQ(lines.error(), std::errc::message_size);
    EXPECT_EQ(reader.buffered(), "abcdefghijk\nafter\n");
    auto again = co_await reader.read_line(10);
    EXPECT_EQ(again.error(), std::errc::message_size);
    reader.consume(12);
    auto next = co_await reader.read_line(10);
    KOV_CO_ASSERT_OK(next);
    EXPECT_EQ(*next, std::optional<std::string_view>("after"));
  }());
}

TEST_F(buf_io, a_line_without_end_does_not_grow_the_buffer_without_bound) {
  run([]() -> kov::task<void> {
    kov::buf_reader reader(endless_stream{}, 16);
    auto line = co_await reader.read_line(1000);
    EXPECT_EQ(line.error(), std::errc::message_size);
    EXPECT_LE(reader.capacity(), 1002U);
    auto record = co_await reader.read_until('\0', 1000);
    EXPECT_EQ(record.error(), std::errc::message_size);
    EXPECT_LE(reader.capacity(), 1002U);
  }());
}

TEST_F(buf_io, read_until_keeps_the_delimiter) {
  run([]() -> kov::task<void> {
    kov::buf_reader reader(scripted_stream({"a;bb", ";;ccc"}), 2);
    std::vector<std::string> records;
    for (;;) {
      auto r = co_await reader.read_until(';', 8);
      if (!r) {
        EXPECT_EQ(r.error(), kov::errc::end_of_stream);
        break;
      }
      KOV_CO_ASSERT(r->has_value());
      records.emplace_back(**r);
    }
    EXPECT_EQ(records, (std::vector<std::string>{"a;", "bb;", ";"}));
    EXPECT_EQ(reader.buffered(), "ccc");
  }());
}

TEST_F(buf_io, read_takes_buffered_bytes_first_then_the_stream) {
  run([]() -> kov::task<void> {
    kov::buf_reader reader(scripted_stream({"head\nbody bytes", std::string(100, 'x')}), 16);
    auto line = co_await reader.read_line();
    KOV_CO_ASSERT_OK(line);
    std::string rest;
    std::array<char, 7> buf{};
    for (;;) {
      auto n = co_await reader.read(buf);
      KOV_CO_ASSERT_OK(n);
      if (*n == 0) break;
      rest.append(buf.data(), *n);
    }
    EXPECT_EQ(rest, "body bytes" + std::string(100, 'x'));
  }());
}

TEST_F(buf_io, buf_writer_writes_only_when_full_or_flushed) {
  run([]() -> kov::task<void> {
    recording_stream out;
    kov::buf_writer writer(out, 8);
    KOV_CO_ASSERT((co_await writer.write_all("abc")).has_value());
    KOV_CO_ASSERT((co_await writer.write_all("defgh")).has_value());
    EXPECT_TRUE(out.writes.empty());
    EXPECT_EQ(writer.buffered(), 8U);
    // Does not fit: the buffer goes out first.
    KOV_CO_ASSERT((co_await writer.write_all("ij")).has_value());
    EXPECT_EQ(out.writes, std::vector<std::string>{"abcdefgh"});
    // As large as the buffer: after what is buffered, straight to the stream.
    KOV_CO_ASSERT((co_await writer.write_all("0123456789")).has_value());
    EXPECT_EQ(out.writes, (std::vector<std::string>{"abcdefgh", "ij", "0123456789"}));
    KOV_CO_ASSERT((co_await writer.write_all("z")).has_value());
    KOV_CO_ASSERT((co_await writer.flush()).has_value());
    KOV_CO_ASSERT((co_await writer.flush()).has_value());
    EXPECT_EQ(out.writes.back(), "z");
    EXPECT_EQ(out.writes.size(), 4U);
    EXPECT_EQ(writer.buffered(), 0U);
  }());
}

// Writes `lines` lines ("line <i>") in writes of `step` bytes, then ends the stream.
kov::task<kov::result<void>> write_lines(net::unix_stream& s, int lines, std::size_t step) {
  std::string text;
  for (int i = 0; i < lines; ++i) text += "line " + std::to_string(i) + (i % 2 ? "\r\n" : "\n");
  for (std::size_t at = 0; at < text.size(); at += step) {
    auto w = co_await s.write_all(std::string_view(text).substr(at, step));
    if (!w) co_return w;
    co_await kov::yield_now();
  }
  co_return s.shutdown();
}

TEST_F(buf_io, lines_over_a_unix_socket_pair) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    auto writer = kov::spawn(write_lines(p->first, 5000, 333));
    kov::buf_reader reader(std::move(p->second), 256);
    auto [lines, error] = co_await all_lines(reader);
    EXPECT_FALSE(error) << error.message();
    KOV_CO_ASSERT(lines.size() == 5000U);
    for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], "line " + std::to_string(i));
    EXPECT_TRUE((co_await writer).value().has_value());
  }());
}

// The example of docs/kov.md's buffered I/O section.
kov::task<kov::result<std::size_t>> count_words(net::unix_stream conn) {
  kov::buf_reader reader(std::move(conn));
  auto lines = reader.lines(/*max_length=*/1024);
  std::size_t words = 0;
  while (auto line = co_await lines.next()) {
    words += static_cast<std::size_t>(std::count(line->begin(), line->end(), ' ')) + 1;
  }
  if (lines.error()) co_return lines.error();  // too long, cut off, or the socket's error
  co_return words;
}

TEST_F(buf_io, docs_example_counts_words) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    kov::buf_writer out(p->first);
    KOV_CO_ASSERT((co_await out.write_all("one two\r\nthree\n")).has_value());
    KOV_CO_ASSERT((co_await out.write_all("four five six\n")).has_value());
    KOV_CO_ASSERT((co_await out.flush()).has_value());
    KOV_CO_ASSERT(p->first.shutdown().has_value());
    auto words = co_await count_words(std::move(p->second));
    KOV_CO_ASSERT_OK(words);
    EXPECT_EQ(*words, 6U);
  }());
}

// Reads `s` to its end.
template <class Stream>
kov::task<kov::result<std::string>> read_to_end(Stream& s) {
  std::string all;
  std::array<char, 4096> buf{};
  for (;;) {
    auto n = co_await s.read(buf).with_timeout(10s);
    if (!n) co_return n.error();
    if (*n == 0) co_return all;
    all.append(buf.data(), *n);
  }
}

template <class Stream>
kov::task<kov::result<void>> send_and_end(Stream& s, std::string data) {
  auto w = co_await s.write_all(data);
  if (!w) co_return w;
  co_return s.shutdown();
}

TEST_F(buf_io, copy_moves_every_byte_and_counts_them) {
  run([]() -> kov::task<void> {
    auto in = net::unix_stream::pair();
    auto out = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(in);
    KOV_CO_ASSERT_OK(out);
    const std::vector<char> data = kov::test::pattern(7, 1 << 20);
    auto feeder = kov::spawn(send_and_end(in->first, std::string(data.begin(), data.end())));
    auto drain = kov::spawn(read_to_end(out->second));
    // Through a buf_reader and a buf_writer, which copy flushes at the end.
    kov::buf_reader reader(in->second);
    kov::buf_writer writer(out->first);
    auto n = co_await kov::copy(reader, writer);
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, data.size());
    KOV_CO_ASSERT(out->first.shutdown().has_value());
    auto got = (co_await drain).value();
    KOV_CO_ASSERT_OK(got);
    EXPECT_TRUE(std::equal(got->begin(), got->end(), data.begin(), data.end()));
    EXPECT_TRUE((co_await feeder).value().has_value());
  }());
}

// client <-> (c_far, u_near) proxy <-> upstream: two connected pairs, the proxy in the middle
// running copy_bidirectional(c_far, u_near).
struct proxy_sockets {
  net::unix_stream client, c_far, u_near, upstream;

  static kov::result<proxy_sockets> make() {
    auto c = net::unix_stream::pair();
    if (!c) return c.error();
    auto u = net::unix_stream::pair();
    if (!u) return u.error();
    return proxy_sockets{std::move(c->first), std::move(c->second), std::move(u->first),
                         std::move(u->second)};
  }
};

// The client half-closes after its request; the upstream sees the end (the half-close came
// through the proxy), then answers and ends its side; the client still reads the whole answer.
template <class Stream>
kov::task<void> half_close_passes_through(Stream& client, Stream& c_far, Stream& u_near,
                                          Stream& upstream) {
  auto proxy = kov::spawn(kov::copy_bidirectional(c_far, u_near));
  const std::vector<char> request = kov::test::pattern(1, 300000);
  const std::vector<char> reply = kov::test::pattern(2, 500000);
  auto sent = kov::spawn(send_and_end(client, std::string(request.begin(), request.end())));
  auto got_request = co_await read_to_end(upstream);
  KOV_CO_ASSERT_OK(got_request);
  EXPECT_TRUE(std::equal(got_request->begin(), got_request->end(), request.begin(), request.end()));
  auto answered = kov::spawn(send_and_end(upstream, std::string(reply.begin(), reply.end())));
  auto got_reply = co_await read_to_end(client);
  KOV_CO_ASSERT_OK(got_reply);
  EXPECT_TRUE(std::equal(got_reply->begin(), got_reply->end(), reply.begin(), reply.end()));
  // (Joined results spelled out: GCC cannot deduce a co_await's type in a template here.)
  kov::result<kov::result<std::pair<std::uint64_t, std::uint64_t>>> joined = co_await proxy;
  auto& counts = joined.value();
  KOV_CO_ASSERT_OK(counts);
  EXPECT_EQ(counts->first, request.size());
  EXPECT_EQ(counts->second, reply.size());
  kov::result<kov::result<void>> request_sent = co_await sent;
  EXPECT_TRUE(request_sent.value().has_value());
  kov::result<kov::result<void>> reply_sent = co_await answered;
  EXPECT_TRUE(reply_sent.value().has_value());
}

TEST_F(buf_io, copy_bidirectional_passes_half_close_through) {
  run([]() -> kov::task<void> {
    auto sockets = proxy_sockets::make();
    KOV_CO_ASSERT_OK(sockets);
    auto& [client, c_far, u_near, upstream] = *sockets;
    co_await half_close_passes_through(client, c_far, u_near, upstream);
  }());
}

TEST_F(buf_io, copy_bidirectional_passes_half_close_through_over_tcp) {
  run([]() -> kov::task<void> {
    auto c = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(c);
    auto u = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(u);
    co_await half_close_passes_through(c->client, c->server, u->client, u->server);
  }());
}

TEST_F(buf_io, copy_bidirectional_closes_both_sides_on_error) {
  run([]() -> kov::task<void> {
    auto sockets = proxy_sockets::make();
    KOV_CO_ASSERT_OK(sockets);
    auto& [client, c_far, u_near, upstream] = *sockets;
    // The upstream is gone before the client's bytes can reach it: writing them fails.
    upstream.close();
    KOV_CO_ASSERT((co_await client.write_all(std::string(1000, 'q'))).has_value());
    auto counts = co_await kov::copy_bidirectional(c_far, u_near);
    EXPECT_EQ(counts.error(), kov::test::errno_code(EPIPE));
    EXPECT_FALSE(c_far.is_open());
    EXPECT_FALSE(u_near.is_open());
    // The client sees its connection end.
    auto rest = co_await read_to_end(client);
    KOV_CO_ASSERT_OK(rest);
    EXPECT_TRUE(rest->empty());
  }());
}

}  // namespace
