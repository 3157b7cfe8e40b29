// moodycamel::ConcurrentQueue (unbounded MPMC), used as its README recommends for speed: one
// ProducerToken per producing thread and a ConsumerToken. It has no blocking dequeue (that is
// the separate BlockingConcurrentQueue), so the consumer retries try_dequeue with a backoff.
#pragma once

#include "../backoff.hpp"

#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>
#include <cstdint>

namespace bench {

struct moodycamel_queue {
  static constexpr const char* name = "moodycamel";
  static constexpr bool unbounded = true;
  using mpmc_queue = moodycamel_queue;  // MPMC already: a consumer per thread
  static constexpr bool bounded = false;

  explicit moodycamel_queue(std::size_t) {}

  struct producer {
    explicit producer(moodycamel_queue& q) : q_(q.q_), token_(q.q_) {}
    void send(std::uint64_t v) { q_.enqueue(token_, v); }
    moodycamel::ConcurrentQueue<std::uint64_t>& q_;
    moodycamel::ProducerToken token_;
  };

  struct consumer {
    explicit consumer(moodycamel_queue& q) : q_(q.q_), token_(q.q_) {}
    void recv(std::uint64_t& v) {
      retry_until([&] { return q_.try_dequeue(token_, v); });
    }
    moodycamel::ConcurrentQueue<std::uint64_t>& q_;
    moodycamel::ConsumerToken token_;
  };

  moodycamel::ConcurrentQueue<std::uint64_t> q_;
};

}  // namespace bench
