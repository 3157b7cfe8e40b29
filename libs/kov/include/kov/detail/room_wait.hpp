// A sending task's wait for room in a full bounded channel (kov::bounded_mpsc's send and
// reserve), on
// flume-lock's senders' waiter list.
#pragma once

#include <flume_lock/channel.hpp>
#include <flume_lock/waiter.hpp>
#include <kov/detail/remote.hpp>

#include <utility>

namespace kov::detail {

// A sending task's place among the senders waiting for room: one waiter for the whole send, so
// a woken sender that finds the channel full again keeps its place; `slot` is the task's wake
// slot. The destructor withdraws it, passing an unused wake on.
//
// Invariant: while waiter_ may be queued, slot_ holds the reference that waiter_.ctx points
// at; the destructor withdraws the waiter before that reference is dropped.
template <class T>
class room_wait {
 public:
  room_wait(const flume_lock::sender<T>& tx, slot_ref slot) noexcept
      : tx_(tx), slot_(std::move(slot)), waiter_(&wake, slot_.get()) {}
  room_wait(const room_wait&) = delete;
  room_wait& operator=(const room_wait&) = delete;
  ~room_wait() { tx_.cancel_send(waiter_); }

  // One attempt: sends `value` if there is room (moved from only on ok), else queues this
  // wait for exactly one wake of its slot (a freed slot or the close). `full` means queued.
  flume_lock::status poll(T& value) { return tx_.poll_send(std::move(value), waiter_); }

  // As poll(value), claiming a slot into `permit` (reserve) instead of sending.
  flume_lock::status poll(flume_lock::send_permit<T>& permit) {
    return tx_.poll_reserve(permit, waiter_);
  }

 private:
  static void wake(void* ctx) {
    // Safety: ctx is the slot that slot_ keeps alive until cancel_send has returned (and
    // cancel_send waits for a wake call in progress).
    remote_wake(*static_cast<remote_slot*>(ctx));
  }

  const flume_lock::sender<T>& tx_;
  slot_ref slot_;
  flume_lock::waiter waiter_;
};

}  // namespace kov::detail
