// boost::lockfree::queue (MPMC). Unbounded: nodes come from a free list that grows on demand.
// Bounded: fixed_sized, a push fails when the node pool is used up. Neither side blocks, so
// both retry with a backoff.
#pragma once

#include "../backoff.hpp"

#include <boost/lockfree/queue.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace bench {

struct boost_lockfree_queue {
  static constexpr const char* name = "boost-lockfree";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = true;

  using growing = boost::lockfree::queue<std::uint64_t>;
  using fixed = boost::lockfree::queue<std::uint64_t, boost::lockfree::fixed_sized<true>>;

  // The free list starts with this many nodes and grows; the usual constructor argument.
  static constexpr std::size_t initial_nodes = 1024;

  explicit boost_lockfree_queue(std::size_t capacity) {
    // fixed_sized allocates capacity + 1 nodes; one is the dummy node, capacity remain usable.
    if (capacity == 0) {
      growing_ = std::make_unique<growing>(initial_nodes);
    } else {
      fixed_ = std::make_unique<fixed>(capacity);
    }
  }

  struct producer {
    explicit producer(boost_lockfree_queue& q) : q_(q) {}
    void send(std::uint64_t v) {
      if (q_.growing_) {
        retry_until([&] { return q_.growing_->push(v); });  // fails only if allocation fails
      } else {
        retry_until([&] { return q_.fixed_->push(v); });
      }
    }
    boost_lockfree_queue& q_;
  };

  struct consumer {
    explicit consumer(boost_lockfree_queue& q) : q_(q) {}
    void recv(std::uint64_t& v) {
      if (q_.growing_) {
        retry_until([&] { return q_.growing_->pop(v); });
      } else {
        retry_until([&] { return q_.fixed_->pop(v); });
      }
    }
    boost_lockfree_queue& q_;
  };

  std::unique_ptr<growing> growing_;
  std::unique_ptr<fixed> fixed_;
};

}  // namespace bench
