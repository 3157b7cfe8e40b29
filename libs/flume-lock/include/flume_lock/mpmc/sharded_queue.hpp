// The unbounded MPMC queue behind mpmc::sharded_channel(): one spmc_queue (shard) per sender
// handle, so producers never share an index, and receivers that start at different shards and
// turn together, so they mostly do not share one either. The price is order: the messages of
// one sender handle keep their order, messages of different handles have none between them (as
// moodycamel::ConcurrentQueue's producers).
//
// Shards live in a list that only grows (push at the front) until the queue dies; a dropped
// sender's shard is taken over by the next new sender. Parking: a push publishes its tail, then
// passes a light fence before the notify's load; a parking receiver counts itself, then passes
// a heavy fence before its re-check (a pass over every shard, each shard's emptiness check its
// tail load). The fences order the two as seq_cst fences would (asymmetric_fence.hpp), so
// list_queue's eventcount argument holds shard by shard, and the push pays no locked
// instruction for it (docs/flume-lock.md, "Sharded MPMC").
#pragma once

#include <flume_lock/detail/asymmetric_fence.hpp>
#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/counting_eventcount.hpp>
#include <flume_lock/detail/send_waiters.hpp>
#include <flume_lock/mpmc/spmc_queue.hpp>
#include <flume_lock/status.hpp>
#include <flume_lock/waiter.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace flume_lock {
namespace mpmc {

template <class T>
class sharded_queue;

/// One sender handle's sub-queue.
template <class T>
class shard {
 public:
  /// Pushes into this shard; only its owner calls it.
  template <class U>
  status push(U&& value) {
    return queue_.push(std::forward<U>(value));
  }

 private:
  friend class sharded_queue<T>;
  spmc_queue<T> queue_;
  detail::atomic<bool> owned_{true};  // a sender handle pushes into it
  shard* next_ = nullptr;             // the shard added before this one; set before publication
};

/// Where a receiver looks first. Owned by one receiver handle (one thread at a time), so plain
/// data.
template <class T>
struct shard_cursor {
  std::size_t home = 0;                    ///< the receiver's place in the rotation
  std::size_t rotation = ~std::size_t{0};  ///< the queue's rotation when `at` was set from it
  shard<T>* at = nullptr;                  ///< where to look first
  std::size_t taken_here = 0;              ///< messages taken from `at` in a row
};

template <class T>
/// Any number of sender handles (each pushing into its own shard) and of receivers at once; a
/// push never waits. A pop takes from the cursor's shard first and reports `disconnected` only
/// when every shard is closed and drained.
class sharded_queue {
 public:
  sharded_queue() = default;
  sharded_queue(const sharded_queue&) = delete;
  sharded_queue& operator=(const sharded_queue&) = delete;
  ~sharded_queue() {
    // Ordering: relaxed: single-threaded teardown.
    for (shard<T>* s = shards_.load(detail::order::relaxed); s != nullptr;) {
      shard<T>* next = s->next_;
      delete s;
      s = next;
    }
  }

  /// A shard for a new sender handle: one a dropped handle left, or a new one.
  shard<T>& acquire_shard() {
    // Ordering: acquire: pairs with the pushes' CAS (a release sequence of RMWs): the shards
    // walked are built. A free shard this walk misses only costs a new one.
    for (shard<T>* s = shards_.load(detail::order::acquire); s != nullptr; s = s->next_) {
      // Ordering: relaxed (load), acquire (exchange): the exchange pairs with release_shard's
      // store, so the last owner's pushes (and its private tail and blocks) happen before ours.
      if (!s->owned_.load(detail::order::relaxed) &&
          !s->owned_.exchange(true, detail::order::acquire))
        return *s;
    }
    auto* fresh = new shard<T>;
    // Ordering: relaxed (the load and the CAS's failure): they only guess the head the CAS
    // replaces. The CAS is seq_cst: its release publishes the shard's construction to the
    // list's readers (and, continuing the release sequence of the push it replaces, the shards
    // behind it), and S orders it against close(): either close()'s walk finds this shard, or
    // the closed_ load below sees the close and the shard is closed before its first push.
    fresh->next_ = shards_.load(detail::order::relaxed);
    while (!shards_.compare_exchange_weak(fresh->next_, fresh, detail::order::seq_cst,
                                          detail::order::relaxed)) {
    }
    // Ordering: relaxed: only steers receivers' rotation.
    shard_count_.fetch_add(1, detail::order::relaxed);
    if (closed_.load(detail::order::seq_cst)) {
      // A receiver may have seen this shard open and empty and parked: wake it, as close() does.
      fresh->queue_.close();
      rx_event_.notify_all();
      rx_waiters_.notify_all();
    }
    return *fresh;
  }

