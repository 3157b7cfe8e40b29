// MPMC under real threads (every flavour): 4 producers and 4 consumers, two consumers dropping out
// mid-run; every message must be received exactly once (count, sum and xor checksums, and
// per-consumer FIFO per producer). Run under the tsan preset too.
#include <flume_lock/mpmc/channel.hpp>
#include <flume_lock/mpmc/sharded_channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <thread>
#include <vector>

namespace {

using flume_lock::status;

constexpr std::uint64_t encode(std::uint64_t producer, std::uint64_t seq) {
  return producer << 40 | seq;
}

struct checksum {
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t xored = 0;
  void add(std::uint64_t v) {
    ++count;
    sum += v;
    xored ^= v * 0x9e3779b97f4a7c15ULL;  // spread the bits: a duplicate pair cannot cancel out
  }
  void merge(const checksum& o) {
    count += o.count;
    sum += o.sum;
    xored ^= o.xored;
  }
};

constexpr unsigned producers = 4;
constexpr unsigned consumers = 4;

template <class Make>
void four_by_four(Make make, std::uint64_t per_producer) {
  auto [tx, rx] = make();
  std::vector<checksum> got(consumers);
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < consumers; ++c) {
    // Consumers 0 and 1 leave after a while (their receiver is destroyed mid-run).
    const std::uint64_t leave_after = c < 2 ? per_producer / (c + 2) : UINT64_MAX;
    threads.emplace_back([rx = rx, c, leave_after, &got]() mutable {
      std::vector<std::int64_t> last(producers, -1);
      std::minstd_rand rng(c + 11);
      std::uint64_t v = 0;
      checksum mine;
      for (std::uint64_t n = 0; n < leave_after; ++n) {
        const status s = (rng() % 4 == 0) ? rx.try_recv(v) : rx.recv(v);
        if (s == status::empty) continue;
        if (s != status::ok) {
          EXPECT_EQ(s, status::disconnected);
          break;
        }
        const std::uint64_t p = v >> 40;
        const auto seq = static_cast<std::int64_t>(v & ((std::uint64_t{1} << 40) - 1));
        ASSERT_LT(p, producers);
        ASSERT_GT(seq, last[p]) << "consumer " << c << " saw producer " << p << " out of order";
        last[p] = seq;
        mine.add(v);
      }
      got[c] = mine;
      if (leave_after != UINT64_MAX) {
        auto gone = std::move(rx);  // drop out now, while the others keep receiving
      }
    });
  }
  { auto gone = std::move(rx); }
  for (unsigned p = 0; p < producers; ++p) {
    threads.emplace_back([tx = tx, p, per_producer]() mutable {
      for (std::uint64_t i = 0; i < per_producer; ++i) ASSERT_EQ(tx.send(encode(p, i)), status::ok);
    });
  }
  { auto done = std::move(tx); }  // the producers' copies keep the channel open
  for (auto& t : threads) t.join();

  checksum expected;
  for (unsigned p = 0; p < producers; ++p)
    for (std::uint64_t i = 0; i < per_producer; ++i) expected.add(encode(p, i));
  checksum total;
  for (const checksum& c : got) total.merge(c);
  EXPECT_EQ(total.count, expected.count);
  EXPECT_EQ(total.sum, expected.sum);
  EXPECT_EQ(total.xored, expected.xored);
}

TEST(MpmcStress, Unbounded4x4ConsumersDropping) {
  four_by_four([] { return flume_lock::mpmc::channel<std::uint64_t>(); }, 60'000);
}

// A sub-queue per producer: order holds per producer, so the same checks apply.
TEST(MpmcStress, Sharded4x4ConsumersDropping) {
  four_by_four([] { return flume_lock::mpmc::sharded_channel<std::uint64_t>(); }, 60'000);
}

TEST(MpmcStress, Bounded4x4ConsumersDropping) {
  four_by_four([] { return flume_lock::mpmc::bounded<std::uint64_t>(8); }, 30'000);
}

TEST(MpmcStress, Bounded1024x4x4ConsumersDropping) {
  four_by_four([] { return flume_lock::mpmc::bounded<std::uint64_t>(1024); }, 30'000);
}

}  // namespace
