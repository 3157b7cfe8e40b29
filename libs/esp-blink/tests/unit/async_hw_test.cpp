// The hardware awaitables (SYSTIMER sleep, GPIO edge, UART RX) on the host: their register
// sequences against the register-file fake, their handlers called as a fake CPU takes the
// interrupt.
#include <esp_blink/async.hpp>

#include "fake_interrupts.hpp"
#include "register_file_fake.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace esp_blink;

constexpr uint32_t systimer_base = 0x60023000;
constexpr uint32_t target0_hi = systimer_base + 0x1C, target0_lo = systimer_base + 0x20;
constexpr uint32_t systimer_int_ena = systimer_base + 0x64, systimer_int_clr = systimer_base + 0x6C;
constexpr uint32_t gpio_status = 0x60004044, gpio_status_w1tc = 0x6000404C;
constexpr uint32_t gpio_pin9 = 0x60004074 + 4 * 9;
constexpr uint32_t uart0_int_ena = 0x6000000C;

class async_hw_test : public ::testing::Test {
 protected:
  test::register_file_fake regs_;
  mmio::host_bus_guard bus_{regs_};
  test::fake_interrupts cpu_;
  async::host_platform_guard platform_{cpu_};
  async::frame_pool<2048, 3> frames_;
  async::executor ex_{frames_};
};

uint64_t armed_target(const test::register_file_fake& regs) {
  return uint64_t{regs.peek(target0_hi)} << 32 | regs.peek(target0_lo);
}

async::task sleep_then_mark(uint64_t deadline, bool& done) {
  co_await async::sleep_until(deadline);
  done = true;
}

TEST_F(async_hw_test, sleep_arms_comparator_0_and_resumes_after_the_alarm_handler) {
  regs_.systimer_ticks = 1000;
  regs_.ticks_per_read = 10;
  bool done = false;
  ex_.spawn(sleep_then_mark(50000, done));
  ex_.run_ready();
  EXPECT_FALSE(done);
  EXPECT_EQ(armed_target(regs_), 50000u);
  EXPECT_EQ(regs_.peek(systimer_int_ena) & 1u, 1u);
  const size_t clears_before = regs_.writes_to(systimer_int_clr);
  cpu_.at_next_wfi([&] {
    regs_.systimer_ticks = 50000;
    async::on_systimer_alarm();
  });
  ex_.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(cpu_.wfi_count, 1);
  EXPECT_EQ(regs_.peek(systimer_int_ena) & 1u, 0u);  // disarmed
  EXPECT_GE(regs_.writes_to(systimer_int_clr), clears_before + 1);
}

TEST_F(async_hw_test, a_sleep_whose_deadline_has_passed_completes_without_arming) {
  regs_.systimer_ticks = 100000;
  bool done = false;
  ex_.spawn(sleep_then_mark(5000, done));
  ex_.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(regs_.writes_to(target0_lo), 0u);
  EXPECT_EQ(cpu_.wfi_count, 0);
}

async::task button_or_timeout(async::interrupt_signal<>& button, uint8_t& index) {
  auto r = co_await async::select(button.wait(), async::sleep_until(1'000'000));
  index = r.index;
}

TEST_F(async_hw_test, a_sleep_that_loses_a_select_disarms_the_comparator) {
  regs_.ticks_per_read = 1;
  async::interrupt_signal<> button;
  uint8_t index = 9;
  ex_.spawn(button_or_timeout(button, index));
  cpu_.at_next_wfi([&] { button.complete(); });
  ex_.run();
  EXPECT_EQ(index, 0);
  EXPECT_EQ(regs_.peek(systimer_int_ena) & 1u, 0u);
  bool done = false;  // the comparator is free for the next sleep
  ex_.spawn(sleep_then_mark(2'000'000, done));
  cpu_.at_next_wfi([&] {
    regs_.systimer_ticks = 2'000'000;
    async::on_systimer_alarm();
  });
  ex_.run();
  EXPECT_TRUE(done);
}

// --- the timer queue: several sleeps on comparator 0 ------------------------------------------

async::task sleep_then_log(uint64_t deadline, std::string& log, char name) {
  co_await async::sleep_until(deadline);
  log += name;
}

TEST_F(async_hw_test, several_sleeps_share_comparator_0_armed_for_the_earliest) {
  regs_.systimer_ticks = 1000;
  regs_.ticks_per_read = 1;
  std::string log;
  ex_.spawn(sleep_then_log(30000, log, 'c'));
  ex_.spawn(sleep_then_log(10000, log, 'a'));
  ex_.spawn(sleep_then_log(20000, log, 'b'));
  ex_.run_ready();
  EXPECT_EQ(armed_target(regs_), 10000u);
  std::vector<uint64_t> rearmed;
  for (const uint64_t t : {10000u, 20000u, 30000u}) {
    cpu_.at_next_wfi([&, t] {
      regs_.systimer_ticks = t;
      async::on_systimer_alarm();
      rearmed.push_back(armed_target(regs_));
    });
  }
  ex_.run();
  EXPECT_EQ(log, "abc");
  EXPECT_EQ(cpu_.wfi_count, 3);
  EXPECT_EQ(rearmed[0], 20000u);  // each alarm arms the next deadline
  EXPECT_EQ(rearmed[1], 30000u);
  EXPECT_EQ(regs_.peek(systimer_int_ena) & 1u, 0u) << "no sleep left: the alarm is off";
}

