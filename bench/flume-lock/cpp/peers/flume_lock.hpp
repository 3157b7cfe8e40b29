// flume-lock itself: a sender copy per producing thread, the blocking recv on the consumer
// (the channel's intended use, as crossbeam's recv is crossbeam's).
#pragma once

#include <flume_lock/channel.hpp>
#include <flume_lock/select.hpp>

#include "../failure.hpp"
#include "../scenarios.hpp"
#include "flume_lock_mpmc.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace bench {

struct flume_lock_queue {
  static constexpr const char* name = "flume-lock";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = true;
  using mpmc_queue = flume_lock_mpmc_queue;  // the mpmc scenarios run the MPMC flavour
  static constexpr bool rendezvous = true;

  using sender = flume_lock::sender<std::uint64_t>;
  using receiver = flume_lock::receiver<std::uint64_t>;

  explicit flume_lock_queue(std::size_t capacity)
      : flume_lock_queue(capacity == 0 ? flume_lock::channel<std::uint64_t>()
                         : capacity == rendezvous_capacity
                             ? flume_lock::bounded<std::uint64_t>(0)
                             : flume_lock::bounded<std::uint64_t>(capacity)) {}

  struct producer {
    explicit producer(flume_lock_queue& q) : tx_(q.tx_) {}
    void send(std::uint64_t v) {
      if (tx_.send(v) != flume_lock::status::ok) fail_run("flume-lock send did not return ok");
    }
    sender tx_;
  };

  // One selector over every queue's receiver, built once and reused (as crossbeam's select_rx
  // builds its Select once).
  struct select_consumer {
    explicit select_consumer(std::vector<std::unique_ptr<flume_lock_queue>>& queues) {
      if (queues.size() > max_channels) fail_run("flume-lock select: too many channels");
      for (std::size_t i = 0; i < queues.size(); ++i) sel_.recv(queues[i]->rx_, outs_[i]);
    }
    void recv(std::uint64_t& v) {
      const flume_lock::selected r = sel_.select();
      if (r.result != flume_lock::status::ok) fail_run("flume-lock select did not return ok");
      v = outs_[r.index];
    }
    static constexpr std::size_t max_channels = 8;
    flume_lock::basic_selector<max_channels> sel_;
    std::uint64_t outs_[max_channels] = {};
  };

  struct consumer {
    explicit consumer(flume_lock_queue& q) : rx_(q.rx_) {}
    void recv(std::uint64_t& v) {
      if (rx_.recv(v) != flume_lock::status::ok) fail_run("flume-lock recv did not return ok");
    }
    receiver& rx_;
  };

 private:
  explicit flume_lock_queue(std::pair<sender, receiver>&& ends)
      : tx_(std::move(ends.first)), rx_(std::move(ends.second)) {}

  sender tx_;
  receiver rx_;
};

}  // namespace bench
