// async_fd on pipes: read and write, read_exact and write_all (megabytes through a 64 KiB
// pipe, and of nothing), end of file, a write to a pipe whose reader is gone, readable() and
// writable().

#include <kov/async_fd.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using kov::test::errno_code;
using pipe_io = kov::test::io_test;

struct pipe_ends {
  kov::async_fd r;
  kov::async_fd w;
};

// A pipe with both ends adopted by the runtime running on this thread.
kov::result<pipe_ends> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_code(errno);
  auto r = kov::async_fd::adopt(fds[0]);
  if (!r) {
    ::close(fds[1]);
    return r.error();
  }
  auto w = kov::async_fd::adopt(fds[1]);
  if (!w) return w.error();
  return pipe_ends{std::move(*r), std::move(*w)};
}

// Writes into the pipe with plain write(2) until it is full.
void fill_pipe(int fd) {
  std::vector<char> chunk(4096, 'f');
  while (::write(fd, chunk.data(), chunk.size()) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
}

TEST_F(pipe_io, write_then_read) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    auto n = co_await p->w.write(std::string_view("hello"));
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 5u);
    std::array<char, 64> buf{};
    auto got = co_await p->r.read(buf);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(std::string_view(buf.data(), *got), "hello");
  }());
}

TEST_F(pipe_io, a_read_waits_for_the_writer) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    auto reader = kov::spawn([](kov::async_fd& r) -> kov::task<std::string> {
      std::array<char, 64> buf{};
      auto n = co_await r.read(buf);
      if (!n) co_return "error: " + n.error().message();
      co_return std::string(buf.data(), *n);
    }(p->r));
    co_await kov::yield_now();
    EXPECT_FALSE(reader.is_finished()) << "the read completed with nothing written";
    KOV_CO_ASSERT((co_await p->w.write_all(std::string_view("later"))).has_value());
    auto got = co_await reader;
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "later");
  }());
}

TEST_F(pipe_io, all_of_nothing_completes_at_once) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    fill_pipe(p->w.native_handle());
    // Neither waits for room or data, nor touches the (null) buffer.
    auto wrote = co_await p->w.write_all(kov::const_buffer(nullptr, 0)).with_timeout(5s);
    EXPECT_TRUE(wrote.has_value()) << wrote.error().message();
    std::array<char, 1> none{};
    auto read = co_await p->r.read_exact(kov::mutable_buffer(none.data(), 0)).with_timeout(5s);
    EXPECT_TRUE(read.has_value()) << read.error().message();
  }());
}

TEST_F(pipe_io, read_gives_zero_at_end_of_file) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    // The reader is parked when the writer closes: the hang-up wakes it.
    auto reader = kov::spawn([](kov::async_fd& r) -> kov::task<kov::result<std::size_t>> {
      std::array<char, 16> buf{};
      co_return co_await r.read(buf);
    }(p->r));
    co_await kov::yield_now();
    EXPECT_FALSE(reader.is_finished());
    p->w.close();
    auto n = co_await reader;
    KOV_CO_ASSERT_OK(n);
    KOV_CO_ASSERT_OK(*n);
    EXPECT_EQ(**n, 0u);
    // And again, now that the end is known.
    std::array<char, 16> buf{};
    auto again = co_await p->r.read(buf);
    KOV_CO_ASSERT_OK(again);
    EXPECT_EQ(*again, 0u);
  }());
}

TEST_F(pipe_io, read_exact_assembles_pieces) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    std::array<char, 10> buf{};
    auto reader = kov::spawn([](kov::async_fd& r, std::array<char, 10>& b) -> kov::task<bool> {
      co_return (co_await r.read_exact(b)).has_value();
    }(p->r, buf));
    for (const std::string_view piece : {"abc", "defg", "hij"}) {
      co_await kov::yield_now();
      EXPECT_FALSE(reader.is_finished()) << "read_exact completed early";
      KOV_CO_ASSERT((co_await p->w.write_all(piece)).has_value());
    }
    auto ok = co_await reader;
    KOV_CO_ASSERT_OK(ok);
    EXPECT_TRUE(*ok);
    EXPECT_EQ(std::string_view(buf.data(), buf.size()), "abcdefghij");
  }());
}

