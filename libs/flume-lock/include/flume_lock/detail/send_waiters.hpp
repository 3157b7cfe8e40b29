// The async senders parked on a full bounded queue: a FIFO list of caller-owned waiter nodes,
// each woken once per freed slot. Unlike the eventcount's single async slot, any number of
// senders (tasks on several runtimes, or threads polling) may wait at once. The MPMC queues use
// the same list for their async receivers (woken once per pushed message), with "publish" and
// "re-check" read the other way round.
//
// Protocol (the sender):                          (the receiver / close)
//   enqueue(w): link w, seq_cst store of count_     free a slot / close with a seq_cst operation
//   re-check: try_push (seq_cst loads)              notify_one(): seq_cst load of count_
//   still full: wait for the wake
// The count store, the re-check, the publication and notify_one()'s load all sit in the total
// order S: either the re-check sees the freed slot (or the close), or notify_one() comes after
// the store and wakes the list's head. The list itself is only touched under lock_ (slow path);
// the receiver pays one load when nobody waits.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/status.hpp>
#include <flume_lock/waiter.hpp>

#include <cstdint>

namespace flume_lock::detail {

class send_waiters {
 public:
  // waiter::queued_ values.
  static constexpr std::uint8_t idle = 0;    // not in the list, no wake pending
  static constexpr std::uint8_t linked = 1;  // in the list, waiting for a wake
  static constexpr std::uint8_t woken = 2;   // taken off the list and woken; not yet consumed

  /// The owner, before it tries again: true if `w` is still linked (keep waiting in place);
  /// otherwise `w` is idle afterwards and `front` says whether it had been woken (a woken
  /// sender that finds the queue full again goes back to the head: FIFO order is kept).
  bool still_linked(waiter& w, bool& front) noexcept {
    front = false;
    if (!w.in_list_) return false;
    lock();
    const std::uint8_t state = w.queued_;
    if (state == woken) {
      w.queued_ = idle;
      w.in_list_ = false;
      front = true;
    }
    unlock();
    return state == linked;
  }

  /// Links `w` (idle) at the back, or at the front; the caller re-checks the queue afterwards.
  void enqueue(waiter& w, bool front) noexcept {
    lock();
    w.next_ = nullptr;
    w.prev_ = nullptr;
    if (head_ == nullptr) {
      head_ = tail_ = &w;
    } else if (front) {
      w.next_ = head_;
      head_->prev_ = &w;
      head_ = &w;
    } else {
      w.prev_ = tail_;
      tail_->next_ = &w;
      tail_ = &w;
    }
    w.queued_ = linked;
    w.in_list_ = true;
    // Ordering: relaxed: count_ changes only under the lock, which orders this read.
    const std::uint32_t queued = count_.load(order::relaxed) + 1;
    // Ordering: seq_cst: the announcement of the protocol above (pairs with notify_one's load
    // in S).
    count_.store(queued, order::seq_cst);
    unlock();
  }

  /// An async push or pop of a queue (sender::poll_send, mpmc receiver::poll_recv):
  /// `attempt()` first; if it reports `waiting` (`full` for a push, `empty` for a pop), `w` is
  /// queued and `recheck()` (an attempt whose loads are seq_cst: the protocol's re-check) runs
  /// once more. Returns `waiting` with `w` queued for exactly one wake, or what the attempt
  /// returned with `w` not queued. A woken `w` that finds nothing again goes back to the head;
  /// one polled without a wake keeps its place.
  template <class Attempt, class Recheck>
  status poll(waiter& w, Attempt&& attempt, Recheck&& recheck, status waiting = status::full) {
    bool front = false;
    if (still_linked(w, front)) {  // polled without a wake: stay in line
      const status s = recheck();
      if (s != waiting) cancel(w);
      return s;
    }
    status s = attempt();
    if (s != waiting) return s;
    enqueue(w, front);
    s = recheck();  // a slot freed (a message pushed) before enqueue has no wake
    if (s != waiting) cancel(w);
    return s;
  }

  /// Withdraws `w`: afterwards it is idle and no wake call on it is running or will start (so
  /// what `w.ctx` points at may go too). A wake it received and
  /// did not consume is passed on to the next waiter, so an abandoned sender never strands the
  /// slot it was woken for.
  void cancel(waiter& w) noexcept {
    if (!w.in_list_) return;
    w.in_list_ = false;
    lock();
    const std::uint8_t state = w.queued_;
    if (state == linked) unlink(w);
    w.queued_ = idle;
    unlock();
    if (state == woken) notify_one();
  }

  /// Wakes the longest-waiting sender, if any. One seq_cst load when nobody waits.
  FLUME_LOCK_HOT void notify_one() noexcept {
    if (count_.load(order::seq_cst) != 0) [[unlikely]]
      wake_head();
  }

  /// Wakes every waiting sender (the channel closed).
  void notify_all() noexcept {
    while (count_.load(order::seq_cst) != 0 && wake_head()) {
    }
  }

 private:
  // Out of line, as eventcount's wake functions (keeps the receive fast path compact).
  [[gnu::noinline]] bool wake_head() noexcept {
    lock();
    waiter* w = head_;
    if (w == nullptr) {
      unlock();
      return false;
    }
    unlink(*w);
    w->queued_ = woken;
    w->probe_.on_read();
    // Called under the lock: cancel() cannot return (and the owner free what ctx points at)
    // while the call runs. The owner re-polls only after the wake, so nothing calls back in.
    w->wake(w->ctx);
    unlock();
    return true;
  }

  // Requires lock_ held and `w` linked.
  void unlink(waiter& w) noexcept {
    (w.prev_ != nullptr ? w.prev_->next_ : head_) = w.next_;
    (w.next_ != nullptr ? w.next_->prev_ : tail_) = w.prev_;
    w.next_ = w.prev_ = nullptr;
    // Ordering: relaxed (both): under the lock; a stale non-zero only sends notify_one to
    // wake_head, which looks at the list itself.
    const std::uint32_t queued = count_.load(order::relaxed) - 1;
    count_.store(queued, order::relaxed);
  }

  void lock() noexcept {
    // Ordering: acquire pairs with unlock's release: the previous holder's list and node
    // writes are visible.
    while (lock_.exchange(1, order::acquire) != 0) spin_pause();
    probe_.on_write();
  }
  void unlock() noexcept {
    probe_.on_write();
    // Ordering: release pairs with lock's acquire.
    lock_.store(0, order::release);
  }

  // Invariant: count_ = number of linked nodes (changed only under lock_); head_..tail_ is the
  // FIFO of linked nodes through next_/prev_.
  atomic<std::uint32_t> count_{0};
  atomic<std::uint32_t> lock_{0};
  waiter* head_ = nullptr;
  waiter* tail_ = nullptr;
  // Lets the model checker see the critical sections as plain accesses.
  [[no_unique_address]] race_probe probe_;
};

}  // namespace flume_lock::detail
