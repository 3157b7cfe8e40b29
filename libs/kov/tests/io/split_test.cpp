// into_split: a read half and a write half used by two tasks at once, both parked on the same fd
// (one reader and one writer waiting together), then reunited.

#include <kov/io/copy.hpp>
#include <kov/net/split.hpp>
#include <kov/net/tcp.hpp>
#include <kov/net/unix.hpp>
#include <kov/runtime.hpp>

#include "io_fixture.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using split_io = kov::test::io_test;

static_assert(kov::async_read_stream<net::read_half<net::tcp_stream>>);
static_assert(kov::async_write_stream<net::write_half<net::unix_stream>>);

kov::task<kov::result<std::vector<char>>> read_all(net::read_half<net::unix_stream> rd) {
  std::vector<char> got;
  std::array<char, 8192> buf{};
  for (;;) {
    auto n = co_await rd.read(buf).with_timeout(10s);
    if (!n) co_return n.error();
    if (*n == 0) co_return got;
    got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

kov::task<kov::result<void>> write_all_then_end(net::write_half<net::unix_stream> wr,
                                                const std::vector<char>& data) {
  auto w = co_await wr.write_all(data).with_timeout(10s);
  if (!w) co_return w;
  co_return wr.shutdown();
}

// Echoes `s` back to itself until its end, then ends the other direction.
kov::task<kov::result<std::uint64_t>> echo(net::unix_stream& s) {
  auto n = co_await kov::copy(s, s);
  if (!n) co_return n;
  auto end = s.shutdown();
  if (!end) co_return end.error();
  co_return n;
}

TEST_F(split_io, halves_read_and_write_from_two_tasks_at_once) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    auto& [near, far] = *p;
    auto [rd, wr] = net::into_split(std::move(near));
    const std::vector<char> data = kov::test::pattern(3, 4 << 20);
    auto reader = kov::spawn(read_all(std::move(rd)));
    auto writer = kov::spawn(write_all_then_end(std::move(wr), data));
    // Nobody reads `far` yet: the writer fills the socket buffers and parks on the fd on which
    // the reader is already parked.
    for (int i = 0; i < 10; ++i) co_await kov::yield_now();
    EXPECT_FALSE(reader.is_finished());
    EXPECT_FALSE(writer.is_finished());
    auto echoed = co_await echo(far);
    KOV_CO_ASSERT_OK(echoed);
    EXPECT_EQ(*echoed, data.size());
    auto got = (co_await reader).value();
    KOV_CO_ASSERT_OK(got);
    EXPECT_TRUE(*got == data);
    EXPECT_TRUE((co_await writer).value().has_value());
  }());
}

TEST_F(split_io, reunite_gives_the_stream_back_and_refuses_strangers) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    auto [rd1, wr1] = net::into_split(std::move(p->first));
    auto [rd2, wr2] = net::into_split(std::move(p->second));
    auto mixed = net::reunite(std::move(rd1), std::move(wr2));
    EXPECT_EQ(mixed.error(), std::errc::invalid_argument);
    auto whole = net::reunite(std::move(rd2), std::move(wr1));
    EXPECT_EQ(whole.error(), std::errc::invalid_argument);
    // Halves of one stream: the same socket, still open.
    auto q = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(q);
    const int qfd = q->first.native_handle();
    auto [rd, wr] = net::into_split(std::move(q->first));
    auto back = net::reunite(std::move(rd), std::move(wr));
    KOV_CO_ASSERT_OK(back);
    EXPECT_EQ(back->native_handle(), qfd);
    KOV_CO_ASSERT((co_await back->write_all(std::string_view("x"))).has_value());
    std::array<char, 1> one{};
    KOV_CO_ASSERT((co_await q->second.read_exact(one).with_timeout(5s)).has_value());
    EXPECT_EQ(one[0], 'x');
  }());
}

}  // namespace
