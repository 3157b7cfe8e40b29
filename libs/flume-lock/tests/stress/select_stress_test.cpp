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

}  // namespace
