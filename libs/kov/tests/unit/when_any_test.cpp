// when_any over any awaitable: timers, channel receives, I/O, join handles, tokens and tasks as
// branches; lvalue awaitables stay usable after losing; and 100,000 races of a receive against
// a timer, with messages from a task and from another thread, lose and duplicate nothing.

#include <kov/as_task.hpp>
#include <kov/async_fd.hpp>
#include <kov/mpsc.hpp>
#include <kov/oneshot.hpp>
#include <kov/runtime.hpp>
#include <kov/sync/broadcast.hpp>
#include <kov/sync/cancellation_token.hpp>
#include <kov/sync/watch.hpp>
#include <kov/time.hpp>
#include <kov/when_any.hpp>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

kov::runtime_options paused() {
  kov::runtime_options opts;
  opts.start_paused = true;
  return opts;
}

kov::task<int> after(kov::clock::duration d, int v) {
  co_await kov::sleep_for(d);
  co_return v;
}

TEST(when_any_awaitables, timers_receives_tokens_and_tasks_race) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::mpsc<int>();
    (void)tx.send(3);
    auto r1 = co_await kov::when_any(kov::sleep_for(1s), rx.recv());
    EXPECT_EQ(r1.index(), 1u);
    EXPECT_EQ(std::get<1>(r1).value(), 3);

    auto r2 = co_await kov::when_any(rx.recv(), kov::sleep_for(10ms), after(1s, 9));
    EXPECT_EQ(r2.index(), 1u);  // the timer; the receive took nothing

    kov::cancellation_token token;
    auto r3 = co_await kov::when_any(token.cancelled(), after(5ms, 4));
    EXPECT_EQ(r3.index(), 1u);
    EXPECT_EQ(std::get<1>(r3), 4);
    token.cancel();
    auto r4 = co_await kov::when_any(kov::sleep_for(1s), token.cancelled());
    EXPECT_EQ(r4.index(), 1u);

    kov::interval iv(10ms);
    (void)co_await iv.tick();  // the first tick is now
    auto r5 = co_await kov::when_any(iv.tick(), kov::sleep_for(1s));
    EXPECT_EQ(r5.index(), 0u);

    auto [btx, brx] = kov::broadcast::channel<int>(4).value();
    auto [wtx, wrx] = kov::watch::channel<int>(0);
    auto r6 = co_await kov::when_any(brx.recv(), wrx.changed(), kov::sleep_for(1s), after(1ms, 1));
    EXPECT_EQ(r6.index(), 3u);
    wtx.send(7);
    auto r7 = co_await kov::when_any(brx.recv(), wrx.changed());
    EXPECT_EQ(r7.index(), 1u);
    EXPECT_EQ(wrx.borrow(), 7);
    (void)btx.send(8);
    auto r8 = co_await kov::when_any(brx.recv(), wrx.changed());
    EXPECT_EQ(r8.index(), 0u);
    EXPECT_EQ(std::get<0>(r8).value(), 8);
  };
  rt.block_on(body());
}

TEST(when_any_awaitables, lvalue_awaitables_stay_the_callers_after_losing) {
  kov::runtime rt(paused());
  auto body = []() -> kov::task<void> {
    auto [otx, orx] = kov::oneshot<int>();
    auto r1 = co_await kov::when_any(orx, kov::sleep_for(10ms));
    EXPECT_EQ(r1.index(), 1u);
    (void)otx.send(5);
    EXPECT_EQ((co_await orx).value(), 5);  // the receiver and its value survived

    auto h = kov::spawn(after(1s, 6));
    auto r2 = co_await kov::when_any(h, kov::sleep_for(10ms));
    EXPECT_EQ(r2.index(), 1u);
    EXPECT_FALSE(h.is_finished());
    auto r3 = co_await kov::when_any(kov::sleep_for(1h), h);
    EXPECT_EQ(r3.index(), 1u);
    EXPECT_EQ(std::get<1>(r3).value(), 6);
  };
  rt.block_on(body());
}

