// The stream receive path (on io_uring: multishot receive into the provided-buffer ring, bytes
// kept on the source when no read waits): many small messages read in pieces smaller than they
// arrive, a reader that stops (the peer must be held back, nothing lost), the end of a stream
// after kept bytes, closing with kept bytes, a read cancelled while the receive stays armed,
// more arrivals in one turn than the ring has buffers, and reads that each follow a readable()
// wait. Every test runs on both backends.

#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using namespace std::chrono_literals;
using kov::test::connect_pair;
using kov::test::pattern;
namespace net = kov::net;
using recv_path = kov::test::io_test;

void set_buffer(const net::stream_socket& s, int option, int bytes) {
  ASSERT_EQ(::setsockopt(s.native_handle(), SOL_SOCKET, option, &bytes, sizeof bytes), 0);
}

// Reads `s` to the end of the stream with reads of `piece` bytes.
kov::task<kov::result<std::vector<char>>> read_all(net::stream_socket& s, std::size_t piece) {
  std::vector<char> out;
  std::vector<char> buf(piece);
  for (;;) {
    auto n = co_await s.read(buf).with_timeout(5s);
    if (!n) co_return n.error();
    if (*n == 0) co_return out;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

// How write_in_messages cuts the bytes: message i has 1 + (i * step) % span bytes; with
// pause_every > 0, a 1 ms pause follows every pause_every-th message.
struct message_sizes {
  std::size_t step;
  std::size_t span;
  std::size_t pause_every = 0;
};

// Writes `all` to `s` in messages, one write_all each, then ends the stream.
kov::task<void> write_in_messages(net::stream_socket& s, const std::vector<char>& all,
                                  message_sizes sizes) {
  std::size_t at = 0;
  for (std::size_t i = 0; at < all.size(); ++i) {
    const std::size_t size = std::min(1 + (i * sizes.step) % sizes.span, all.size() - at);
    auto w = co_await s.write_all(kov::const_buffer(all.data() + at, size));
    KOV_CO_ASSERT_OK(w);
    at += size;
    if (sizes.pause_every != 0 && i % sizes.pause_every == 0) co_await kov::sleep_for(1ms);
  }
  KOV_CO_ASSERT(s.shutdown().has_value());
}

// A reader of a whole stream, in pieces of the given size (read_all, read_all_after_readable).
using stream_reader = kov::task<kov::result<std::vector<char>>> (*)(net::stream_socket&,
                                                                    std::size_t);

// Over a fresh connection: `read` takes the server side in pieces of `piece` bytes while the
// client writes `all` cut as `sizes`; the reader must get exactly `all`.
kov::task<void> expect_all_received(stream_reader read, std::size_t piece, std::vector<char> all,
                                    message_sizes sizes) {
  auto p = co_await connect_pair();
  KOV_CO_ASSERT_OK(p);
  auto reader = kov::spawn(read(p->server, piece));
  co_await write_in_messages(p->client, all, sizes);
  auto got = co_await reader;
  KOV_CO_ASSERT_OK(got);
  KOV_CO_ASSERT_OK(*got);
  EXPECT_TRUE(**got == all) << "received " << (*got)->size() << " of " << all.size();
}

TEST_F(recv_path, many_small_messages_read_in_smaller_pieces) {
  // Messages of 1 to 79 bytes, written one at a time while the reader takes 13 at a time.
  run(expect_all_received(read_all, 13, pattern(19, 1000 * 40), {.step = 37, .span = 79}));
}

// The pattern for many idle connections (docs/kov.md): wait with readable(), then read into a
// buffer taken for the burst. Bytes that arrive while only readable() waits are kept on the
// source (io_uring); nothing may be lost or reordered.
kov::task<kov::result<std::vector<char>>> read_all_after_readable(net::stream_socket& s,
                                                                  std::size_t piece) {
  std::vector<char> out;
  for (;;) {
    auto ready = co_await s.readable().with_timeout(5s);
    if (!ready) co_return ready.error();
    const auto buf = std::make_unique<char[]>(piece);
    auto n = co_await s.read(kov::mutable_buffer(buf.get(), piece));
    if (!n) co_return n.error();
    if (*n == 0) co_return out;
    out.insert(out.end(), buf.get(), buf.get() + *n);
  }
}

TEST_F(recv_path, readable_then_read_with_a_fresh_buffer_loses_nothing) {
  // Single bytes, messages shorter and longer than a read, and pauses that let the reader park
  // in readable() before the next message arrives.
  run(expect_all_received(read_all_after_readable, 512, pattern(23, 1000 * 60),
                          {.step = 211, .span = 1500, .pause_every = 7}));
}

TEST_F(recv_path, reader_that_stops_holds_the_writer_back_and_loses_nothing) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    set_buffer(p->server, SO_RCVBUF, 16384);
    set_buffer(p->client, SO_SNDBUF, 16384);
    const std::vector<char> all = pattern(23, 2 << 20);
    // One read, so the receive path is set up; then the reader stops.
    std::array<char, 1> first{};
    auto w0 = co_await p->client.write_all(kov::const_buffer(all.data(), 1));
    KOV_CO_ASSERT_OK(w0);
    auto r0 = co_await p->server.read(first).with_timeout(5s);
    KOV_CO_ASSERT_OK(r0);
    // Write without waiting until the connection takes no more: the kernel buffers and what
    // the server keeps must be bounded, far below 2 MiB.
    std::size_t sent = 1;
    while (sent < all.size()) {
      auto w = co_await p->client
                   .write(kov::const_buffer(all.data() + sent,
                                            std::min<std::size_t>(65536, all.size() - sent)))
                   .with_timeout(300ms);
      if (!w && w.error() == kov::errc::timed_out) break;  // held back
      KOV_CO_ASSERT_OK(w);
      sent += *w;
    }
    EXPECT_LT(sent, std::size_t{1} << 20) << "the stopped reader did not hold the writer back";
    // Reading again delivers everything, in order; the writer can finish.
    auto reader = kov::spawn(read_all(p->server, 4000));
    auto rest =
        co_await p->client.write_all(kov::const_buffer(all.data() + sent, all.size() - sent));
    KOV_CO_ASSERT_OK(rest);
    KOV_CO_ASSERT(p->client.shutdown().has_value());
    auto got = co_await reader;
    KOV_CO_ASSERT_OK(got);
    KOV_CO_ASSERT_OK(*got);
    KOV_CO_ASSERT((*got)->size() + 1 == all.size());
    EXPECT_TRUE(std::equal((*got)->begin(), (*got)->end(), all.begin() + 1));
  }());
}

