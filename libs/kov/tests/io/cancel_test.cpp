// Cancellation and teardown with I/O in flight: aborting a task parked in read, accept or
// write; closing a socket under a parked read; a timeout around accept; a runtime destroyed
// while tasks wait on I/O; I/O objects that outlive their runtime.

#include <kov/async_fd.hpp>
#include <kov/net/tcp.hpp>
#include <kov/net/unix.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using kov::test::connect_pair;
namespace net = kov::net;
using kov::test::fd_is_open;
using cancel_io = kov::test::io_test;

// Sets a flag when the frame that holds it is destroyed.
struct destroyed_flag {
  bool* flag;
  ~destroyed_flag() { *flag = true; }
};

// After an abort: the task's fd must be closed already, and must stay closed exactly once.
// A pipe opened right away takes the lowest free numbers, normally the one just freed; if a
// stray second close came later, the pipe would lose an end.
kov::task<void> check_closed_once(int fd) {
  EXPECT_FALSE(fd_is_open(fd)) << "fd " << fd << " still open after the abort";
  int p[2];
  KOV_CO_ASSERT(::pipe2(p, O_CLOEXEC) == 0);
  kov::test::unique_fd r(p[0]);
  kov::test::unique_fd w(p[1]);
  for (int i = 0; i < 3; ++i) co_await kov::yield_now();
  co_await kov::sleep_for(2ms);  // a reactor turn or two
  EXPECT_TRUE(fd_is_open(r.get()) && fd_is_open(w.get())) << "an fd was closed twice";
}

TEST_F(cancel_io, aborting_a_task_parked_in_read) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    bool destroyed = false;
    bool read_returned = false;
    const int fd = p->client.native_handle();
    auto reader = kov::spawn([](net::tcp_stream s, bool* d, bool* returned) -> kov::task<void> {
      destroyed_flag guard{d};
      std::array<char, 16> buf{};
      (void)co_await s.read(buf);
      *returned = true;
    }(std::move(p->client), &destroyed, &read_returned));
    co_await kov::yield_now();
    KOV_CO_ASSERT(!reader.is_finished());
    reader.abort();
    EXPECT_TRUE(destroyed) << "the task's destructors have not run";
    EXPECT_FALSE(read_returned);
    co_await check_closed_once(fd);
    auto joined = co_await reader;
    EXPECT_EQ(joined.error(), kov::errc::cancelled);
    // The runtime goes on: the server side sees the client's end of stream.
    std::array<char, 16> buf{};
    auto n = co_await p->server.read(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 0u);
  }());
}

TEST_F(cancel_io, aborting_a_task_parked_in_accept) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    const int fd = l->native_handle();
    bool destroyed = false;
    auto acceptor = kov::spawn([](net::tcp_listener lis, bool* d) -> kov::task<void> {
      destroyed_flag guard{d};
      (void)co_await lis.accept();
    }(std::move(*l), &destroyed));
    co_await kov::yield_now();
    KOV_CO_ASSERT(!acceptor.is_finished());
    acceptor.abort();
    EXPECT_TRUE(destroyed);
    co_await check_closed_once(fd);
    // The listener is gone with the task.
    auto c = co_await net::tcp_stream::connect(*addr, 5s);
    EXPECT_EQ(c.error(), std::errc::connection_refused) << c.error().message();
    // And a new one works on the same runtime.
    auto again = co_await connect_pair();
    EXPECT_TRUE(again.has_value());
  }());
}

// The accept completes in a reactor turn (the backend has called accept4), and the task is
// aborted before it runs to take the connection: the new fd must not be left open.
TEST_F(cancel_io, aborting_a_task_whose_accept_completed_before_it_ran) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    auto acceptor = kov::spawn(
        [](net::tcp_listener& lis) -> kov::task<void> { (void)co_await lis.accept(); }(*l));
    co_await kov::yield_now();
    KOV_CO_ASSERT(!acceptor.is_finished());
    // A plain client: on loopback the handshake is done when connect returns.
    kov::test::unique_fd client(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    KOV_CO_ASSERT(client.get() >= 0);
    const int r = ::connect(client.get(), addr->native(), addr->size());
    KOV_CO_ASSERT(r == 0 || errno == EINPROGRESS);
    // This task keeps the run queue busy, so reactor turns do not block; the acceptor is
    // queued (its accept done) and, behind this task in the queue, has not run yet.
    for (int i = 0; i < 1000 && acceptor.header()->state_ != kov::detail::task_state::scheduled;
         ++i) {
      co_await kov::yield_now();
    }
    KOV_CO_ASSERT(acceptor.header()->state_ == kov::detail::task_state::scheduled);
    acceptor.abort();
    // Checked by the fixture too: no fd of the accepted connection is left open.
    char byte = 0;
    pollfd p{client.get(), POLLIN, 0};
    KOV_CO_ASSERT(::poll(&p, 1, 2000) == 1);
    EXPECT_EQ(::recv(client.get(), &byte, 1, 0), 0) << "the accepted connection is still open";
  }());
}

