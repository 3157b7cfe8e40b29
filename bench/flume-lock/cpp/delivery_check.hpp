// Exactly-once delivery check, cheap enough to run inside every measured consumer loop.
//
// Producer p sends (p << producer_shift) | i for i = 1..count(p): values are distinct and never 0
// (some peers use 0 as their empty marker). The consumer checks each value's range and keeps the
// count, the sum and the sum of squares (mod 2^64) of what it received; all three must equal the
// values sent. A lost, duplicated or corrupted message changes the count or moves the sums, so a
// broken queue cannot post a number. Order is not checked: some peers (atomic_queue) do not keep
// per-producer FIFO order under preemption, and the suite measures delivery, not ordering.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

inline constexpr unsigned producer_shift = 40;
inline constexpr std::uint64_t index_mask = (std::uint64_t{1} << producer_shift) - 1;

// Messages producer p of producers sends when n are split between them.
inline std::uint64_t share_of(std::uint64_t n, std::uint64_t producers, std::uint64_t p) {
  return n / producers + (p < n % producers ? 1 : 0);
}

inline std::uint64_t message_value(std::uint64_t producer, std::uint64_t index_from_1) {
  return (producer << producer_shift) | index_from_1;
}

class delivery_check {
 public:
  delivery_check(std::uint64_t n, std::uint64_t producers) : n_(n) {
    for (std::uint64_t p = 0; p < producers; ++p) {
      const std::uint64_t count = share_of(n, producers, p);
      shares_.push_back(count);
      for (std::uint64_t i = 1; i <= count; ++i) {
        const std::uint64_t v = message_value(p, i);
        expected_sum_ += v;
        expected_squares_ += v * v;
      }
    }
  }

  // Records one received value; false on a value no producer sends. Forced inline: it runs in
  // every consumer loop, and an out-of-line call there would add the same cost to every queue.
  [[gnu::always_inline]] bool see(std::uint64_t v) noexcept {
    const std::uint64_t p = v >> producer_shift;
    const std::uint64_t i = v & index_mask;
    if (p >= shares_.size() || i == 0 || i > shares_[p]) {
      if (bad_value_ == 0) bad_value_ = v;
      return false;
    }
    ++received_;
    sum_ += v;
    squares_ += v * v;
    return true;
  }

  // Adds what another consumer's check (a copy of this one) saw: several consumers keep their
  // own tallies in the measured loop and merge them afterwards.
  void absorb(const delivery_check& other) noexcept {
    received_ += other.received_;
    sum_ += other.sum_;
    squares_ += other.squares_;
    if (bad_value_ == 0) bad_value_ = other.bad_value_;
  }

  // Empty when every message arrived exactly once, else what went wrong.
  std::string verdict() const {
    if (bad_value_ != 0) return "received value " + std::to_string(bad_value_) + ", never sent";
    if (received_ != n_) {
      return "received " + std::to_string(received_) + " of " + std::to_string(n_) + " messages";
    }
    if (sum_ != expected_sum_ || squares_ != expected_squares_) {
      return "checksums differ: messages lost and duplicated";
    }
    return {};
  }

 private:
  std::uint64_t n_;
  std::uint64_t received_ = 0;
  std::uint64_t bad_value_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t squares_ = 0;
  std::uint64_t expected_sum_ = 0;
  std::uint64_t expected_squares_ = 0;
  std::vector<std::uint64_t> shares_;
};

}  // namespace bench
