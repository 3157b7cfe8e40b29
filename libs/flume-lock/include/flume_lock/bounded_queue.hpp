// The bounded MPSC queue: a ring of `capacity` slots, each stamped with the lap it is free or
// full for (D. Vyukov's bounded queue, stamps as in crossbeam's array flavour). Producers claim
// with a CAS on tail_ (they must not claim a full slot); the single consumer's cursor is private.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/eventcount.hpp>
#include <flume_lock/detail/send_waiters.hpp>
#include <flume_lock/status.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace flume_lock {

template <class T>
/// The bounded MPSC queue behind bounded(n), n >= 1: a ring of `capacity` stamped slots. Any
/// number of threads may push; one thread at a time consumes. Lock-free; a full queue refuses
/// pushes (the channel layer does the waiting).
class bounded_queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "messages must be nothrow-move-constructible");

 private:
  struct slot;

 public:
  /// A queue holding at most `capacity` (>= 1) messages.
  explicit bounded_queue(std::size_t capacity)
      : capacity_(capacity < 1 ? 1 : capacity),
        mark_bit_(std::bit_ceil(std::uint64_t{capacity_} + 1)),
        one_lap_(mark_bit_ * 2),
        slots_(new slot[capacity_]) {
    for (std::size_t i = 0; i < capacity_; ++i) {
      // Ordering: relaxed: nothing is shared before the constructor returns.
      slots_[i].stamp.store(i, detail::order::relaxed);
    }
  }
  bounded_queue(const bounded_queue&) = delete;
  bounded_queue& operator=(const bounded_queue&) = delete;

  /// Destroys every message still queued. No other thread may use the queue any more.
  ~bounded_queue() {
    while (try_consume([](T&&) noexcept {}) == status::ok) {
    }
  }

  /// The number of slots (at least 1).
  std::size_t capacity() const noexcept { return capacity_; }

  // ---- producers (any thread) ------------------------------------------------------------

  /// Enqueues unless full or closed. On anything but `ok`, `value` is untouched.
  template <class U>
  FLUME_LOCK_HOT status try_push(U&& value) {
    return claim([&](slot& s, std::uint64_t tail) {
      ::new (static_cast<void*>(s.storage)) T(std::forward<U>(value));
      s.probe.on_write();
      // Ordering: release publishes the message to try_consume's acquire load. Not seq_cst:
      // the claim's seq_cst CAS already precedes rx_event_.notify()'s loads in S, and a
      // consumer that re-checks between our claim and this store does not park (skip_holes).
      s.stamp.store(tail + 1, detail::order::release);
      rx_event_.notify();
    });
  }

  /// Claims the next slot without filling it (a send permit), unless full or closed: on `ok`,
  /// `ticket` names the slot, which must later be fill()ed or release()d exactly once. Until
  /// then the receiver stops at that slot (messages claimed after it wait behind it).
  status try_claim(std::uint64_t& ticket) {
    return claim([&](slot& s, std::uint64_t tail) {
      ticket = tail;
      // Marks the slot reserved, so a consumer that reaches it parks instead of waiting for
      // it: fill() or release() publishes with seq_cst and notifies.
      // Ordering: relaxed: nothing is read through the mark; a consumer's load that sees it
      // precedes fill()'s or release()'s seq_cst store of the same slot in S (coherence).
      s.stamp.store(tail | mark_bit_, detail::order::relaxed);
    });
  }

  /// Puts `value` into the slot that try_claim / poll_claim gave as `ticket`: it cannot fail
  /// (the slot is already ours), and the receiver gets it even if the channel closed since.
  void fill(std::uint64_t ticket, T&& value) noexcept {
    slot& s = slots_[ticket & (mark_bit_ - 1)];
    ::new (static_cast<void*>(s.storage)) T(std::move(value));
    publish(s, ticket + 1);
  }

  /// Gives the slot of `ticket` back unfilled: it becomes a hole that the receiver skips,
  /// freeing the slot (and waking the next waiting sender) when it gets there.
  void release(std::uint64_t ticket) noexcept {
    slot& s = slots_[ticket & (mark_bit_ - 1)];
    s.probe.on_write();
    publish_stamp(s, ticket + 1 + mark_bit_);
  }

  /// Async claim, as poll_push: `ok` with `ticket` as try_claim, `disconnected`, or `full` with
  /// `w` queued among the waiting senders.
  status poll_claim(std::uint64_t& ticket, waiter& w) {
    // try_claim's loads are seq_cst (claim()): it is its own re-check.
    auto attempt = [&] { return try_claim(ticket); };
    return tx_waiters_.poll(w, attempt, attempt);
  }

 private:
  // Claims the slot at tail_ for `on_claim(slot, tail)` (which fills it or notes the ticket),
  // unless the ring is full or closed.
  template <class OnClaim>
  FLUME_LOCK_HOT status claim(OnClaim&& on_claim) {
    // Ordering: seq_cst: a producer parked on "full" re-checks through here, and must see a
    // close() that happened after its prepare_wait (pairs with close()'s seq_cst RMW).
    std::uint64_t tail = tail_.load(detail::order::seq_cst);
    for (;;) {
      if (tail & mark_bit_) return status::disconnected;
      const std::uint64_t index = tail & (mark_bit_ - 1);
      const std::uint64_t lap = tail & ~(one_lap_ - 1);
      slot& s = slots_[index];
      // Ordering: seq_cst: acquire pairs with try_consume's store that freed the slot (its read
      // of the old message happens before our write); seq_cst because a parked producer's
      // re-check pairs with that store and the consumer's tx_event_.notify() load in S.
      const std::uint64_t stamp = s.stamp.load(detail::order::seq_cst);
      if (stamp == tail) {
        const std::uint64_t next = index + 1 < capacity_ ? tail + 1 : lap + one_lap_;
        // Ordering: seq_cst on success: the claim is a push's entry in the eventcount
        // protocol: it precedes the push's rx_event_.notify() loads in S, so a consumer that
        // registered too late to be seen there re-checks tail_ after it and sees the claim
        // (skip_holes). On failure relaxed: the stamp check validates the reloaded tail.
        if (tail_.compare_exchange_weak(tail, next, detail::order::seq_cst,
                                        detail::order::relaxed)) {
          on_claim(s, tail);
          return status::ok;
        }
      } else if (stamp < tail) {
        // The slot still holds (or is being filled with, or was claimed by a permit for) the
        // previous lap's message: every stamp of a lap is below the next lap's cursors, and
        // tail_ has already passed that claim.
        return status::full;
      } else {
        detail::spin_pause();  // our tail is stale: another producer claimed this slot
        // Ordering: relaxed: a fresh hint; the stamp check above validates it.
        tail = tail_.load(detail::order::relaxed);
      }
    }
  }

  // Makes a permit's filled slot visible to the consumer.
  void publish(slot& s, std::uint64_t stamp) noexcept {
    s.probe.on_write();
    publish_stamp(s, stamp);
  }
  void publish_stamp(slot& s, std::uint64_t stamp) noexcept {
    // Ordering: seq_cst: release publishes the permit's message (or hole) to try_consume;
    // seq_cst orders it before rx_event_.notify()'s load (eventcount protocol): a consumer
    // parks on a reserved slot (skip_holes), so this store is the publication it waits for.
    s.stamp.store(stamp, detail::order::seq_cst);
    rx_event_.notify();
  }

 public:
  /// Async push (see sender::poll_send): `ok` or `disconnected` as try_push, or `full` with `w`
  /// queued among the waiting senders for exactly one wake. A woken `w` polled again keeps its
  /// place at the head of the queue if the ring is still full.
  template <class U>
  status poll_push(U&& value, waiter& w) {
    // try_push's loads are already seq_cst: it is its own re-check.
    auto attempt = [&] { return try_push(std::forward<U>(value)); };
    return tx_waiters_.poll(w, attempt, attempt);
  }

  /// Withdraws `w` (poll_push); a wake it got and did not use goes to the next waiting sender.
  void cancel_push(waiter& w) noexcept { tx_waiters_.cancel(w); }

  /// Stops further pushes; queued messages are still delivered. Idempotent.
  void close() noexcept {
    // Ordering: seq_cst: pairs with the re-checks of parked producers (try_push's first load)
    // and of the parked consumer (skip_holes) in the eventcount protocol.
    tail_.fetch_or(mark_bit_, detail::order::seq_cst);
    rx_event_.notify();
    tx_event_.notify();
    tx_waiters_.notify_all();
  }

  // ---- the consumer (one thread at a time) ------------------------------------------------

  template <class Sink>
  /// Passes the oldest message to `sink(T&&)` and frees its slot: `ok`, `empty`, or
  /// `disconnected` (closed and drained). Consumer thread only. The oldest message may be a
  /// push between its claim and its publication: with `wait_for_push` this waits for it (a
  /// thread about to park must: see skip_holes), otherwise it reports `empty` and
  /// stopped_at_push() says so.
  FLUME_LOCK_HOT status try_consume(Sink&& sink, bool wait_for_push = false) {
    // Ordering: acquire pairs with the publishing stores (the message's bytes). Not seq_cst: a
    // miss goes to skip_holes, whose seq_cst load of this slot is the parked re-check.
    if (slots_[head_ & (mark_bit_ - 1)].stamp.load(detail::order::acquire) != head_ + 1)
        [[unlikely]] {
      if (const status found = skip_holes(wait_for_push); found != status::ok) return found;
    }
    slot& s = slots_[head_ & (mark_bit_ - 1)];  // skip_holes moved head_ past any holes
    s.probe.on_read();
    T* message = s.message();
    struct consume_guard {  // frees the slot even if sink throws: never delivered twice
      bounded_queue& q;
      slot& s;
      T* message;
      ~consume_guard() {
        message->~T();
        q.free_head(s);
      }
    } guard{*this, s, message};
    sink(std::move(*message));
    return status::ok;
  }

  /// Whether the last try_consume that returned `empty` stopped at a push between its claim and
  /// its publication. A consumer that registered a wait before that try must not count on a
  /// wake from that push (it may have looked before the registration). Consumer thread only.
  bool stopped_at_push() const noexcept { return stopped_at_push_; }

  /// Whether close() was called (a snapshot, for any thread).
  bool closed() const noexcept {
    // Ordering: relaxed: a snapshot for callers; nothing is read through it.
    return (tail_.load(detail::order::relaxed) & mark_bit_) != 0;
  }

  /// Whether the slot a push would take still holds a message (a snapshot, for any thread).
  bool full() const noexcept {
    // Ordering: relaxed (both): a snapshot; nothing is read through it.
    const std::uint64_t tail = tail_.load(detail::order::relaxed) & ~mark_bit_;
    const std::uint64_t stamp = slots_[tail & (mark_bit_ - 1)].stamp.load(detail::order::relaxed);
    return stamp < tail;  // as claim(): the previous lap's claim is still there
  }

  /// Messages claimed and not yet consumed (a snapshot; the consumer's thread only: it reads
  /// the consumer's cursor).
  std::size_t consumer_len() const noexcept {
    // Ordering: relaxed: a snapshot; nothing is read through it.
    const std::uint64_t tail = tail_.load(detail::order::relaxed) & ~mark_bit_;
    const std::uint64_t claimed = position(tail);
    const std::uint64_t consumed = position(head_);
    return claimed > consumed ? static_cast<std::size_t>(claimed - consumed) : 0;
  }

  /// The event a blocking consumer parks on; notified by pushes and the close.
  detail::eventcount& rx_event() noexcept { return rx_event_; }
  /// The event blocking producers park on while full; notified as slots free and on the close.
  detail::eventcount& tx_event() noexcept { return tx_event_; }

 private:
  struct slot {
    detail::atomic<std::uint64_t> stamp{0};
    [[no_unique_address]] detail::race_probe probe;
    alignas(T) unsigned char storage[sizeof(T)];

    T* message() noexcept {
      // Safety: storage holds a T between try_push's placement new and try_consume's destroy
      // (stamp == lap + index + 1 in between).
      return std::launder(reinterpret_cast<T*>(storage));
    }
  };

  // How many slots a cursor (lap | index) has passed since the start.
  std::uint64_t position(std::uint64_t cursor) const noexcept {
    return cursor / one_lap_ * capacity_ + (cursor & (mark_bit_ - 1));
  }

  // Frees the slot at head_ (its message already destroyed, or a hole) for the next lap and
  // moves head_ on.
  FLUME_LOCK_HOT void free_head(slot& s) noexcept {
    const std::uint64_t index = head_ & (mark_bit_ - 1);
    const std::uint64_t lap = head_ & ~(one_lap_ - 1);
    const std::uint64_t freed_for = head_ + one_lap_;
    head_ = index + 1 < capacity_ ? head_ + 1 : lap + one_lap_;
    // Ordering: seq_cst: release pairs with claim()'s stamp load (our read of the message
    // happens before the slot's reuse); seq_cst orders it before tx_event_.notify()'s load.
    s.stamp.store(freed_for, detail::order::seq_cst);
    tx_waiters_.notify_one();  // async senders: one wake per freed slot, in FIFO order
    // Senders parked on a full ring are woken in batches: once every wake_batch_ slots
    // freed, so a wake-up (a futex syscall, context switches) pays for many messages
    // instead of one. The receiver cannot drain the ring with senders left parked: they
    // parked on a full ring, and the wake comes within wake_batch_ <= capacity pops (the
    // model test park_wake_bounded_batched deadlocks with capacity + 1). Half the capacity
    // lets them refill while the receiver still has half a ring to take. A receiver that
    // stops receiving leaves them parked; they look again every tx_poll_interval.
    if (++pops_since_wake_ >= wake_batch_) {
      pops_since_wake_ = 0;
      tx_event_.notify();
    }
  }

  // try_consume found no message at head_: released permits' holes are freed and skipped.
  // `ok` when a message is at head_ (this load acquired it), otherwise empty or disconnected.
  // A push between its claim and its publication may have looked for a parked consumer before
  // this one registered, so only its store can end such a consumer's wait: with `wait_for_push`
  // it is waited for, otherwise reported (stopped_at_push_). Out of line and without the sink,
  // so the consumer's fast path stays small.
  [[gnu::noinline]] status skip_holes(bool wait_for_push) noexcept {
    stopped_at_push_ = false;
    for (unsigned spins = 0;;) {
      slot& s = slots_[head_ & (mark_bit_ - 1)];
      // Ordering: seq_cst: acquire pairs with the publishing stores; seq_cst: the parked
      // consumer's re-check of each slot it reaches (after its registration in S), which must
      // precede a permit's seq_cst fill or release in S when it sees the slot reserved.
      const std::uint64_t stamp = s.stamp.load(detail::order::seq_cst);
      if (stamp == head_ + 1) return status::ok;  // a message (behind any holes): stays
      if (stamp == head_ + 1 + mark_bit_) {       // a released permit's hole
        s.probe.on_read();
        free_head(s);
        continue;
      }
      if (stamp != head_) return status::empty;  // reserved by a permit: its fill wakes us
      // Free for this lap: nothing claimed yet, or a push's claim whose stamp is on its way.
      // Ordering: seq_cst: the parked consumer's re-check; pairs with the claim CAS and
      // close()'s RMW in S (a claim it misses sees its registration in notify()).
      const std::uint64_t tail = tail_.load(detail::order::seq_cst);
      if ((tail & ~mark_bit_) == head_) {
        return (tail & mark_bit_) != 0 ? status::disconnected : status::empty;
      }
      if (!wait_for_push) {
        stopped_at_push_ = true;
        return status::empty;
      }
      detail::wait_a_moment(spins);  // the claim's stamp store is a few instructions away
    }
  }

  // Invariant: tail_ = lap | closed mark_bit_ | index; a slot's stamp is lap|index when free for
  // that lap (or claimed by a push and not yet filled), lap|index | mark_bit_ when a permit
  // holds it, lap|index + 1 when it holds that lap's message, and lap|index + 1 | mark_bit_
  // when a permit released it unfilled (a hole). A slot's stamps within one lap all lie below
  // the next lap's lap|index.
  const std::size_t capacity_;
  const std::uint64_t mark_bit_;
  const std::uint64_t one_lap_;
  std::unique_ptr<slot[]> slots_;
  alignas(detail::cache_line) detail::atomic<std::uint64_t> tail_{0};
  detail::eventcount rx_event_;
  detail::eventcount tx_event_;
  // Its own line: the consumer reads its count for every message it takes, and must not pull
  // the producers' tail_ line over to do so.
  alignas(detail::cache_line) detail::send_waiters tx_waiters_;
  alignas(detail::cache_line) std::uint64_t head_ = 0;
  std::size_t pops_since_wake_ = 0;  // the consumer's, like head_
  bool stopped_at_push_ = false;     // the consumer's: see stopped_at_push()
  const std::size_t wake_batch_ = capacity_ / 2 > 1 ? capacity_ / 2 : 1;
};

}  // namespace flume_lock
