// Select under load: one thread selects over 8 channels fed by 8 producer threads (one each,
// random pauses so the selector parks and wakes often); every message must arrive exactly once
// (count, sum and sum of squares per channel) and in order per channel.
#include <flume_lock/channel.hpp>
#include <flume_lock/select.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace {

using flume_lock::status;

constexpr unsigned channels = 8;

// 10M messages in total (dev and release builds); sanitizers slow every atomic down, so their
// builds run the same shape with fewer messages.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr std::uint64_t total_messages = 200'000;
#else
constexpr std::uint64_t total_messages = 10'000'000;
#endif

struct sums {
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t squares = 0;
  void add(std::uint64_t v) {
    ++count;
    sum += v;
    squares += v * v;
  }
};

void select_over_eight(std::size_t capacity, std::uint64_t per_channel) {
  std::vector<flume_lock::sender<std::uint64_t>> txs;
  std::vector<flume_lock::receiver<std::uint64_t>> rxs;
  for (unsigned c = 0; c < channels; ++c) {
    auto [tx, rx] = capacity == 0 ? flume_lock::channel<std::uint64_t>()
                                  : flume_lock::bounded<std::uint64_t>(capacity);
    txs.push_back(std::move(tx));
    rxs.push_back(std::move(rx));
  }
  std::array<sums, channels> sent{};
  std::vector<std::thread> producers;
  for (unsigned c = 0; c < channels; ++c) {
    producers.emplace_back([tx = std::move(txs[c]), &mine = sent[c], c, per_channel] {
      std::minstd_rand rng(c + 1);
      for (std::uint64_t i = 1; i <= per_channel; ++i) {
        const std::uint64_t v = std::uint64_t{c} << 40 | i;
        ASSERT_EQ(tx.send(v), status::ok);
        mine.add(v);
        if (rng() % 4096 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 100));
      }
    });  // the producer's sender dies here: that channel disconnects
  }

  std::array<std::uint64_t, channels> outs{};
  std::array<sums, channels> received{};
  std::array<std::uint64_t, channels> next{};
  flume_lock::basic_selector<channels> sel;
  for (unsigned c = 0; c < channels; ++c) ASSERT_EQ(sel.recv(rxs[c], outs[c]), c);
  unsigned open = channels;
  while (open > 0) {
    const flume_lock::selected r = sel.select();
    ASSERT_LT(r.index, channels);
    if (r.result == status::disconnected) {
      sel.remove(r.index);
      --open;
      continue;
    }
    ASSERT_EQ(r.result, status::ok);
    const std::uint64_t v = outs[r.index];
    ASSERT_EQ(v >> 40, r.index) << "message delivered into the wrong operation";
    ASSERT_EQ(v & ((std::uint64_t{1} << 40) - 1), ++next[r.index])
        << "lost, duplicated or reordered";
    received[r.index].add(v);
  }
  for (auto& t : producers) t.join();
  for (unsigned c = 0; c < channels; ++c) {
    EXPECT_EQ(received[c].count, per_channel) << "channel " << c;
    EXPECT_EQ(received[c].sum, sent[c].sum) << "channel " << c;
    EXPECT_EQ(received[c].squares, sent[c].squares) << "channel " << c;
  }
}

TEST(SelectStress, EightUnboundedChannelsEightProducers) {
  select_over_eight(0, total_messages / channels);
}

TEST(SelectStress, EightBoundedChannelsEightProducers) {
  select_over_eight(16, total_messages / channels / 50);
}