TEST_F(recv_path, end_of_stream_comes_after_kept_bytes) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> all = pattern(29, 20000);
    std::array<char, 10> first{};
    auto w0 = co_await p->client.write_all(kov::const_buffer(all.data(), 10));
    KOV_CO_ASSERT_OK(w0);
    auto r0 = co_await p->server.read_exact(first).with_timeout(5s);
    KOV_CO_ASSERT_OK(r0);
    // The rest and the end arrive while nobody reads.
    auto w = co_await p->client.write_all(kov::const_buffer(all.data() + 10, all.size() - 10));
    KOV_CO_ASSERT_OK(w);
    KOV_CO_ASSERT(p->client.shutdown().has_value());
    co_await kov::sleep_for(20ms);
    auto ready = co_await p->server.readable().with_timeout(5s);
    KOV_CO_ASSERT_OK(ready);
    auto got = co_await read_all(p->server, 777);
    KOV_CO_ASSERT_OK(got);
    KOV_CO_ASSERT(got->size() + 10 == all.size());
    EXPECT_TRUE(std::equal(got->begin(), got->end(), all.begin() + 10));
    std::array<char, 4> more{};
    auto again = co_await p->server.read(more);
    KOV_CO_ASSERT_OK(again);
    EXPECT_EQ(*again, 0u) << "the end of the stream is reported again";
  }());
}

