// xenium's unbounded MPMC queues, both with epoch-based reclamation of their nodes; try_pop
// only, so the consumer retries with a backoff.
//
// ramalhete_queue stores pointers (or trivially copyable values narrower than a pointer), so the
// uint64_t payload travels as a pointer-sized integer shifted left by 3: the queue never
// dereferences it, the low bits it reserves for its mark stay clear, and no allocation is added.
// Benchmark values stay below 2^44, so the shift never loses bits.
#pragma once

#include "../backoff.hpp"

#include <xenium/michael_scott_queue.hpp>
#include <xenium/policy.hpp>
#include <xenium/ramalhete_queue.hpp>
#include <xenium/reclamation/generic_epoch_based.hpp>

#include <cstddef>
#include <cstdint>

namespace bench {

using xenium_reclaimer = xenium::policy::reclaimer<xenium::reclamation::epoch_based<>>;

struct xenium_ramalhete_queue {
  static constexpr const char* name = "xenium-ramalhete";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = false;

  using carrier = std::uint64_t*;
  static carrier to_carrier(std::uint64_t v) { return reinterpret_cast<carrier>(v << 3); }
  static std::uint64_t from_carrier(carrier c) { return reinterpret_cast<std::uint64_t>(c) >> 3; }

  explicit xenium_ramalhete_queue(std::size_t) {}

  struct producer {
    explicit producer(xenium_ramalhete_queue& q) : q_(q) {}
    void send(std::uint64_t v) { q_.q_.push(to_carrier(v)); }
    xenium_ramalhete_queue& q_;
  };

  struct consumer {
    explicit consumer(xenium_ramalhete_queue& q) : q_(q) {}
    void recv(std::uint64_t& v) {
      carrier c = nullptr;
      retry_until([&] { return q_.q_.try_pop(c); });
      v = from_carrier(c);
    }
    xenium_ramalhete_queue& q_;
  };

  xenium::ramalhete_queue<carrier, xenium_reclaimer> q_;
};

struct xenium_michael_scott_queue {
  static constexpr const char* name = "xenium-michael-scott";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = false;

  explicit xenium_michael_scott_queue(std::size_t) {}

  struct producer {
    explicit producer(xenium_michael_scott_queue& q) : q_(q) {}
    void send(std::uint64_t v) { q_.q_.push(v); }
    xenium_michael_scott_queue& q_;
  };

  struct consumer {
    explicit consumer(xenium_michael_scott_queue& q) : q_(q) {}
    void recv(std::uint64_t& v) {
      retry_until([&] { return q_.q_.try_pop(v); });
    }
    xenium_michael_scott_queue& q_;
  };

  xenium::michael_scott_queue<std::uint64_t, xenium_reclaimer> q_;
};

}  // namespace bench
