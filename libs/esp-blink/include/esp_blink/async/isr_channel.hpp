// isr_channel: a fixed-capacity queue from interrupt handlers to one task.
//
//   esp_blink::async::isr_channel<uint8_t, 64> rx;   // handler: rx.try_push(byte);
//   uint8_t b = co_await rx.recv();                 // task
//
// The handler side never blocks: `try_push` stores the item and wakes the receiver, or, when
// the channel is full, drops the item, counts the drop and returns false. Nothing is dropped
// silently: `take_dropped()` returns the drops since its last call, and a receiver reports
// them (the async_blink firmware prints "rx overrun: N bytes dropped"). Items come out in the
// order they went in. The state is shared with handlers, so every access is masked.
#pragma once

#include <esp_blink/async/platform.hpp>
#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/waker.hpp>

#include <stdint.h>

namespace esp_blink::async {

/// A queue of at most `Capacity` items from interrupt handlers to one receiving task, in
/// order. The handler side never blocks: a push into a full channel drops the item and counts
/// it (take_dropped()). Every access to the shared state is masked.
template <typename T, uint32_t Capacity>
class isr_channel {
  static_assert(Capacity >= 1, "an isr_channel holds at least one item");

 public:
  class recv_op;

  /// Queues `item` and wakes the receiver; if full, drops it and counts the drop. Legal in an
  /// interrupt handler; never blocks.
  bool try_push(const T& item) noexcept {
    detail::masked_section masked;
    if (count_ == Capacity) {
      if (dropped_ != ~uint32_t{0}) ++dropped_;
      return false;
    }
    items_[(head_ + count_) % Capacity] = item;
    ++count_;
    receiver_.wake();
    return true;
  }

  /// Takes the oldest item if there is one.
  bool try_pop(T& out) noexcept {
    detail::masked_section masked;
    if (count_ == 0) return false;
    out = items_[head_];
    head_ = (head_ + 1) % Capacity;
    --count_;
    return true;
  }

  /// Items dropped because the channel was full, since the last call (saturates).
  uint32_t take_dropped() noexcept {
    detail::masked_section masked;
    const uint32_t n = dropped_;
    dropped_ = 0;
    return n;
  }

  /// Items queued now.
  uint32_t size() const noexcept { return count_; }
  /// Whether a pending recv has parked its task's waker here.
  bool has_receiver() const noexcept { return receiver_.valid(); }

  /// The awaitable: completes with the oldest item.
  recv_op recv() noexcept { return recv_op(*this); }

  /// The pollable recv() returns; it forgets its waker when destroyed (e.g. losing a select).
  class recv_op {
   public:
    /// A receive from `c`.
    explicit recv_op(isr_channel& c) noexcept : channel_(&c), claim_(c.receiver_) {}

    /// Pollable protocol: pops the oldest item, or parks `w` on the channel.
    bool poll(const waker& w) noexcept {
      detail::masked_section masked;
      if (channel_->try_pop(item_)) {
        claim_.release();
        return true;
      }
      claim_.park(w);
      return false;
    }
    /// Pollable protocol: the item popped.
    T take() noexcept { return item_; }

   private:
    isr_channel* channel_;
    detail::waker_claim claim_;
    T item_{};
  };

 private:
  T items_[Capacity]{};
  uint32_t head_ = 0;
  uint32_t count_ = 0;
  uint32_t dropped_ = 0;
  waker receiver_;
};

}  // namespace esp_blink::async
