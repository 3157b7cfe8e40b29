// The async executor on the host, with a fake CPU (fake_interrupts.hpp) as interrupt source:
// the race-free idle step, the wake rules, the frame pool's bound, join/select, and the
// interrupt-to-task channel.
#include <esp_blink/async.hpp>

#include "fake_interrupts.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace esp_blink;
using async::interrupt_signal;
// probe (below) lives outside esp_blink::async, so argument-dependent lookup cannot find the
// operator that awaits a pollable.
using async::operator co_await;  // NOLINT(misc-unused-using-decls): used by `co_await p`

static_assert(async::pollable<interrupt_signal<int>::wait_op>);
static_assert(async::pollable<async::isr_channel<int, 2>::recv_op>);
static_assert(
    async::pollable<async::join_op<interrupt_signal<>::wait_op, interrupt_signal<>::wait_op>>);

// Frames at -O0 with sanitizers are far larger than on the chip.
using test_pool = async::frame_pool<2048, 4>;

class async_test : public ::testing::Test {
 protected:
  test::fake_interrupts cpu_;
  async::host_platform_guard guard_{cpu_};
  test_pool frames_;
  async::executor ex_{frames_};
};

async::task wait_once(interrupt_signal<int>& s, int& got) {
  got = co_await s.wait();
}

TEST_F(async_test, wake_between_readiness_check_and_wfi_is_not_lost) {
  // The interrupt is asserted after each of the idle step's mask/restore calls in turn, up to
  // the moment before the WFI instruction. Had the executor looked at the run queue unmasked
  // and then slept, some placement would let the handler queue the task before WFI and the CPU
  // would sleep with nothing to come (the fake panics). Masked, the interrupt stays pending,
  // WFI returns at once, and the handler runs as the mask is lifted.
  for (int calls = 1; calls <= 4; ++calls) {
    SCOPED_TRACE(calls);
    interrupt_signal<int> signal;
    int got = 0;
    ex_.spawn(wait_once(signal, got));
    ex_.run_ready();
    ASSERT_TRUE(signal.has_waiter());
    cpu_.raise_after_calls(calls, [&] { signal.complete(calls); });
    ex_.run();
    EXPECT_EQ(got, calls);
    EXPECT_EQ(ex_.live_tasks(), 0u);
    EXPECT_TRUE(cpu_.enabled());
  }
  EXPECT_EQ(cpu_.handlers_run, 4);
}

TEST_F(async_test, an_interrupt_during_wfi_wakes_the_waiting_task) {
  interrupt_signal<int> signal;
  int got = 0;
  ex_.spawn(wait_once(signal, got));
  cpu_.at_next_wfi([&] { signal.complete(3); });
  ex_.run();
  EXPECT_EQ(got, 3);
  EXPECT_EQ(cpu_.wfi_count, 1);
  EXPECT_FALSE(signal.has_waiter());
}

TEST_F(async_test, a_completion_before_the_wait_is_latched) {
  interrupt_signal<int> signal;
  signal.complete(9);
  int got = 0;
  ex_.spawn(wait_once(signal, got));
  ex_.run();
  EXPECT_EQ(got, 9);
  EXPECT_EQ(cpu_.wfi_count, 0);
}

// A pollable that counts its polls and keeps the waker it was given.
struct probe {
  int polls = 0;
  bool ready = false;
  bool wake_self_once = false;
  async::waker waker;

  bool poll(const async::waker& w) {
    ++polls;
    waker = w;
    if (wake_self_once) {
      wake_self_once = false;
      w.wake();  // woken while running
    }
    return ready;
  }
  async::none take() { return {}; }
};

async::task await_probe(probe& p, int& resumed) {
  co_await p;
  ++resumed;
}

TEST_F(async_test, a_task_woken_twice_runs_once) {
  probe p;
  int resumed = 0;
  ex_.spawn(await_probe(p, resumed));
  ex_.run_ready();
  ASSERT_EQ(p.polls, 1);
  cpu_.raise([&] { p.waker.wake(); });
  cpu_.raise([&] { p.waker.wake(); });
  ex_.run_ready();
  EXPECT_EQ(p.polls, 2);  // queued once, polled once
  EXPECT_EQ(resumed, 0);  // still not ready: the wake was spurious, the coroutine stays put
  p.ready = true;
  p.waker.wake();
  ex_.run_ready();
  EXPECT_EQ(p.polls, 3);
  EXPECT_EQ(resumed, 1);
  EXPECT_EQ(ex_.live_tasks(), 0u);
}

TEST_F(async_test, waking_the_running_task_polls_it_once_more) {
  probe p;
  p.wake_self_once = true;
  int resumed = 0;
  ex_.spawn(await_probe(p, resumed));
  ex_.run_ready();
  EXPECT_EQ(p.polls, 2);  // first poll (from co_await) woke itself: one more round, no more
  EXPECT_EQ(resumed, 0);
  ex_.run_ready();
  EXPECT_EQ(p.polls, 2);  // not queued again
}

async::task do_nothing() {
  co_return;
}

TEST_F(async_test, finished_tasks_give_their_frame_slots_back) {
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) ex_.spawn(do_nothing());
    EXPECT_EQ(frames_.slots_in_use(), 4u);
    ex_.run();
    EXPECT_EQ(frames_.slots_in_use(), 0u);
  }
}

