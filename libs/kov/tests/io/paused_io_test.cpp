// The test clock with I/O: auto-advance does not jump while an I/O operation is parked in the
// reactor (it may complete before the next timer); once none is, it jumps again. An I/O
// operation's own with_timeout follows the test clock on either backend (io_uring included,
// whose kernel-enforced timeouts know only the real clock).

#include <kov/async_fd.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <thread>

namespace {

using namespace std::chrono_literals;
// A pipe for each test: the read end for the runtime to adopt, the write end kept here (closed
// before the fixture's descriptor-leak check).
class paused_io : public kov::test::io_test {
 protected:
  void SetUp() override {
    io_test::SetUp();
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    read_fd_ = fds[0];
    write_end_ = kov::test::unique_fd(fds[1]);
  }
  void TearDown() override {
    write_end_.reset();
    io_test::TearDown();
  }
  static kov::runtime_options paused_clock() {
    kov::runtime_options opts;
    opts.start_paused = true;
    return opts;
  }

  int read_fd_ = -1;
  kov::test::unique_fd write_end_;
};

TEST_F(paused_io, auto_advance_waits_for_a_pending_read) {
  kov::runtime rt(paused_clock());
  bool slept = false;
  auto sleeper = [](bool& done) -> kov::task<void> {
    co_await kov::sleep_for(1h);
    done = true;
  };
  auto body = [&]() -> kov::task<void> {
    auto r = kov::async_fd::adopt(read_fd_);
    KOV_CO_ASSERT_OK(r);
    const auto start = kov::clock::now();
    auto sleeping = kov::spawn(sleeper(slept));
    // The byte comes from another thread a little later in real time: had the runtime jumped
    // while the read was parked, the sleeper would have finished first.
    std::thread writer([w = write_end_.get()] {
      std::this_thread::sleep_for(20ms);
      const char byte = 'x';
      EXPECT_EQ(::write(w, &byte, 1), 1);
    });
    std::array<char, 4> buf{};
    auto n = co_await r->read(buf);
    writer.join();
    KOV_CO_ASSERT_OK(n);
    EXPECT_EQ(*n, 1u);
    EXPECT_FALSE(slept);
    EXPECT_EQ(kov::clock::now(), start);
    // No I/O parked any more: the clock jumps to the sleeper's deadline.
    (void)co_await sleeping;
    EXPECT_TRUE(slept);
    EXPECT_EQ(kov::clock::now() - start, 1h);
  };
  rt.block_on(body());
}

TEST_F(paused_io, an_operations_own_timeout_fires_when_the_clock_is_advanced) {
  kov::runtime rt(paused_clock());
  auto body = [&]() -> kov::task<void> {
    auto r = kov::async_fd::adopt(read_fd_);
    KOV_CO_ASSERT_OK(r);
    std::optional<kov::result<std::size_t>> got;
    auto reader = [](kov::async_fd& fd,
                     std::optional<kov::result<std::size_t>>& out) -> kov::task<void> {
      std::array<char, 4> buf{};
      out = co_await fd.read(buf).with_timeout(30min);
    };
    auto reading = kov::spawn(reader(*r, got));
    co_await kov::yield_now();  // the read is parked, nothing written
    co_await kov::time::advance(29min);
    EXPECT_FALSE(got.has_value());
    co_await kov::time::advance(1min);  // fires the read's deadline on the runtime's timer
    for (int i = 0; i < 3 && !got; ++i) co_await kov::yield_now();
    if (!got) {
      ADD_FAILURE() << "the read's deadline did not follow the paused clock";
      reading.abort();
      co_return;
    }
    EXPECT_EQ(got->error(), kov::errc::timed_out);
    (void)co_await reading;
  };
  rt.block_on(body());
}

}  // namespace
