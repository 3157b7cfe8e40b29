// oneTBB. Unbounded: tbb::concurrent_queue, whose consumer API is try_pop only (retried with a
// backoff). Bounded: tbb::concurrent_bounded_queue with set_capacity, whose push and pop block.
#pragma once

#include "../backoff.hpp"

#include <tbb/concurrent_queue.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace bench {

struct tbb_queue {
  static constexpr const char* name = "tbb";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = true;

  explicit tbb_queue(std::size_t capacity) {
    if (capacity == 0) {
      unbounded_ = std::make_unique<tbb::concurrent_queue<std::uint64_t>>();
    } else {
      bounded_ = std::make_unique<tbb::concurrent_bounded_queue<std::uint64_t>>();
      bounded_->set_capacity(static_cast<std::ptrdiff_t>(capacity));
    }
  }

  struct producer {
    explicit producer(tbb_queue& q) : q_(q) {}
    void send(std::uint64_t v) {
      if (q_.unbounded_) {
        q_.unbounded_->push(v);
      } else {
        q_.bounded_->push(v);
      }
    }
    tbb_queue& q_;
  };

  struct consumer {
    explicit consumer(tbb_queue& q) : q_(q) {}
    void recv(std::uint64_t& v) {
      if (q_.unbounded_) {
        retry_until([&] { return q_.unbounded_->try_pop(v); });
      } else {
        q_.bounded_->pop(v);
      }
    }
    tbb_queue& q_;
  };

  std::unique_ptr<tbb::concurrent_queue<std::uint64_t>> unbounded_;
  std::unique_ptr<tbb::concurrent_bounded_queue<std::uint64_t>> bounded_;
};

}  // namespace bench