  /// Gives `s` up: the next new sender handle may take it over.
  void release_shard(shard<T>& s) noexcept {
    // Ordering: release: pairs with acquire_shard's exchange: this owner's pushes (and its
    // private tail and blocks) happen before the next owner's. (The models cannot catch this
    // one weakened: there the push's light fence is a seq_cst fence, which is also a release
    // fence before this store; the real light fence is not.)
    s.owned_.store(false, detail::order::release);
  }

  /// A cursor for a new receiver handle: its place in the rotation, round robin.
  shard_cursor<T> place_receiver() noexcept {
    // Ordering: relaxed: only spreads receivers over shards; any value is correct.
    return {receivers_placed_.fetch_add(1, detail::order::relaxed), ~std::size_t{0}, nullptr, 0};
  }

  /// Pushes into `s` (the caller's shard) and wakes one waiting consumer. On `disconnected`,
  /// `value` is untouched.
  template <class U>
  status push(shard<T>& s, U&& value) {
    const status r = s.push(std::forward<U>(value));
    if (r == status::ok) {
      detail::light_fence();  // between the tail's store and the notifies' loads (see above)
      rx_event_.notify_one();
      rx_waiters_.notify_one();  // async receivers: one wake per message
    }
    return r;
  }

  /// Stops further pushes into every shard and wakes every waiting consumer. Idempotent.
  void close() noexcept {
    // Ordering: seq_cst: see acquire_shard.
    closed_.store(true, detail::order::seq_cst);
    // Ordering: seq_cst: see acquire_shard.
    for (shard<T>* s = shards_.load(detail::order::seq_cst); s != nullptr; s = s->next_)
      s->queue_.close();
    rx_event_.notify_all();
    rx_waiters_.notify_all();
  }

  /// Takes a message, trying the cursor's shard first, and hands it to `sink(T&&)`: `ok`,
  /// `empty`, or `disconnected` (every shard closed and drained).
  template <class Sink>
  status try_pop(shard_cursor<T>& at, Sink&& sink) {
    // Ordering: acquire: pairs with the pushes' CAS: the shards walked are built. A shard this
    // load misses is missed by the second load below too, or that load sees a newer head and
    // the pass reports `empty`; so only the second load needs S (see there).
    shard<T>* const first = shards_.load(detail::order::acquire);
    follow_rotation(at, first);
    bool all_disconnected = true;
    // Safety: shards are freed only with the queue, so every pointer of the list stays valid.
    shard<T>* s = at.at;
    do {
      const status r = s->queue_.try_pop(sink);
      if (r == status::ok) {
        note_taken(at, s);
        return status::ok;
      }
      if (r == status::empty) all_disconnected = false;
      s = s->next_ != nullptr ? s->next_ : first;
    } while (s != at.at);
    if (!all_disconnected) return status::empty;
    // Ordering: seq_cst: a push of the list this load misses comes after it in S. The pass
    // read a shard's closed flag (an acquire load of a store close() makes after its seq_cst
    // store of closed_), so that store strongly happens before this load and precedes it in
    // S; the new sender's closed_ load follows its push, so it sees the close. An acquire
    // load here has no place in S: C++
    // would let it miss a push that precedes the pass in S. (Relacy's loads never read that
    // far back, so weakening this one survives the models.)
    return shards_.load(detail::order::seq_cst) == first ? status::disconnected : status::empty;
  }

