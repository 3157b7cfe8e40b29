// Real threads hammering real queues: exactly-once and per-producer FIFO, with random delays
// so interleavings vary (run under the tsan preset too).
#include <flume_lock/channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace {

using flume_lock::status;

// A message: producer id in the high bits, sequence number in the low bits.
constexpr std::uint64_t encode(std::uint64_t producer, std::uint64_t seq) {
  return producer << 40 | seq;
}

void random_pause(std::minstd_rand& rng) {
  const auto roll = rng() % 1024;
  if (roll == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 200));
  } else if (roll < 8) {
    std::this_thread::yield();
  }
}

template <class Make>
void exactly_once_fifo(Make make, unsigned producers, std::uint64_t per_producer) {
  auto [tx, rx] = make();
  std::vector<std::thread> threads;
  for (unsigned p = 0; p < producers; ++p) {
    threads.emplace_back([tx = tx, p, per_producer] {
      std::minstd_rand rng(p + 1);
      for (std::uint64_t i = 0; i < per_producer; ++i) {
        ASSERT_EQ(tx.send(encode(p, i)), status::ok);
        random_pause(rng);
      }
    });
  }
  { auto done = std::move(tx); }  // the producers' copies keep the channel open

  std::vector<std::uint64_t> next(producers, 0);
  std::uint64_t v = 0;
  std::uint64_t received = 0;
  status s;
  while ((s = rx.recv(v)) == status::ok) {
    const std::uint64_t p = v >> 40;
    const std::uint64_t seq = v & ((std::uint64_t{1} << 40) - 1);
    ASSERT_LT(p, producers);
    ASSERT_EQ(seq, next[p]) << "producer " << p << " out of order or duplicated";
    ++next[p];
    ++received;
  }
  EXPECT_EQ(s, status::disconnected);
  for (auto& t : threads) t.join();
  EXPECT_EQ(received, producers * per_producer);
  for (unsigned p = 0; p < producers; ++p) EXPECT_EQ(next[p], per_producer);
}

TEST(Stress, UnboundedFourProducers) {
  exactly_once_fifo([] { return flume_lock::channel<std::uint64_t>(); }, 4, 200'000);
}

TEST(Stress, UnboundedEightProducers) {
  exactly_once_fifo([] { return flume_lock::channel<std::uint64_t>(); }, 8, 50'000);
}

TEST(Stress, BoundedCapacityOne) {
  exactly_once_fifo([] { return flume_lock::bounded<std::uint64_t>(1); }, 3, 20'000);
}

TEST(Stress, BoundedCapacity64) {
  exactly_once_fifo([] { return flume_lock::bounded<std::uint64_t>(64); }, 4, 100'000);
}

TEST(Stress, TimedReceiveUnderLoad) {
  auto [tx, rx] = flume_lock::channel<std::uint64_t>();
  std::thread producer([tx = std::move(tx)] {
    std::minstd_rand rng(7);
    for (std::uint64_t i = 0; i < 20'000; ++i) {
      ASSERT_EQ(tx.send(i), status::ok);
      random_pause(rng);
    }
  });
  std::uint64_t expected = 0;
  std::uint64_t v = 0;
  for (;;) {
    const status s = rx.recv_for(v, std::chrono::microseconds(50));
    if (s == status::timeout) continue;
    if (s == status::disconnected) break;
    ASSERT_EQ(s, status::ok);
    ASSERT_EQ(v, expected++);
  }
  producer.join();
  EXPECT_EQ(expected, 20'000u);
}

}  // namespace

namespace {

std::atomic<long> live_messages{0};

struct tracked {
  std::uint64_t value = 0;
  explicit tracked(std::uint64_t v) : value(v) { ++live_messages; }
  tracked(tracked&& o) noexcept : value(o.value) { ++live_messages; }
  tracked& operator=(tracked&&) noexcept = default;
  ~tracked() { --live_messages; }
};

// The receiver is dropped mid-stream, with messages queued and sends in flight: every message
// is destroyed exactly once and every later send reports disconnected.
template <class Make>
void receiver_dropped_under_load(Make make) {
  for (unsigned round = 0; round < 30; ++round) {
    {
      auto [tx, rx] = make();
      std::vector<std::thread> producers;
      for (unsigned p = 0; p < 3; ++p) {
        producers.emplace_back([tx = tx, p, round] {
          std::minstd_rand rng(round * 7 + p + 1);
          for (std::uint64_t i = 0; i < 5'000; ++i) {
            if (tx.send(tracked(i)) == status::disconnected) {
              EXPECT_EQ(tx.send(tracked(i)), status::disconnected);  // stays disconnected
              return;
            }
            random_pause(rng);
          }
        });
      }
      std::minstd_rand rng(round);
      tracked sink(0);
      const unsigned to_take = static_cast<unsigned>(rng() % 2000);
      for (unsigned taken = 0; taken < to_take; ++taken) {
        if (rx.recv(sink) != status::ok) break;
      }
      { auto gone = std::move(rx); }
      for (auto& t : producers) t.join();
    }
    ASSERT_EQ(live_messages.load(), 0) << "round " << round;
  }
}

TEST(Stress, UnboundedReceiverDroppedUnderLoad) {
  receiver_dropped_under_load([] { return flume_lock::channel<tracked>(); });
}

TEST(Stress, BoundedReceiverDroppedUnderLoad) {
  receiver_dropped_under_load([] { return flume_lock::bounded<tracked>(128); });
}

}  // namespace