TEST_F(async_hw_test, one_alarm_wakes_every_sleep_that_is_due) {
  regs_.systimer_ticks = 1000;
  regs_.ticks_per_read = 1;
  std::string log;
  ex_.spawn(sleep_then_log(5000, log, 'a'));
  ex_.spawn(sleep_then_log(5000, log, 'b'));
  ex_.spawn(sleep_then_log(4000, log, 'c'));
  cpu_.at_next_wfi([&] {
    regs_.systimer_ticks = 6000;  // the CPU slept past all three deadlines
    async::on_systimer_alarm();
  });
  ex_.run();
  EXPECT_EQ(log, "cab") << "earliest first; equal deadlines in the order they slept";
  EXPECT_EQ(cpu_.wfi_count, 1);
}

async::task sleep_or_button(async::interrupt_signal<>& button, uint64_t deadline, char& won) {
  auto r = co_await async::select(button.wait(), async::sleep_until(deadline));
  won = r.index == 0 ? 'b' : 's';
}

TEST_F(async_hw_test, the_earliest_sleep_leaving_early_rearms_for_the_next) {
  regs_.systimer_ticks = 1000;
  regs_.ticks_per_read = 1;
  async::interrupt_signal<> button;
  char won = '?';
  std::string log;
  ex_.spawn(sleep_or_button(button, 10000, won));
  ex_.spawn(sleep_then_log(50000, log, 'z'));
  ex_.run_ready();
  EXPECT_EQ(armed_target(regs_), 10000u);
  cpu_.at_next_wfi([&] { button.complete(); });
  uint64_t after_button = 0;
  cpu_.at_next_wfi([&] {
    after_button = armed_target(regs_);
    regs_.systimer_ticks = 50000;
    async::on_systimer_alarm();
  });
  ex_.run();
  EXPECT_EQ(won, 'b');
  EXPECT_EQ(after_button, 50000u);
  EXPECT_EQ(log, "z");
}

TEST_F(async_hw_test, a_deadline_reached_while_arming_completes_without_the_alarm) {
  // Every SYSTIMER read takes 1000 ticks: the first look sees 1000, the one after arming
  // 6000, past the deadline, so the comparator would never fire.
  regs_.systimer_ticks = 1000;
  regs_.ticks_per_read = 1000;
  bool done = false;
  ex_.spawn(sleep_then_mark(5000, done));
  ex_.run();
  EXPECT_TRUE(done);
  EXPECT_GE(regs_.writes_to(target0_lo), 1u) << "it was armed";
  EXPECT_EQ(cpu_.wfi_count, 0);
  EXPECT_EQ(regs_.peek(systimer_int_ena) & 1u, 0u);
}

async::task count_edges(int n, int& seen) {
  for (int i = 0; i < n; ++i) {
    co_await async::next_edge<9>();
    ++seen;
  }
}

TEST_F(async_hw_test, gpio_edges_wake_the_task_through_the_shared_handler) {
  async::listen<9>(async::edge::falling);
  EXPECT_EQ((regs_.peek(gpio_pin9) >> 7) & 7u, 2u);   // INT_TYPE: falling edge
  EXPECT_EQ((regs_.peek(gpio_pin9) >> 13) & 1u, 1u);  // INT_ENA: the CPU interrupt
  int seen = 0;
  ex_.spawn(count_edges(2, seen));
  auto edge_on_pin9 = [&] {
    regs_.poke(gpio_status, 1u << 9);
    async::on_gpio();
  };
  cpu_.at_next_wfi(edge_on_pin9);
  cpu_.at_next_wfi(edge_on_pin9);
  ex_.run();
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(cpu_.wfi_count, 2);
  EXPECT_EQ(regs_.writes_to(gpio_status_w1tc), 3u);  // listen's clear, then one per interrupt
}

async::isr_channel<uint8_t, 4> uart_rx;

async::task read_line(std::string& line) {
  for (;;) {
    const uint8_t byte = co_await uart_rx.recv();
    if (byte == '\n') co_return;
    line.push_back(static_cast<char>(byte));
  }
}

TEST_F(async_hw_test, the_uart_handler_moves_the_fifo_into_the_channel_and_counts_what_it_drops) {
  async::listen_rx<pac::uart0>();
  EXPECT_EQ(regs_.peek(uart0_int_ena) & 0x101u, 0x101u);  // RXFIFO_FULL and RXFIFO_TOUT
  std::string line;
  ex_.spawn(read_line(line));
  cpu_.at_next_wfi([&] {
    for (char c : std::string("ok\n")) regs_.uart0_rx.push_back(static_cast<uint8_t>(c));
    async::on_uart_rx<pac::uart0, uart_rx>();
  });
  ex_.run();
  EXPECT_EQ(line, "ok");
  EXPECT_EQ(uart_rx.take_dropped(), 0u);
  for (char c : std::string("abcdef")) regs_.uart0_rx.push_back(static_cast<uint8_t>(c));
  cpu_.raise([] { async::on_uart_rx<pac::uart0, uart_rx>(); });
  EXPECT_TRUE(regs_.uart0_rx.empty());  // the FIFO is drained whatever the channel's room
  EXPECT_EQ(uart_rx.size(), 4u);
  EXPECT_EQ(uart_rx.take_dropped(), 2u);
}

}  // namespace