  /// Async pop: `ok` or `disconnected` as try_pop, or `empty` with `w` queued among the waiting
  /// receivers: woken once, by the next push into any shard or the close.
  template <class Sink>
  status poll_pop(shard_cursor<T>& at, Sink&& sink, waiter& w) {
    auto attempt = [&] { return try_pop(at, sink); };
    auto recheck = [&] {
      detail::heavy_fence();  // between the waiter's count and the pass (see the file comment)
      return try_pop(at, sink);
    };
    return rx_waiters_.poll(w, attempt, recheck, status::empty);
  }

  /// Withdraws `w` (poll_pop); a wake it got and did not use goes to the next waiting receiver.
  void cancel_pop(waiter& w) noexcept { rx_waiters_.cancel(w); }

  /// Whether close() was called (a snapshot).
  bool closed() const noexcept {
    // Ordering: relaxed: a snapshot for callers; nothing is read through it.
    return closed_.load(detail::order::relaxed);
  }

  /// Messages queued now, summed over the shards (a snapshot).
  std::size_t size() const noexcept {
    std::size_t total = 0;
    // Ordering: acquire: the shards read are built.
    for (shard<T>* s = shards_.load(detail::order::acquire); s != nullptr; s = s->next_)
      total += s->queue_.size();
    return total;
  }

  /// The event blocking consumers park on; notified by pushes and the close.
  detail::counting_eventcount& rx_event() noexcept { return rx_event_; }

 private:
  // After this many messages in a row from one shard a receiver turns the rotation, so that one
  // busy sender cannot starve the others of a lone receiver. Every receiver follows the turn
  // (its shard is home + rotation), so receivers with different homes stay on different shards
  // instead of crowding onto one (the scheme of moodycamel::ConcurrentQueue's consumer tokens).
  static constexpr std::size_t stay_limit = 256;

  void follow_rotation(shard_cursor<T>& at, shard<T>* first) const noexcept {
    // Ordering: relaxed: only steers where to look first; every shard is tried anyway.
    const std::size_t rotation = rotation_.load(detail::order::relaxed);
    if (rotation == at.rotation && at.at != nullptr) return;
    // Ordering: relaxed: as above; the walk stops at the list's end whatever the count says.
    const std::size_t count = shard_count_.load(detail::order::relaxed);
    std::size_t steps = count == 0 ? 0 : (at.home + rotation) % count;
    shard<T>* s = first;
    while (steps-- > 0 && s->next_ != nullptr) s = s->next_;
    at.rotation = rotation;
    at.at = s;
    at.taken_here = 0;
  }

  void note_taken(shard_cursor<T>& at, shard<T>* s) noexcept {
    if (s != at.at) {
      at.at = s;
      at.taken_here = 1;
    } else if (++at.taken_here == stay_limit) {
      // Ordering: relaxed: as follow_rotation.
      rotation_.fetch_add(1, detail::order::relaxed);
    }
  }

  detail::atomic<shard<T>*> shards_{nullptr};  // the newest shard; each links the one before
  detail::atomic<std::size_t> shard_count_{0};
  detail::atomic<std::size_t> receivers_placed_{0};
  detail::atomic<std::size_t> rotation_{0};  // turned every stay_limit messages (note_taken)
  detail::atomic<bool> closed_{false};
  // Its prepare_wait() passes the heavy fence (see the file comment).
  alignas(detail::cache_line) detail::counting_eventcount rx_event_{
      detail::counting_eventcount::heavy_fence_after_count};
  detail::send_waiters rx_waiters_;  // the async receivers (poll_pop)
};

}  // namespace mpmc
}  // namespace flume_lock
