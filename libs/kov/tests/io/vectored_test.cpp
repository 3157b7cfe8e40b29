// Vectored writes on stream sockets: many buffers (more than one sendmsg batch, empty ones
// among them) arrive in order and byte-exact through partial writes, over Unix and TCP; one
// write_vectored on a full socket is short and sends a prefix.

#include <kov/net/tcp.hpp>
#include <kov/net/unix.hpp>
#include <kov/runtime.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <array>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using vectored_io = kov::test::io_test;

// `data` cut into `count` pieces of varied sizes, every seventh one empty.
std::vector<kov::const_buffer> pieces(const std::vector<char>& data, std::size_t count) {
  std::vector<kov::const_buffer> out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < count && at < data.size(); ++i) {
    const std::size_t want = i % 7 == 3 ? 0 : 1 + (i * 7919) % 9000;
    const std::size_t n = i + 1 == count ? data.size() - at : std::min(want, data.size() - at);
    out.emplace_back(data.data() + at, n);
    at += n;
  }
  if (at < data.size()) out.emplace_back(data.data() + at, data.size() - at);
  return out;
}

// Reads exactly `size` bytes from `s`, going round the run queue between reads so the writer
// meets a full socket.
template <class Stream>
kov::task<kov::result<std::vector<char>>> read_slowly(Stream& s, std::size_t size) {
  std::vector<char> got(size);
  std::size_t at = 0;
  while (at < size) {
    auto n = co_await s
                 .read(kov::mutable_buffer(got.data() + at, std::min<std::size_t>(size - at, 3000)))
                 .with_timeout(10s);
    if (!n) co_return n.error();
    if (*n == 0) co_return kov::errc::end_of_stream;
    at += *n;
    co_await kov::yield_now();
  }
  co_return got;
}

void shrink_send_buffer(int fd) {
  const int size = 4096;
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size), 0);
}

template <class Stream>
kov::task<void> many_buffers_arrive_in_order(Stream& writer, Stream& reader) {
  const std::vector<char> data = kov::test::pattern(11, 3 << 20);
  const std::vector<kov::const_buffer> parts = pieces(data, 1000);
  EXPECT_GT(parts.size(), 2 * net::stream_socket::max_vectored_buffers);
  auto drain = kov::spawn(read_slowly(reader, data.size()));
  auto w = co_await writer.write_all(parts);
  KOV_CO_ASSERT_OK(w);
  kov::result<kov::result<std::vector<char>>> joined = co_await drain;
  auto& got = joined.value();
  KOV_CO_ASSERT_OK(got);
  EXPECT_TRUE(*got == data);
}

TEST_F(vectored_io, many_buffers_over_a_unix_pair_through_partial_writes) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    shrink_send_buffer(p->first.native_handle());
    co_await many_buffers_arrive_in_order(p->first, p->second);
  }());
}

TEST_F(vectored_io, many_buffers_over_tcp) {
  run([]() -> kov::task<void> {
    auto p = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(p);
    shrink_send_buffer(p->client.native_handle());
    co_await many_buffers_arrive_in_order(p->client, p->server);
  }());
}

TEST_F(vectored_io, one_write_vectored_on_a_full_socket_is_short_and_a_prefix) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    shrink_send_buffer(p->first.native_handle());
    const std::vector<char> data = kov::test::pattern(12, 1 << 20);
    const std::vector<kov::const_buffer> parts = pieces(data, 40);
    auto n = co_await p->first.write_vectored(parts);
    KOV_CO_ASSERT_OK(n);
    EXPECT_GT(*n, 0U);
    EXPECT_LT(*n, data.size());
    auto got = co_await read_slowly(p->second, *n);
    KOV_CO_ASSERT_OK(got);
    EXPECT_TRUE(std::equal(got->begin(), got->end(), data.begin()));
  }());
}

TEST_F(vectored_io, nothing_to_write_completes_at_once) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    const std::array<kov::const_buffer, 3> empty{kov::const_buffer(), kov::const_buffer("", 0),
                                                 kov::const_buffer()};
    auto w = co_await p->first.write_all(empty);
    EXPECT_TRUE(w.has_value());
    auto n = co_await p->first.write_vectored(std::span<const kov::const_buffer>());
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 0U);
    // Small pieces in one call, then the end: the peer sees them joined.
    const std::array<kov::const_buffer, 4> parts{kov::const_buffer("he"), kov::const_buffer(),
                                                 kov::const_buffer("llo"), kov::const_buffer("!")};
    KOV_CO_ASSERT((co_await p->first.write_all(parts)).has_value());
    auto got = co_await read_slowly(p->second, 6);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(std::string_view(got->data(), got->size()), "hello!");
  }());
}

}  // namespace