TEST_F(async_test, a_task_never_spawned_gives_its_slot_back) {
  { auto t = do_nothing(); }
  EXPECT_EQ(frames_.slots_in_use(), 0u);
}

TEST(async_death, the_spawn_past_the_pools_bound_panics) {
  EXPECT_DEATH(
      {
        test_pool frames;
        async::executor ex{frames};
        for (int i = 0; i < 4; ++i) ex.spawn(do_nothing());
        ex.spawn(do_nothing());  // the fifth frame
      },
      "panic: async: frame pool exhausted");
}

TEST(async_death, a_frame_larger_than_a_slot_panics) {
  auto spawn_into_tiny_slots = [] {
    async::frame_pool<16, 4> frames;
    async::executor ex{frames};
    ex.spawn(do_nothing());
  };
  EXPECT_DEATH(spawn_into_tiny_slots(), "panic: async: task frame larger than a pool slot");
}

TEST(async_death, a_task_created_without_an_executor_panics) {
  EXPECT_DEATH({ auto t = do_nothing(); }, "panic: async: a task was created with no executor");
}

async::task join_two(interrupt_signal<int>& a, interrupt_signal<int>& b, int& result,
                     int& resumed) {
  auto [x, y] = co_await async::join(a.wait(), b.wait());
  result = x * 10 + y;
  ++resumed;
}

TEST_F(async_test, join_completes_when_both_sides_have) {
  interrupt_signal<int> a, b;
  int result = 0, resumed = 0;
  ex_.spawn(join_two(a, b, result, resumed));
  cpu_.at_next_wfi([&] { b.complete(2); });
  cpu_.at_next_wfi([&] { a.complete(1); });
  ex_.run();
  EXPECT_EQ(result, 12);
  EXPECT_EQ(resumed, 1);
  EXPECT_EQ(cpu_.wfi_count, 2);  // slept again after the first side completed
}

async::task select_two(interrupt_signal<int>& a, interrupt_signal<int>& b,
                       async::either<int, int>& out) {
  out = co_await async::select(a.wait(), b.wait());
}

TEST_F(async_test, select_completes_with_the_first_side_and_releases_the_other) {
  interrupt_signal<int> a, b;
  async::either<int, int> out{};
  ex_.spawn(select_two(a, b, out));
  cpu_.at_next_wfi([&] { b.complete(5); });
  ex_.run();
  EXPECT_EQ(out.index, 1);
  EXPECT_EQ(out.second, 5);
  EXPECT_FALSE(a.has_waiter());  // the losing side forgot the finished task's waker
  a.complete(1);                 // and completing it later touches no task
  EXPECT_TRUE(a.is_complete());
}

TEST_F(async_test, select_takes_the_first_side_on_a_tie_and_leaves_the_other_latched) {
  interrupt_signal<int> a, b;
  a.complete(1);
  b.complete(2);
  async::either<int, int> out{};
  ex_.spawn(select_two(a, b, out));
  ex_.run();
  EXPECT_EQ(out.index, 0);
  EXPECT_EQ(out.first, 1);
  EXPECT_FALSE(a.is_complete());
  EXPECT_TRUE(b.is_complete());  // not consumed: a later wait takes it
}

using channel = async::isr_channel<int, 4>;

async::task receive(channel& ch, int count, std::vector<int>& got) {
  for (int i = 0; i < count; ++i) got.push_back(co_await ch.recv());
}

TEST_F(async_test, channel_items_pushed_by_handlers_arrive_in_order) {
  channel ch;
  std::vector<int> got;
  ex_.spawn(receive(ch, 3, got));
  cpu_.at_next_wfi([&] { ch.try_push(1); });
  cpu_.at_next_wfi([&] {
    ch.try_push(2);
    ch.try_push(3);
  });
  ex_.run();
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(cpu_.wfi_count, 2);
  EXPECT_FALSE(ch.has_receiver());
}

async::task receive_two_at_once(channel& ch, int& first, int& second) {
  auto [a, b] = co_await async::join(ch.recv(), ch.recv());
  first = a;
  second = b;
}

TEST_F(async_test, two_receives_joined_in_one_task_each_take_one_item) {
  channel ch;
  int first = 0, second = 0;
  ex_.spawn(receive_two_at_once(ch, first, second));
  cpu_.at_next_wfi([&] { ch.try_push(1); });
  cpu_.at_next_wfi([&] { ch.try_push(2); });
  ex_.run();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  EXPECT_EQ(cpu_.wfi_count, 2);  // the first item completed one side, the task slept again
  EXPECT_FALSE(ch.has_receiver());
}

TEST_F(async_test, a_full_channel_drops_and_counts_never_blocks) {
  channel ch;
  std::vector<int> got;
  std::vector<bool> pushed;
  ex_.spawn(receive(ch, 4, got));
  ex_.run_ready();
  cpu_.raise([&] {
    for (int i = 1; i <= 6; ++i) pushed.push_back(ch.try_push(i));
  });
  EXPECT_EQ(pushed, (std::vector<bool>{true, true, true, true, false, false}));
  EXPECT_EQ(ch.take_dropped(), 2u);
  EXPECT_EQ(ch.take_dropped(), 0u);  // reported once
  ex_.run();
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3, 4}));  // the oldest kept, in order
  EXPECT_EQ(ch.size(), 0u);
}

}  // namespace