TEST(when_any_awaitables, an_io_read_that_loses_takes_no_bytes) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_NONBLOCK | O_CLOEXEC) != 0)
      throw std::system_error(errno, std::generic_category());
    auto reader = kov::async_fd::adopt(fds[0]).value();
    auto writer = kov::async_fd::adopt(fds[1]).value();
    std::array<char, 8> buf{};
    auto r1 = co_await kov::when_any(reader.read(buf), kov::sleep_for(2ms));
    EXPECT_EQ(r1.index(), 1u);  // nothing to read: the timer won, the read was taken back
    const std::array<char, 2> hi{'h', 'i'};
    EXPECT_TRUE((co_await writer.write_all(kov::const_buffer(hi.data(), hi.size()))).has_value());
    auto r2 = co_await kov::when_any(kov::sleep_for(1s), reader.read(buf));
    EXPECT_EQ(r2.index(), 1u);
    EXPECT_EQ(std::get<1>(r2).value(), 2u);
    EXPECT_EQ(buf[0], 'h');
  };
  rt.block_on(body());
}

// Message ids: the low bits count per source, the top bit says which source sent it.
constexpr std::uint32_t from_thread = 1u << 31;

TEST(when_any_awaitables, recv_against_sleep_never_loses_or_duplicates_a_message) {
  constexpr int races = 100'000;
  constexpr std::uint32_t per_source = 20'000;
  kov::runtime rt(paused());
  auto channel = kov::mpsc<std::uint32_t>();  // not a structured binding: lambdas capture it
  kov::mpsc_sender<std::uint32_t>& tx = channel.first;
  kov::mpsc_receiver<std::uint32_t>& rx = channel.second;
  std::thread producer([tx = tx] {
    std::minstd_rand rng(7);
    for (std::uint32_t i = 0; i < per_source; ++i) {
      for (unsigned spin = rng() % 64; spin > 0; --spin) std::this_thread::yield();
      EXPECT_TRUE(tx.send(from_thread | i).has_value());
    }
  });
  std::vector<std::uint32_t> got;
  int timer_wins = 0;
  auto body = [&]() -> kov::task<void> {
    auto local = [](kov::mpsc_sender<std::uint32_t> s) -> kov::task<void> {
      std::minstd_rand rng(11);
      for (std::uint32_t i = 0; i < per_source; ++i) {
        if (rng() % 4 == 0) {
          co_await kov::sleep_for(std::chrono::milliseconds(rng() % 3));
        }
        for (unsigned y = rng() % 4; y > 0; --y) {
          co_await kov::yield_now();
        }
        (void)s.send(i);
      }
    };
    auto producing = kov::spawn(local(tx));
    std::minstd_rand rng(5);
    for (int i = 0; i < races; ++i) {
      auto wait = kov::sleep_for(std::chrono::milliseconds(rng() % 3));
      auto r = co_await kov::when_any(rx.recv(), std::move(wait));
      if (r.index() == 0) {
        got.push_back(std::get<0>(r).value());
      } else {
        ++timer_wins;
      }
    }
    (void)co_await producing;
    producer.join();  // the thread needs nothing from this runtime to finish
    for (auto m = rx.try_recv(); m.has_value(); m = rx.try_recv()) got.push_back(*m);
  };
  rt.block_on(body());

  // Each source's messages arrive once each, in the order sent (the channel is FIFO).
  std::uint32_t next_local = 0;
  std::uint32_t next_remote = 0;
  for (std::uint32_t m : got) {
    if ((m & from_thread) != 0) {
      EXPECT_EQ(m & ~from_thread, next_remote++);
    } else {
      EXPECT_EQ(m, next_local++);
    }
  }
  EXPECT_EQ(next_local, per_source);
  EXPECT_EQ(next_remote, per_source);
  EXPECT_GT(timer_wins, 0);  // both kinds of branch won some races
  EXPECT_GT(static_cast<int>(got.size()), 0);
}

}  // namespace
