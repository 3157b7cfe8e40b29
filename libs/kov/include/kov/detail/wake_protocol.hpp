// The cross-thread wake protocol, shared by the runtime (src/remote.cpp, src/runtime_core.cpp)
// and its Relacy model test (tests/model).
//
// Per task slot: `queued` is true from a waker's enqueue until the runtime takes the slot off the
// inject queue, so concurrent wakes enqueue the slot once. Per runtime: `notified` is true from a
// waker's enqueue until the runtime's next drain, and only the waker that flips it to true writes
// the eventfd. Waker: claim_slot, enqueue, then need_signal -> write the eventfd. Runtime:
// take_notification, then drain (release_slot, wake the task) for each slot.
//
// Never lost: a message enqueued after the runtime's take_notification either finds `notified`
// false (that waker writes the eventfd, so a parked runtime wakes) or true, set after the take by
// a waker that wrote the eventfd itself. Never doubled: a slot is on the queue at most once.
#pragma once

#include <kov/detail/atomic.hpp>

namespace kov::detail {

// Waker side: true if this wake must enqueue the slot (it was not queued already).
inline bool claim_slot(atomic<bool>& queued) noexcept {
  // Ordering: release: publishes what the waker did before waking to the runtime's
  // release_slot (acquire), also when this wake merges into a slot already queued (the channel
  // then orders nothing for it). No acquire: after its claim the waker touches only the slot's
  // count and the channel, which order themselves; it reads nothing the runtime wrote.
  return !queued.exchange(true, order::release);
}

// Waker side, after the enqueue: true if the caller must write the runtime's eventfd.
inline bool need_signal(atomic<bool>& notified) noexcept {
  // Ordering: acq_rel: release makes our enqueue visible to the runtime's take_notification
  // (acquire), which then drains it.
  return !notified.exchange(true, order::acq_rel);
}

// Runtime side, before draining: false if no wake was enqueued since the last drain.
inline bool take_notification(atomic<bool>& notified) noexcept {
  // Ordering: acq_rel: acquire pairs with need_signal's release (the enqueue is visible);
  // release orders the drain that follows before a later waker's need_signal.
  return notified.exchange(false, order::acq_rel);
}

// Runtime side, for each slot taken off the queue: later wakes may enqueue it again.
inline void release_slot(atomic<bool>& queued) noexcept {
  // Ordering: acquire: pairs with claim_slot's release (every claim before this one in
  // queued's order, merged ones too, has its waker's prior writes visible to the task about to
  // run). No release: a later claim_slot has nothing of the runtime's to read.
  queued.exchange(false, order::acquire);
}

}  // namespace kov::detail
