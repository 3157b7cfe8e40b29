// flume-lock's MPMC flavours (flume_lock::mpmc): the ordered one is the "flume-lock"
// implementation of the mpmc scenarios, the sharded one (mpmc::sharded_channel, FIFO per sender
// only, as moodycamel) is "flume-lock-sharded". A sender copy per producing thread, a receiver
// copy per consuming thread, the blocking recv.
#pragma once

#include <flume_lock/mpmc/channel.hpp>
#include <flume_lock/mpmc/sharded_channel.hpp>

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

// The sharded flavour, listed for the unbounded mpmc scenario only (only_mpmc): its other
// scenarios would measure the same receivers as flume-lock's.
struct flume_lock_sharded_queue {
  static constexpr const char* name = "flume-lock-sharded";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = false;
  static constexpr bool only_mpmc = true;
  using mpmc_queue = flume_lock_sharded_queue;

  explicit flume_lock_sharded_queue(std::size_t)
      : flume_lock_sharded_queue(flume_lock::mpmc::sharded_channel<std::uint64_t>()) {}

  struct producer {
    explicit producer(flume_lock_sharded_queue& q) : tx_(q.tx_) {}
    void send(std::uint64_t v) {
      if (tx_.send(v) != flume_lock::status::ok)
        fail_run("flume-lock sharded send did not return ok");
    }
    flume_lock::mpmc::sharded_sender<std::uint64_t> tx_;
  };

  struct consumer {
    explicit consumer(flume_lock_sharded_queue& q) : rx_(q.rx_) {}
    void recv(std::uint64_t& v) {
      if (rx_.recv(v) != flume_lock::status::ok)
        fail_run("flume-lock sharded recv did not return ok");
    }
    flume_lock::mpmc::receiver<std::uint64_t> rx_;
  };

 private:
  explicit flume_lock_sharded_queue(std::pair<flume_lock::mpmc::sharded_sender<std::uint64_t>,
                                              flume_lock::mpmc::receiver<std::uint64_t>>&& ends)
      : tx_(std::move(ends.first)), rx_(std::move(ends.second)) {}

  flume_lock::mpmc::sharded_sender<std::uint64_t> tx_;
  flume_lock::mpmc::receiver<std::uint64_t> rx_;
};

}  // namespace bench
