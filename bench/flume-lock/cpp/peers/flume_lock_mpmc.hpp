// flume-lock's MPMC flavour (flume_lock::mpmc), the "flume-lock" implementation of the mpmc
// scenarios: a sender copy per producing thread, a receiver copy per consuming thread, the
// blocking recv.
#pragma once

#include <flume_lock/mpmc/channel.hpp>

#include "../failure.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace bench {

struct flume_lock_mpmc_queue {
  using sender = flume_lock::mpmc::sender<std::uint64_t>;
  using receiver = flume_lock::mpmc::receiver<std::uint64_t>;

  explicit flume_lock_mpmc_queue(std::size_t capacity)
      : flume_lock_mpmc_queue(capacity == 0 ? flume_lock::mpmc::channel<std::uint64_t>()
                                            : flume_lock::mpmc::bounded<std::uint64_t>(capacity)) {}

  struct producer {
    explicit producer(flume_lock_mpmc_queue& q) : tx_(q.tx_) {}
    void send(std::uint64_t v) {
      if (tx_.send(v) != flume_lock::status::ok) fail_run("flume-lock mpmc send did not return ok");
    }
    sender tx_;
  };

  struct consumer {
    explicit consumer(flume_lock_mpmc_queue& q) : rx_(q.rx_) {}
    void recv(std::uint64_t& v) {
      if (rx_.recv(v) != flume_lock::status::ok) fail_run("flume-lock mpmc recv did not return ok");
    }
    receiver rx_;
  };

 private:
  explicit flume_lock_mpmc_queue(std::pair<sender, receiver>&& ends)
      : tx_(std::move(ends.first)), rx_(std::move(ends.second)) {}

  sender tx_;
  receiver rx_;
};

}  // namespace bench
