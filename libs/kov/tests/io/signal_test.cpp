// signal_set: signals sent to the process arrive in a task instead of running their default
// action (SIGTERM would end this program), one at a time and in a row, whether the task waits
// already or not yet.

#include <kov/runtime.hpp>
#include <kov/signal.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

namespace {

using namespace std::chrono_literals;
using signal_io = kov::test::io_test;

TEST_F(signal_io, a_pending_signal_is_received) {
  run([]() -> kov::task<void> {
    auto sigs = kov::signal_set::watch({SIGUSR1, SIGUSR2});
    KOV_CO_ASSERT_OK(sigs);
    KOV_CO_ASSERT(::kill(::getpid(), SIGUSR1) == 0);
    auto got = co_await sigs->next().with_timeout(5s);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, SIGUSR1);
  }());
}

// The task is parked on the signalfd when another thread sends the signal.
TEST_F(signal_io, a_signal_from_another_thread_wakes_a_parked_task) {
  run([]() -> kov::task<void> {
    auto sigs = kov::signal_set::watch({SIGUSR1, SIGUSR2});
    KOV_CO_ASSERT_OK(sigs);
    // Started after watch: the thread inherits the blocked mask, so the signal stays pending
    // for the signalfd whichever thread the kernel picks.
    std::atomic<bool> parked{false};
    std::thread sender([&parked] {
      while (!parked.load()) std::this_thread::yield();
      std::this_thread::sleep_for(20ms);  // give the runtime time to block in epoll_wait
      ::kill(::getpid(), SIGUSR2);
    });
    auto waiter = kov::spawn([](kov::signal_set& s) -> kov::task<kov::result<int>> {
      co_return co_await s.next().with_timeout(5s);
    }(*sigs));
    co_await kov::yield_now();
    const bool was_waiting = !waiter.is_finished();
    parked.store(true);
    auto got = co_await waiter;
    sender.join();
    EXPECT_TRUE(was_waiting);
    KOV_CO_ASSERT_OK(got);
    KOV_CO_ASSERT_OK(*got);
    EXPECT_EQ(**got, SIGUSR2);
  }());
}

TEST_F(signal_io, two_signals_in_a_row) {
  run([]() -> kov::task<void> {
    auto sigs = kov::signal_set::watch({SIGUSR1, SIGUSR2});
    KOV_CO_ASSERT_OK(sigs);
    // Two different signals pending together: both are delivered, one per next().
    KOV_CO_ASSERT(::kill(::getpid(), SIGUSR1) == 0);
    KOV_CO_ASSERT(::kill(::getpid(), SIGUSR2) == 0);
    std::multiset<int> got;
    for (int i = 0; i < 2; ++i) {
      auto s = co_await sigs->next().with_timeout(5s);
      KOV_CO_ASSERT_OK(s);
      got.insert(*s);
    }
    EXPECT_EQ(got, (std::multiset<int>{SIGUSR1, SIGUSR2}));
    // The same signal twice, each received before the next is sent.
    for (int i = 0; i < 2; ++i) {
      KOV_CO_ASSERT(::kill(::getpid(), SIGUSR1) == 0);
      auto s = co_await sigs->next().with_timeout(5s);
      KOV_CO_ASSERT_OK(s);
      EXPECT_EQ(*s, SIGUSR1);
    }
    // Nothing else is left over.
    auto none = co_await sigs->next().with_timeout(20ms);
    EXPECT_EQ(none.error(), kov::errc::timed_out);
  }());
}

TEST_F(signal_io, sigterm_is_delivered_to_a_task) {
  run([]() -> kov::task<void> {
    auto sigs = kov::signal_set::watch({SIGTERM});
    KOV_CO_ASSERT_OK(sigs);
    auto shutdown = kov::spawn([](kov::signal_set& s) -> kov::task<int> {
      auto got = co_await s.next().with_timeout(5s);
      co_return got ? *got : -1;
    }(*sigs));
    co_await kov::yield_now();
    KOV_CO_ASSERT(::kill(::getpid(), SIGTERM) == 0);
    auto signo = co_await shutdown;
    KOV_CO_ASSERT_OK(signo);
    EXPECT_EQ(*signo, SIGTERM);
  }());
}

TEST_F(signal_io, unwatchable_signals_are_refused) {
  run([]() -> kov::task<void> {
    auto kill_set = kov::signal_set::watch({SIGKILL});
    EXPECT_EQ(kill_set.error(), std::errc::invalid_argument);
    auto stop_set = kov::signal_set::watch({SIGUSR1, SIGSTOP});
    EXPECT_EQ(stop_set.error(), std::errc::invalid_argument);
    auto bogus = kov::signal_set::watch({12345});
    EXPECT_EQ(bogus.error(), std::errc::invalid_argument);
    co_return;
  }());
}

}  // namespace