TEST_F(pipe_io, read_exact_hitting_end_of_file_is_end_of_stream) {
  run([]() -> kov::task<void> {
    // The end is already there when read_exact starts.
    {
      auto p = make_pipe();
      KOV_CO_ASSERT_OK(p);
      KOV_CO_ASSERT((co_await p->w.write_all(std::string_view("abc"))).has_value());
      p->w.close();
      std::array<char, 8> buf{};
      auto r = co_await p->r.read_exact(buf);
      EXPECT_EQ(r.error(), kov::errc::end_of_stream);
    }
    // The end comes while read_exact is parked with part of its bytes.
    {
      auto p = make_pipe();
      KOV_CO_ASSERT_OK(p);
      auto reader = kov::spawn([](kov::async_fd& r) -> kov::task<kov::result<void>> {
        std::array<char, 8> buf{};
        co_return co_await r.read_exact(buf);
      }(p->r));
      KOV_CO_ASSERT((co_await p->w.write_all(std::string_view("ab"))).has_value());
      co_await kov::yield_now();
      EXPECT_FALSE(reader.is_finished());
      p->w.close();
      auto r = co_await reader;
      KOV_CO_ASSERT_OK(r);
      EXPECT_EQ(r->error(), kov::errc::end_of_stream);
    }
  }());
}

TEST_F(pipe_io, a_single_write_is_short_on_a_pipe) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> big(1 << 20, 'x');
    auto n = co_await p->w.write(big);
    KOV_CO_ASSERT_OK(n);
    EXPECT_GT(*n, 0u);
    EXPECT_LT(*n, big.size()) << "a pipe holds 64 KiB by default";
  }());
}

TEST_F(pipe_io, write_all_moves_megabytes_through_a_pipe) {
  static constexpr std::size_t size = 8u << 20;
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> data = kov::test::pattern(1, size);
    auto writer = kov::spawn(
        [](kov::async_fd& w, const std::vector<char>& d) -> kov::task<kov::result<void>> {
          auto r = co_await w.write_all(d);
          w.close();
          co_return r;
        }(p->w, data));
    std::vector<char> got;
    got.reserve(size);
    std::vector<char> buf(4093);  // an odd size: reads straddle the writer's chunks
    std::size_t reads = 0;
    for (;;) {
      auto n = co_await p->r.read(buf);
      KOV_CO_ASSERT_OK(n);
      if (*n == 0) break;
      ++reads;
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    auto w = co_await writer;
    KOV_CO_ASSERT_OK(w);
    EXPECT_TRUE(w->has_value()) << w->error().message();
    EXPECT_EQ(got.size(), size);
    EXPECT_TRUE(got == data) << "the bytes read differ from the bytes written";
    EXPECT_GE(reads, size / buf.size());
  }());
}

TEST_F(pipe_io, write_to_a_pipe_without_reader_is_epipe) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    p->r.close();
    auto n = co_await p->w.write(std::string_view("x"));
    EXPECT_EQ(n.error(), errno_code(EPIPE));
    auto all = co_await p->w.write_all(std::string_view("xyz"));
    EXPECT_EQ(all.error(), errno_code(EPIPE));
  }());
}

TEST_F(pipe_io, a_parked_write_fails_with_epipe_when_the_reader_goes) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    const std::vector<char> big(1 << 20, 'x');
    auto writer = kov::spawn(
        [](kov::async_fd& w, const std::vector<char>& d) -> kov::task<kov::result<void>> {
          co_return co_await w.write_all(d);
        }(p->w, big));
    co_await kov::yield_now();
    EXPECT_FALSE(writer.is_finished()) << "1 MiB fit into the pipe";
    p->r.close();
    auto r = co_await writer;
    KOV_CO_ASSERT_OK(r);
    EXPECT_EQ(r->error(), errno_code(EPIPE));
  }());
}