TEST_F(cancel_io, aborting_a_task_parked_in_write_to_a_full_socket) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    const int fd = p->client.native_handle();
    bool destroyed = false;
    const std::vector<char> big(32u << 20, 'z');
    auto writer = kov::spawn(
        [](net::tcp_stream s, const std::vector<char>& data, bool* d) -> kov::task<void> {
          destroyed_flag guard{d};
          (void)co_await s.write_all(data);
        }(std::move(p->client), big, &destroyed));
    // The server reads nothing: the writer fills both socket buffers and parks.
    co_await kov::yield_now();
    KOV_CO_ASSERT(!writer.is_finished());
    writer.abort();
    EXPECT_TRUE(destroyed);
    co_await check_closed_once(fd);
    // The server drains what was sent, then sees the end.
    std::vector<char> buf(1 << 20);
    std::size_t total = 0;
    for (;;) {
      auto n = co_await p->server.read(buf).with_timeout(5s);
      KOV_CO_ASSERT_OK(n);
      if (*n == 0) break;
      total += *n;
    }
    EXPECT_GT(total, 0u);
    EXPECT_LT(total, big.size());
  }());
}

TEST_F(cancel_io, closing_a_socket_cancels_a_parked_read) {
  run([]() -> kov::task<void> {
    auto p = co_await connect_pair();
    KOV_CO_ASSERT_OK(p);
    auto reader = kov::spawn([](net::tcp_stream& s) -> kov::task<kov::result<std::size_t>> {
      std::array<char, 16> buf{};
      co_return co_await s.read(buf).with_timeout(5s);
    }(p->client));
    co_await kov::yield_now();
    KOV_CO_ASSERT(!reader.is_finished());
    const int fd = p->client.native_handle();
    p->client.close();
    EXPECT_FALSE(fd_is_open(fd));
    auto r = co_await reader;
    KOV_CO_ASSERT_OK(r);
    EXPECT_EQ(r->error(), kov::errc::cancelled) << r->error().message();
    EXPECT_EQ(r->error(), std::errc::operation_canceled);
    // Operations on the closed socket fail at once.
    std::array<char, 16> buf{};
    auto after = co_await p->client.read(buf);
    EXPECT_EQ(after.error(), kov::test::errno_code(EBADF));
  }());
}

TEST_F(cancel_io, closing_a_listener_cancels_a_parked_accept) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto acceptor = kov::spawn([](net::tcp_listener& lis) -> kov::task<std::error_code> {
      auto c = co_await lis.accept();
      co_return c.error();
    }(*l));
    co_await kov::yield_now();
    KOV_CO_ASSERT(!acceptor.is_finished());
    l->close();
    auto e = co_await acceptor;
    KOV_CO_ASSERT_OK(e);
    EXPECT_EQ(*e, kov::errc::cancelled) << e->message();
  }());
}

TEST_F(cancel_io, closing_a_socket_cancels_parked_reads_and_writes_together) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b] = *p;
    const std::vector<char> big(16u << 20, 'q');
    auto writer = kov::spawn(
        [](net::unix_stream& s, const std::vector<char>& d) -> kov::task<kov::result<void>> {
          co_return co_await s.write_all(d);
        }(a, big));
    auto reader = kov::spawn([](net::unix_stream& s) -> kov::task<kov::result<std::size_t>> {
      std::array<char, 16> buf{};
      co_return co_await s.read(buf);
    }(a));
    co_await kov::yield_now();
    KOV_CO_ASSERT(!writer.is_finished() && !reader.is_finished());
    a.close();
    auto w = co_await writer;
    auto r = co_await reader;
    KOV_CO_ASSERT_OK(w);
    KOV_CO_ASSERT_OK(r);
    EXPECT_EQ(w->error(), kov::errc::cancelled);
    EXPECT_EQ(r->error(), kov::errc::cancelled);
    (void)b;
  }());
}

TEST_F(cancel_io, timeout_around_accept_leaves_the_listener_usable) {
  run([]() -> kov::task<void> {
    auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
    KOV_CO_ASSERT_OK(l);
    auto addr = l->local_address();
    KOV_CO_ASSERT_OK(addr);
    // kov::timeout runs the accept in a child task and aborts it at the deadline.
    auto none = co_await kov::timeout(20ms, l->accept());
    EXPECT_EQ(none.error(), kov::errc::timed_out);
    auto c = co_await net::tcp_stream::connect(*addr, 5s);
    KOV_CO_ASSERT_OK(c);
    auto s = co_await kov::timeout(5s, l->accept());
    KOV_CO_ASSERT_OK(s);
    EXPECT_TRUE(s->has_value());
  }());
}

