// The sharded MPMC channel: for many senders and many receivers that need throughput more than
// one order between senders. Each sender handle (each copy) has a sub-queue of its own, so
// senders never contend; receivers are the ordinary mpmc::receiver. Messages sent through one
// sender handle arrive in the order sent; messages of different handles have no order between
// them. Everything else is as mpmc::channel(): each message to exactly one receiver, the same
// closing rules.
//
//   auto [tx, rx] = flume_lock::mpmc::sharded_channel<Job>();
//   for (int i = 0; i < 4; ++i) producers.emplace_back([tx = tx] mutable {  // a sender per thread
//     tx.send(make_job());
//   });
#pragma once

#include <flume_lock/mpmc/channel.hpp>
#include <flume_lock/mpmc/sharded_queue.hpp>
#include <flume_lock/status.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

namespace flume_lock {
namespace mpmc {

template <class T>
std::pair<sharded_sender<T>, receiver<T>> sharded_channel();

/// The sending half of a sharded channel. Copyable; each copy pushes into a sub-queue of its
/// own, so a sender object is used by one thread at a time (copy it for each thread). The
/// channel closes when the last sender is destroyed.
template <class T>
class sharded_sender : public detail::mpmc_handle<T> {
  using base = detail::mpmc_handle<T>;

 public:
  /// Another sender on the same channel, with a sub-queue of its own (a dropped sender's, or
  /// a new one).
  sharded_sender(const sharded_sender& other) : base(other.state_) {
    if (this->state_ != nullptr) {
      shard_ = &this->state_->sharded().acquire_shard();
      this->state_->add_handle();
      this->state_->add_sender();
    }
  }
  /// Takes over `other`'s handle and sub-queue; `other` may then only be destroyed or assigned.
  sharded_sender(sharded_sender&& other) noexcept
      : base(std::exchange(other.state_, nullptr)), shard_(std::exchange(other.shard_, nullptr)) {}
  /// Replaces this sender's handle (copy or move), releasing the old one.
  sharded_sender& operator=(sharded_sender other) noexcept {
    std::swap(this->state_, other.state_);
    std::swap(shard_, other.shard_);
    return *this;
  }
  ~sharded_sender() {
    if (this->state_ != nullptr) {
      this->state_->sharded().release_shard(*shard_);
      this->state_->release_sender();
      this->state_->release_handle();
    }
  }

  /// Sends `value`; never waits. Returns `ok` or `disconnected` (every receiver is gone or the
  /// channel closed; `value` is left untouched).
  status send(T&& value) { return this->state_->sharded().push(*shard_, std::move(value)); }
  /// As send(T&&), copying `value`.
  status send(const T& value) { return this->state_->sharded().push(*shard_, value); }
  /// As send(): the channel is unbounded, so never `full`.
  status try_send(T&& value) { return send(std::move(value)); }
  /// As try_send(T&&), copying `value`.
  status try_send(const T& value) { return send(value); }
  /// As send(): an unbounded channel never waits, so the deadline never matters.
  template <class Rep, class Period>
  status send_for(T&& value, std::chrono::duration<Rep, Period> /*wait*/) {
    return send(std::move(value));
  }
  /// As send_for().
  template <class Duration>
  status send_until(T&& value,
                    std::chrono::time_point<std::chrono::steady_clock, Duration> /*until*/) {
    return send(std::move(value));
  }

 private:
  friend std::pair<sharded_sender<T>, receiver<T>> sharded_channel<T>();
  explicit sharded_sender(detail::mpmc_state<T>* state)
      : base(state), shard_(&state->sharded().acquire_shard()) {}
  // A new channel's first sender and receiver (receiver's constructor is ours to call).
  static std::pair<sharded_sender, receiver<T>> open() {
    auto* state = new detail::mpmc_state<T>(typename detail::mpmc_state<T>::sharded_tag{});
    return {sharded_sender(state), receiver<T>(state)};
  }

  // This handle's sub-queue. Safety: shards live as long as the channel's state, which this
  // handle keeps alive; null only in a moved-from handle, which sends nothing.
  shard<T>* shard_ = nullptr;
};

/// An unbounded MPMC channel with a sub-queue per sender handle (see the file comment): the
/// first sender and receiver.
template <class T>
std::pair<sharded_sender<T>, receiver<T>> sharded_channel() {
  return sharded_sender<T>::open();
}

}  // namespace mpmc
}  // namespace flume_lock