TEST_F(recv_path, close_with_kept_bytes) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> all = pattern(31, 30000);
    auto w = co_await p->client.write_all(all);
    KOV_CO_ASSERT_OK(w);
    std::array<char, 100> some{};
    auto r = co_await p->server.read_exact(some).with_timeout(5s);
    KOV_CO_ASSERT_OK(r);
    EXPECT_TRUE(std::equal(some.begin(), some.end(), all.begin()));
    co_await kov::sleep_for(10ms);  // the rest arrives and is kept
    p->server.close();
    // The peer sees the connection end (a reset: unread bytes were dropped by the close).
    std::array<char, 16> buf{};
    auto end = co_await p->client.read(buf).with_timeout(5s);
    EXPECT_TRUE(!end || *end == 0);
  }());
}

TEST_F(recv_path, read_cancelled_while_receive_armed_loses_nothing) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    std::array<char, 64> buf{};
    for (std::uint64_t round = 0; round < 3; ++round) {
      auto idle = co_await p->server.read(buf).with_timeout(10ms);
      KOV_CO_ASSERT(!idle);
      EXPECT_EQ(idle.error(), kov::errc::timed_out);
      // Data arriving between reads is kept for the next one.
      const std::vector<char> msg = pattern(37 + round, 50);
      auto w = co_await p->client.write_all(msg);
      KOV_CO_ASSERT_OK(w);
      co_await kov::sleep_for(5ms);
      auto r = co_await p->server.read_exact(kov::mutable_buffer(buf.data(), 50)).with_timeout(5s);
      KOV_CO_ASSERT_OK(r);
      EXPECT_TRUE(std::equal(msg.begin(), msg.end(), buf.begin())) << "round " << round;
    }
  }());
}

// Each connection gets two buffers' worth at once, on more connections than the ring has
// buffers (shrunk to 2 for this test's runtime): the receives of one turn run the ring dry
// (ENOBUFS ends their multishot) and must pick up again, losing nothing.
TEST_F(recv_path, more_arrivals_than_ring_buffers) {
  ASSERT_EQ(::setenv("KOV_URING_RECV_BUFFERS", "2", 1), 0);
  run([]() -> kov::task<void> {
    constexpr std::size_t conns = 64;
    constexpr std::size_t size = 8192;
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    std::vector<kov::test::tcp_pair> pairs;
    for (std::size_t i = 0; i < conns; ++i) {
      auto p = co_await connect_pair(*l);
      KOV_CO_ASSERT_OK(p);
      pairs.push_back(std::move(*p));
    }
    std::vector<kov::join_handle<kov::result<std::vector<char>>>> readers;
    for (auto& p : pairs) {
      readers.push_back(
          kov::spawn([](net::stream_socket& s) -> kov::task<kov::result<std::vector<char>>> {
            std::vector<char> buf(size);
            auto r = co_await s.read_exact(buf).with_timeout(10s);
            if (!r) co_return r.error();
            co_return buf;
          }(p.server)));
    }
    co_await kov::sleep_for(10ms);  // every reader waits
    for (std::size_t i = 0; i < conns; ++i) {
      const std::vector<char> msg = pattern(i, size);
      // Raw sends, with no turn of the loop in between: all arrive for one turn.
      KOV_CO_ASSERT(::send(pairs[i].client.native_handle(), msg.data(), size, 0) ==
                    static_cast<ssize_t>(size));
    }
    for (std::size_t i = 0; i < conns; ++i) {
      auto got = co_await readers[i];
      KOV_CO_ASSERT_OK(got);
      KOV_CO_ASSERT_OK(*got);
      EXPECT_TRUE(**got == pattern(i, size)) << "connection " << i;
    }
  }());
  ::unsetenv("KOV_URING_RECV_BUFFERS");
}

}  // namespace