// Frames still parked on I/O when the runtime goes are destroyed with it: every fd closed,
// every destructor run (and under ASan, nothing leaked or used after free).
TEST_F(cancel_io, runtime_destroyed_while_tasks_wait_on_io) {
  int destroyed = 0;
  {
    kov::runtime rt;
    rt.block_on([](int* d) -> kov::task<void> {
      struct count {
        int* n;
        ~count() { ++*n; }
      };
      auto p = co_await connect_pair();
      KOV_CO_ASSERT_OK(p);
      auto l = net::tcp_listener::bind(net::socket_address::ipv4_loopback(0));
      KOV_CO_ASSERT_OK(l);
      // Parked in read (with a timer armed), in accept, and in a write to a full socket.
      kov::spawn([](net::tcp_stream s, int* n) -> kov::task<void> {
        count c{n};
        std::array<char, 8> buf{};
        (void)co_await s.read(buf).with_timeout(1h);
      }(std::move(p->client), d))
          .detach();
      kov::spawn([](net::tcp_listener lis, int* n) -> kov::task<void> {
        count c{n};
        (void)co_await lis.accept();
      }(std::move(*l), d))
          .detach();
      kov::spawn([](net::tcp_stream s, int* n) -> kov::task<void> {
        count c{n};
        const std::vector<char> big(32u << 20, 'w');
        (void)co_await s.write_all(big);
      }(std::move(p->server), d))
          .detach();
      for (int i = 0; i < 3; ++i) co_await kov::yield_now();
      EXPECT_EQ(*d, 0);
    }(&destroyed));
    EXPECT_EQ(rt.live_tasks(), 3u);
  }
  EXPECT_EQ(destroyed, 3);
}

// A join handle kept past the runtime, for a task that owns a socket and waits on it.
TEST_F(cancel_io, join_handle_outliving_its_runtime) {
  kov::join_handle<void> kept;
  {
    kov::runtime rt;
    rt.block_on([](kov::join_handle<void>& out) -> kov::task<void> {
      auto p = net::unix_stream::pair();
      KOV_CO_ASSERT_OK(p);
      out = kov::spawn([](net::unix_stream s) -> kov::task<void> {
        std::array<char, 8> buf{};
        (void)co_await s.read(buf);
      }(std::move(p->first)));
      co_await kov::yield_now();
    }(kept));
  }
  EXPECT_TRUE(kept.is_finished());
  EXPECT_EQ(kept.take_result().error(), kov::errc::cancelled);
}

// An I/O object owned outside the runtime outlives it: it can still be used (every operation
// fails with errc::cancelled), closed, and destroyed.
TEST_F(cancel_io, io_objects_outliving_their_runtime) {
  std::optional<net::tcp_stream> stream;
  std::optional<net::tcp_stream> peer;
  std::optional<kov::async_fd> pipe_end;
  int stream_fd = -1;
  {
    kov::runtime rt;
    rt.block_on([](std::optional<net::tcp_stream>& s, std::optional<net::tcp_stream>& ps,
                   std::optional<kov::async_fd>& pe) -> kov::task<void> {
      auto p = co_await connect_pair();
      KOV_CO_ASSERT_OK(p);
      s.emplace(std::move(p->client));
      ps.emplace(std::move(p->server));
      int fds[2];
      KOV_CO_ASSERT(::pipe2(fds, O_CLOEXEC) == 0);
      ::close(fds[1]);
      auto a = kov::async_fd::adopt(fds[0]);
      KOV_CO_ASSERT_OK(a);
      pe.emplace(std::move(*a));
      // A task parked on the outside stream when the runtime goes: its op is taken back.
      kov::spawn([](net::tcp_stream& st) -> kov::task<void> {
        std::array<char, 8> buf{};
        (void)co_await st.read(buf);
      }(s.value()))
          .detach();
      co_await kov::yield_now();
    }(stream, peer, pipe_end));
  }
  ASSERT_TRUE(stream && peer && pipe_end);
  stream_fd = stream->native_handle();
  EXPECT_TRUE(fd_is_open(stream_fd));
  // The socket itself still works at the system-call level.
  EXPECT_EQ(::send(peer->native_handle(), "x", 1, MSG_NOSIGNAL), 1);
  // Awaited on a new runtime, the orphaned object reports cancelled.
  {
    kov::runtime rt2;
    const auto r = rt2.block_on([](net::tcp_stream& s) -> kov::task<kov::result<std::size_t>> {
      std::array<char, 8> buf{};
      co_return co_await s.read(buf);
    }(*stream));
    EXPECT_EQ(r.error(), kov::errc::cancelled);
  }
  stream->close();
  EXPECT_FALSE(fd_is_open(stream_fd));
  stream.reset();
  peer.reset();
  pipe_end.reset();
}

}  // namespace