// Timed selects under load: timeouts interleave with deliveries and nothing is lost.
TEST(SelectStress, TimedSelectsUnderLoad) {
  auto [tx_a, rx_a] = flume_lock::channel<std::uint64_t>();
  auto [tx_b, rx_b] = flume_lock::channel<std::uint64_t>();
  constexpr std::uint64_t per_channel = 20'000;
  auto produce = [](flume_lock::sender<std::uint64_t> tx, unsigned seed) {
    std::minstd_rand rng(seed);
    for (std::uint64_t i = 1; i <= per_channel; ++i) {
      ASSERT_EQ(tx.send(i), status::ok);
      if (rng() % 512 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 100));
    }
  };
  std::thread pa(produce, std::move(tx_a), 1U);
  std::thread pb(produce, std::move(tx_b), 2U);
  std::array<std::uint64_t, 2> outs{};
  std::array<std::uint64_t, 2> next{};
  flume_lock::selector sel;
  sel.recv(rx_a, outs[0]);
  sel.recv(rx_b, outs[1]);
  unsigned open = 2;
  while (open > 0) {
    const flume_lock::selected r = sel.select_for(std::chrono::microseconds(30));
    if (r.result == status::timeout) continue;
    ASSERT_LT(r.index, 2U);
    if (r.result == status::disconnected) {
      sel.remove(r.index);
      --open;
      continue;
    }
    ASSERT_EQ(outs[r.index], ++next[r.index]);
  }
  pa.join();
  pb.join();
  EXPECT_EQ(next[0], per_channel);
  EXPECT_EQ(next[1], per_channel);
}

// Send arms under load: 4 workers each select between sending their next value on one shared
// output channel (bounded, or rendezvous) and receiving pings on their own input channel; one
// consumer takes the output with random pauses. Every value arrives exactly once and in order
// per worker (a send arm that lost must keep its value), and every ping is received once.
void send_arms_race(std::size_t capacity, std::uint64_t per_worker, std::uint64_t pings) {
  constexpr unsigned workers = 4;
  auto [tx_out, rx_out] = flume_lock::bounded<std::uint64_t>(capacity);
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w) {
    auto [tx_ping, rx_ping] = flume_lock::channel<std::uint64_t>();
    threads.emplace_back([tx = std::move(tx_ping), w, pings] {
      std::minstd_rand rng(w + 7);
      for (std::uint64_t i = 0; i < pings; ++i) {
        ASSERT_EQ(tx.send(i), status::ok);
        if (rng() % 256 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 50));
      }
    });
    threads.emplace_back([tx = tx_out, rx = std::move(rx_ping), w, per_worker, pings]() mutable {
      std::uint64_t value = 0;
      std::uint64_t ping = 0;
      std::uint64_t next_ping = 0;
      flume_lock::basic_selector<2> sel;
      const std::size_t on_send = sel.send(tx, value);
      const std::size_t on_ping = sel.recv(rx, ping);
      std::uint64_t i = 1;
      value = std::uint64_t{w} << 40 | i;
      while (i <= per_worker) {
        const flume_lock::selected r = sel.select();
        ASSERT_EQ(r.result == status::ok || r.index == on_ping, true);
        if (r.index == on_send) {
          value = std::uint64_t{w} << 40 | ++i;
        } else if (r.result == status::ok) {
          ASSERT_EQ(ping, next_ping++);
          ASSERT_EQ(value, std::uint64_t{w} << 40 | i) << "a send arm that lost kept its value";
        } else {
          sel.remove(on_ping);  // the pinger is done
        }
      }
      while (rx.recv(ping) == status::ok) ASSERT_EQ(ping, next_ping++);
      EXPECT_EQ(next_ping, pings);
    });
  }
  { auto mine = std::move(tx_out); }  // only the workers' copies keep the output open
  std::minstd_rand rng(99);
  std::array<std::uint64_t, workers> next{};
  std::uint64_t v = 0;
  while (rx_out.recv(v) == status::ok) {
    const std::uint64_t w = v >> 40;
    ASSERT_LT(w, workers);
    ASSERT_EQ(v & ((std::uint64_t{1} << 40) - 1), ++next[w]) << "lost, duplicated or reordered";
    if (rng() % 1024 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 100));
  }
  for (auto& t : threads) t.join();
  for (unsigned w = 0; w < workers; ++w) EXPECT_EQ(next[w], per_worker) << "worker " << w;
}

// Values per worker: a hand-over through a parked select costs futex round trips, so these
// stay small enough for a second or two (under tsan too).
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr std::uint64_t send_arm_values = 2'000;
#else
constexpr std::uint64_t send_arm_values = 20'000;
#endif

TEST(SelectStress, BoundedSendArmsRaceOneConsumer) {
  send_arms_race(4, send_arm_values, send_arm_values / 4);
}

TEST(SelectStress, RendezvousSendArmsRaceOneConsumer) {
  send_arms_race(0, send_arm_values / 4, send_arm_values / 16);
}

}  // namespace
