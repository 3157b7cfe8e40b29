// The reference counts of a channel's shared state, common to the MPSC and MPMC flavours: live
// handles (the state dies with the last), senders (the last one closes the channel) and
// receivers. A CRTP base: `State` provides close() and is deleted through its own type.
#pragma once

#include <flume_lock/detail/atomic.hpp>

#include <cstddef>

namespace flume_lock::detail {

// Invariant: handles_ counts live sender and receiver objects (and anything else holding the
// state, such as a send permit); senders_ and receivers_ count each side.
template <class State>
class handle_counts {
 public:
  handle_counts(const handle_counts&) = delete;
  handle_counts& operator=(const handle_counts&) = delete;

  void add_handle() noexcept {
    // Ordering: relaxed: a new handle is made from an existing one, which keeps the state alive.
    handles_.fetch_add(1, order::relaxed);
  }
  void release_handle() noexcept {
    lifetime_probe_.on_read();  // this handle's last use of the state
    // Ordering: acq_rel: release our uses of the state; the last one acquires everybody's
    // before deleting it.
    if (handles_.fetch_sub(1, order::acq_rel) == 1) {
      lifetime_probe_.on_write();  // the destruction: must happen after every handle's uses
      delete static_cast<State*>(this);
    }
  }
  void add_sender() noexcept {
    // Ordering: relaxed: as add_handle.
    senders_.fetch_add(1, order::relaxed);
  }
  void release_sender() noexcept {
    // Ordering: relaxed: close() is itself synchronised through the queue's tail word.
    if (senders_.fetch_sub(1, order::relaxed) == 1) static_cast<State*>(this)->close();
  }
  void add_receiver() noexcept {
    // Ordering: relaxed: as add_handle.
    receivers_.fetch_add(1, order::relaxed);
  }
  /// True for the last receiver; what that means is the flavour's business.
  bool release_receiver_count() noexcept {
    // Ordering: relaxed: a count; the close each flavour makes carries the synchronisation.
    return receivers_.fetch_sub(1, order::relaxed) == 1;
  }

  // Snapshots for the introspection calls: they may be stale by the time the caller looks.
  std::size_t sender_count() const noexcept {
    // Ordering: relaxed: a snapshot; nothing is read through it.
    return senders_.load(order::relaxed);
  }
  std::size_t receiver_count() const noexcept {
    // Ordering: relaxed: a snapshot; nothing is read through it.
    return receivers_.load(order::relaxed);
  }

 protected:
  handle_counts() = default;
  ~handle_counts() = default;

 private:
  // Lets the model checker see "uses of the state happen before its deletion".
  [[no_unique_address]] race_probe lifetime_probe_;
  atomic<std::size_t> handles_{2};
  atomic<std::size_t> senders_{1};
  atomic<std::size_t> receivers_{1};
};

}  // namespace flume_lock::detail
