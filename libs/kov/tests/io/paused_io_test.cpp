// The test clock with I/O: auto-advance does not jump while an I/O operation is parked in the
// reactor (it may complete before the next timer); once none is, it jumps again.

#include <kov/async_fd.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <thread>

namespace {

using namespace std::chrono_literals;
using paused_io = kov::test::io_test;

TEST_F(paused_io, auto_advance_waits_for_a_pending_read) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  kov::test::unique_fd write_end(fds[1]);
  kov::runtime_options opts;
  opts.start_paused = true;
  kov::runtime rt(opts);
  bool slept = false;
  auto sleeper = [](bool& done) -> kov::task<void> {
    co_await kov::sleep_for(1h);
    done = true;
  };
  auto body = [&]() -> kov::task<void> {
    auto r = kov::async_fd::adopt(fds[0]);
    KOV_CO_ASSERT_OK(r);
    const auto start = kov::clock::now();
    auto sleeping = kov::spawn(sleeper(slept));
    // The byte comes from another thread a little later in real time: had the runtime jumped
    // while the read was parked, the sleeper would have finished first.
    std::thread writer([w = write_end.get()] {
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

}  // namespace