// In a process of its own: SIGPIPE starts with its default action, which kills the process on
// a write to a reader-less pipe unless adopting the first fd set it to ignored.
TEST_F(pipe_io, epipe_does_not_kill_the_process) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::signal(SIGPIPE, SIG_DFL);
        const bool epipe = run([]() -> kov::task<bool> {
          auto p = make_pipe();
          if (!p) co_return false;
          p->r.close();
          auto n = co_await p->w.write(std::string_view("x"));
          co_return n.error() == errno_code(EPIPE);
        }());
        std::_Exit(epipe ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(pipe_io, readable_waits_until_a_read_would_not_block) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    // Nothing written yet.
    auto idle = co_await p->r.readable().with_timeout(30ms);
    EXPECT_EQ(idle.error(), kov::errc::timed_out) << "readable() on an empty pipe";
    // A byte arrives while readable() is parked.
    auto waiter = kov::spawn([](kov::async_fd& r) -> kov::task<kov::result<void>> {
      co_return co_await r.readable().with_timeout(5s);
    }(p->r));
    co_await kov::yield_now();
    EXPECT_FALSE(waiter.is_finished());
    KOV_CO_ASSERT((co_await p->w.write_all(std::string_view("y"))).has_value());
    auto ready = co_await waiter;
    KOV_CO_ASSERT_OK(ready);
    EXPECT_TRUE(ready->has_value()) << ready->error().message();
    // readable() did not consume the byte.
    std::array<char, 1> one{};
    auto n = co_await p->r.read(one);
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 1u);
    EXPECT_EQ(one[0], 'y');
    // Drained by a read that filled its buffer (no EAGAIN seen): not readable any more.
    auto drained = co_await p->r.readable().with_timeout(30ms);
    EXPECT_EQ(drained.error(), kov::errc::timed_out) << "readable() on a drained pipe";
    // The end of file makes it readable (the read gives 0).
    p->w.close();
    auto at_eof = co_await p->r.readable().with_timeout(5s);
    EXPECT_TRUE(at_eof.has_value()) << at_eof.error().message();
  }());
}

TEST_F(pipe_io, writable_waits_until_a_write_would_not_block) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    auto empty = co_await p->w.writable().with_timeout(5s);
    EXPECT_TRUE(empty.has_value()) << "an empty pipe is writable";
    // Filled behind the runtime's back.
    fill_pipe(p->w.native_handle());
    auto full = co_await p->w.writable().with_timeout(30ms);
    EXPECT_EQ(full.error(), kov::errc::timed_out) << "writable() on a full pipe";
    auto waiter = kov::spawn([](kov::async_fd& w) -> kov::task<kov::result<void>> {
      co_return co_await w.writable().with_timeout(5s);
    }(p->w));
    co_await kov::yield_now();
    EXPECT_FALSE(waiter.is_finished());
    std::vector<char> sink(1 << 20);
    auto n = co_await p->r.read(sink);
    KOV_CO_ASSERT_OK(n);
    auto ready = co_await waiter;
    KOV_CO_ASSERT_OK(ready);
    EXPECT_TRUE(ready->has_value()) << ready->error().message();
  }());
}

TEST_F(pipe_io, operations_on_a_closed_fd_fail) {
  run([]() -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    p->r.close();
    EXPECT_FALSE(p->r.is_open());
    std::array<char, 4> buf{};
    auto n = co_await p->r.read(buf);
    EXPECT_EQ(n.error(), errno_code(EBADF));
  }());
}

TEST_F(pipe_io, release_hands_the_fd_back_open) {
  int fd = -1;
  run([](int& out) -> kov::task<void> {
    auto p = make_pipe();
    KOV_CO_ASSERT_OK(p);
    out = p->r.release();
    EXPECT_FALSE(p->r.is_open());
  }(fd));
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(kov::test::fd_is_open(fd));
  ::close(fd);
}

}  // namespace
