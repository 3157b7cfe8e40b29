// atomic_queue (bounded MPMC ring of atomic slots). Its push and pop wait by spinning; that is
// the library's intended use, so no backoff is added. The capacity is a template argument, so
// the two capacities of the suite are instantiated here. Capacity 1 turns off the library's
// index shuffling (MINIMIZE_CONTENTION), which would otherwise round the ring up.
#pragma once

#include "../failure.hpp"

#include <atomic_queue/atomic_queue.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace bench {

struct atomic_queue_queue {
  static constexpr const char* name = "atomic-queue";
  static constexpr bool unbounded = false;
  using mpmc_queue = atomic_queue_queue;  // MPMC already: a consumer per thread
  static constexpr bool bounded = true;

  // 0 marks an empty slot; benchmark values are never 0.
  using ring1 = atomic_queue::AtomicQueue<std::uint64_t, 1, 0, false>;
  using ring1024 = atomic_queue::AtomicQueue<std::uint64_t, 1024, 0, true>;

  explicit atomic_queue_queue(std::size_t capacity) {
    if (capacity == 1) {
      ring1_ = std::make_unique<ring1>();
    } else if (capacity == 1024) {
      ring1024_ = std::make_unique<ring1024>();
    } else {
      fail_run("atomic-queue: capacity " + std::to_string(capacity) + " not instantiated");
    }
  }

  struct producer {
    explicit producer(atomic_queue_queue& q) : q_(q) {}
    void send(std::uint64_t v) {
      if (q_.ring1_) {
        q_.ring1_->push(v);
      } else {
        q_.ring1024_->push(v);
      }
    }
    atomic_queue_queue& q_;
  };

  struct consumer {
    explicit consumer(atomic_queue_queue& q) : q_(q) {}
    void recv(std::uint64_t& v) { v = q_.ring1_ ? q_.ring1_->pop() : q_.ring1024_->pop(); }
    atomic_queue_queue& q_;
  };

  std::unique_ptr<ring1> ring1_;
  std::unique_ptr<ring1024> ring1024_;
};

}  // namespace bench
