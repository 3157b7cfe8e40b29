// The rendezvous queue behind bounded(0): no buffer, a value moves straight from a sender to the
// receiver. Two ways to meet, whichever side arrives second completes the hand-over:
//   - a receiver that waits announces it (rx_state_ = waiting); a sender then claims the
//     receiver's one slot, builds the value in it and marks it full (try_send works only so);
//   - a blocking sender posts an offer (a pointer to its value, on its own stack) in offer_; the
//     receiver takes the offer with a CAS, moves the value out and marks the offer taken.
// Either side may give up: a receiver retracts its announcement (if a sender already claimed
// the slot, the value is received instead), a sender withdraws its offer (if the receiver
// already took it, the send succeeded). An async sender (poll_push: a select send arm, say) waits
// in a senders' waiter list for the receiver's next announcement, then tries the slot again.
// docs/flume-lock.md, "Rendezvous", has the proof.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/eventcount.hpp>
#include <flume_lock/detail/send_waiters.hpp>
#include <flume_lock/status.hpp>
#include <flume_lock/waiter.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace flume_lock {

template <class T>
/// The rendezvous queue behind bounded(0): no buffer; a value moves straight from a sender to
/// the receiver, through the receiver's one slot (when it announced a wait) or a sender's posted
/// offer. Any number of senders; one receiver at a time.
class zero_queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "messages must be nothrow-move-constructible");

 public:
  /// A blocking sender's value, posted for the receiver to take. Lives on the sender's stack
  /// until the sender has seen it withdrawn or taken.
  struct offer {
    /// An offer of `v`, which must stay alive until the offer is withdrawn or taken.
    explicit offer(T& v) noexcept : value(&v) { probe.on_write(); }
    T* value;  ///< The sender's value, moved from by the receiver that takes the offer.
    /// Nonzero once the receiver has moved the value out.
    detail::atomic<std::uint32_t> taken{0};
    /// Lets the model checker see the sender's writes and the receiver's read of the value.
    [[no_unique_address]] detail::race_probe probe;
  };

  zero_queue() = default;
  zero_queue(const zero_queue&) = delete;
  zero_queue& operator=(const zero_queue&) = delete;

  /// Destroys a value handed to the receiver's slot and never received. No other thread may use
  /// the queue any more.
  ~zero_queue() {
    // Ordering: relaxed: single-threaded teardown.
    if (rx_state_.load(detail::order::relaxed) == rx_full) message()->~T();
  }

  /// Always 0: a rendezvous queue holds nothing.
  static constexpr std::size_t capacity() noexcept { return 0; }

  // ---- senders (any thread) ------------------------------------------------------------------

  /// Hands `value` to a waiting receiver: `ok`, `full` (no receiver waiting) or `disconnected`.
  /// On anything but `ok`, `value` is untouched.
  template <class U>
  [[gnu::noinline]] status try_push(U&& value) {
    // Ordering: relaxed: a snapshot. A sender blocked on this channel never waits for the close
    // through here: poll() re-checks it with a seq_cst load.
    if (closed_.load(detail::order::relaxed) != 0) return status::disconnected;
    std::uint32_t expected = rx_waiting;
    // Ordering: acquire pairs with announce()'s release store: the receiver's destruction of the
    // slot's previous value happens before we build the next one. Failure relaxed: "nobody is
    // waiting" is the answer; nothing is read through it.
    if (!rx_state_.compare_exchange_strong(expected, rx_filling, detail::order::acquire,
                                           detail::order::relaxed)) {
      return status::full;
    }
    ::new (static_cast<void*>(storage_)) T(std::forward<U>(value));
    slot_probe_.on_write();
    // Ordering: seq_cst: release publishes the value to take_slot()'s acquire load; seq_cst
    // orders it before rx_event_.notify()'s load (eventcount protocol, the receiver's re-check).
    rx_state_.store(rx_full, detail::order::seq_cst);
    rx_event_.notify();
    return status::ok;
  }

  /// Async push (see sender::poll_send): `ok` or `disconnected` as try_push, or `full` with `w`
  /// queued among the waiting senders: it is woken once, when a receiver next announces a wait
  /// (one sender per announcement, in the order they queued) or the channel closes.
  template <class U>
  status poll_push(U&& value, waiter& w) {
    auto attempt = [&] { return try_push(std::forward<U>(value)); };
    auto recheck = [&] {
      // Ordering: seq_cst (both): the queued sender's re-check (send_waiters.hpp), paired with
      // close()'s store and announce()'s store; each precedes a notify of tx_waiters_ in S.
      if (closed_.load(detail::order::seq_cst) != 0) return status::disconnected;
      if (rx_state_.load(detail::order::seq_cst) != rx_waiting) return status::full;
      // Full again here means another sender filled the slot or the receiver retracted: the
      // receiver announces (and wakes the head of the list) when it next waits.
      return attempt();
    };
    return tx_waiters_.poll(w, attempt, recheck);
  }

  /// Withdraws `w` (poll_push); a wake it got and did not use goes to the next waiting sender.
  void cancel_push(waiter& w) noexcept { tx_waiters_.cancel(w); }

  /// Posts `o` for the receiver. False when another sender's offer is up (wait on tx_event()
  /// and post again: its taking or withdrawal notifies it).
  bool post(offer& o) noexcept {
    offer* expected = nullptr;
    // Ordering: seq_cst: release publishes the offer and its value to the receiver's acquire
    // CAS; seq_cst because it is the publication of the eventcount protocol (before notify()'s
    // load). Failure seq_cst: it is the re-check of a sender parked on a busy offer slot, paired
    // with withdraw()'s CAS and the taken store before their tx_event_ notify.
    if (!offer_.compare_exchange_strong(expected, &o, detail::order::seq_cst,
                                        detail::order::seq_cst)) {
      return false;
    }
    rx_event_.notify();
    return true;
  }

  /// A posted offer's progress: `ok` (taken: the send is done), `full` (still waiting) or
  /// `disconnected` (the channel closed and the offer was withdrawn, value untouched).
  status poll(offer& o) noexcept {
    // Ordering: seq_cst: acquire pairs with the receiver's taken store (its read of the value
    // happens before the sender reuses it); seq_cst because this is a parked sender's re-check.
    if (o.taken.load(detail::order::seq_cst) != 0) {
      o.probe.on_write();  // the sender may reuse the moved-from value from here on
      return status::ok;
    }
    // Ordering: seq_cst: a parked sender's re-check, paired with close()'s store.
    if (closed_.load(detail::order::seq_cst) == 0) return status::full;
    return withdraw(o) ? status::disconnected : status::ok;
  }

  /// Takes a posted offer back. True: withdrawn, the value is untouched. False: the receiver took
  /// it first; returns once the receiver is done with it (the send succeeded).
  bool withdraw(offer& o) noexcept {
    offer* expected = &o;
    // Ordering: seq_cst: freeing the offer slot is a publication for senders parked on it (their
    // re-check is post()'s CAS), before tx_event_.notify()'s load. Failure relaxed: the taken
    // load below carries the synchronisation.
    if (offer_.compare_exchange_strong(expected, nullptr, detail::order::seq_cst,
                                       detail::order::relaxed)) {
      tx_event_.notify();
      return true;
    }
    // The receiver took the offer and is moving the value out: a few instructions.
    // Ordering: acquire pairs with the receiver's taken store.
    while (o.taken.load(detail::order::acquire) == 0) detail::spin_pause();
    o.probe.on_write();
    return false;
  }

  /// Stops further sends; posted offers are withdrawn by their senders. Idempotent.
  void close() noexcept {
    // Ordering: seq_cst: pairs with the re-checks of parked senders (poll) and of the parked
    // receiver (consume_announced) in the eventcount protocol.
    closed_.store(1, detail::order::seq_cst);
    rx_event_.notify();
    tx_event_.notify();
    tx_waiters_.notify_all();
  }

  /// Whether close() was called (a snapshot, for any thread).
  bool closed() const noexcept {
    // Ordering: relaxed: a snapshot for callers; nothing is read through it.
    return closed_.load(detail::order::relaxed) != 0;
  }

  // ---- the receiver (one thread at a time) ---------------------------------------------------

  /// Without waiting: a value in the receiver's slot, else a posted offer. `disconnected` once
  /// closed (offers still posted then are left to their senders, who get `disconnected`).
  // Out of line (like the other rendezvous calls), so that a channel's try_recv dispatch stays
  // small enough to inline the unbounded and bounded fast paths (make asm).
  template <class Sink>
  [[gnu::noinline]] status try_consume(Sink&& sink) {
    // Ordering: relaxed (these three loads): snapshots. A waiting receiver re-checks through
    // consume_announced's seq_cst loads; take_slot acquires the slot's value and the CAS below
    // the offer. (The slot is filling or full here only after this thread saw a sender claim it,
    // so coherence shows it.)
    if (rx_state_.load(detail::order::relaxed) >= rx_filling) return take_slot(sink);
    if (closed_.load(detail::order::relaxed) != 0) return status::disconnected;
    offer* o = offer_.load(detail::order::relaxed);
    while (o != nullptr) {
      // Ordering: seq_cst: acquire pairs with post()'s CAS: the offer and its value are visible
      // (read only after this CAS, so an offer posted again at the same address is read as its
      // new self). seq_cst because freeing the offer slot is a publication for senders parked on
      // it (their re-check is post()'s seq_cst CAS), before take_offer's tx_event_ notify: the
      // C++ rules order a read before it in S only if this write is itself seq_cst. Failure
      // relaxed: a withdrawn offer is not read; a new one is acquired by the next round.
      if (offer_.compare_exchange_strong(o, nullptr, detail::order::seq_cst,
                                         detail::order::relaxed)) {
        return take_offer(*o, sink);
      }
    }
    return status::empty;
  }

  /// Tells senders that the receiver waits: try_send may now hand it a value, and the longest
  /// waiting async sender (poll_push) is woken to do so.
  void announce() noexcept {
    // Ordering: seq_cst: release pairs with try_push's acquire CAS (the receiver's destruction
    // of the slot's previous value happens before the next one is built); seq_cst because it
    // is the publication an async sender queued in tx_waiters_ waits for: its count store,
    // its re-check's seq_cst load of rx_state_ and notify_one's count load are in S with it.
    rx_state_.store(rx_waiting, detail::order::seq_cst);
    tx_waiters_.notify_one();
  }

  /// Withdraws the announcement. False when a sender has claimed the slot: its value is (or is
  /// about to be) in the slot, and the next try_consume receives it.
  bool retract() noexcept {
    std::uint32_t expected = rx_waiting;
    // Ordering: relaxed: on success no sender touches the slot until the next announce (a
    // release); on failure the value is read after take_slot's acquire load.
    return rx_state_.compare_exchange_strong(expected, rx_idle, detail::order::relaxed,
                                             detail::order::relaxed);
  }

  /// The attempt of an announced receiver (the re-check after parking): `ok` with the slot's
  /// value or an offer, `disconnected`, or `empty` with the announcement still up.
  template <class Sink>
  status consume_announced(Sink&& sink) {
    // Ordering: seq_cst: the parked receiver's re-check, paired with try_push's full store.
    if (rx_state_.load(detail::order::seq_cst) >= rx_filling) return take_slot(sink);
    // Ordering: seq_cst (both): the parked receiver's re-check, paired with close()'s store
    // and post()'s CAS.
    if (closed_.load(detail::order::seq_cst) == 0 &&
        offer_.load(detail::order::seq_cst) == nullptr) {
      return status::empty;
    }
    // An offer or the close: retract first, so that no sender fills the slot of a receiver that
    // is about to return with something else.
    if (!retract()) return take_slot(sink);
    const status s = try_consume(sink);
    if (s == status::empty) announce();  // the offer was withdrawn meanwhile
    return s;
  }

  /// The event a waiting receiver parks on; notified by hand-overs, offers and the close.
  detail::eventcount& rx_event() noexcept { return rx_event_; }
  /// The event waiting senders park on; notified when an offer is taken or withdrawn, and on
  /// the close.
  detail::eventcount& tx_event() noexcept { return tx_event_; }

 private:
  enum : std::uint32_t { rx_idle, rx_waiting, rx_filling, rx_full };

  T* message() noexcept {
    // Safety: storage_ holds a T from try_push's placement new (state filling -> full) until
    // take_slot's destroy (state back to idle).
    return std::launder(reinterpret_cast<T*>(storage_));
  }

  // The slot is claimed by a sender (filling or full): wait until full, hand the value over.
  template <class Sink>
  status take_slot(Sink& sink) {
    // A sender that claimed the slot finishes building the value in a few instructions.
    // Ordering: acquire pairs with try_push's full store: the value is visible.
    while (rx_state_.load(detail::order::acquire) != rx_full) detail::spin_pause();
    slot_probe_.on_read();
    struct take_guard {  // frees the slot even if sink throws: never delivered twice
      zero_queue& q;
      ~take_guard() {
        q.message()->~T();
        // Ordering: relaxed: no sender writes the slot before the next announce (a release).
        q.rx_state_.store(rx_idle, detail::order::relaxed);
      }
    } guard{*this};
    sink(std::move(*message()));
    return status::ok;
  }

  template <class Sink>
  status take_offer(offer& o, Sink& sink) {
    o.probe.on_read();
    struct taken_guard {  // releases the sender even if sink throws
      zero_queue& q;
      offer& o;
      ~taken_guard() {
        // Ordering: seq_cst: release pairs with the sender's taken load (our read of its value
        // happens before it reuses it); seq_cst orders it before tx_event_.notify()'s load
        // (eventcount protocol: the parked sender's re-check in poll). After this store `o` may
        // be gone.
        o.taken.store(1, detail::order::seq_cst);
        q.tx_event_.notify();
      }
    } guard{*this, o};
    // Safety: the sender keeps the offer and its value alive until it sees taken (poll or
    // withdraw).
    sink(std::move(*o.value));
    return status::ok;
  }

  // Invariant: rx_state_ is idle (the receiver is not waiting), waiting (announced), filling (a
  // sender claimed the slot and is building its value) or full; offer_ is the one posted offer.
  alignas(detail::cache_line) detail::atomic<std::uint32_t> rx_state_{rx_idle};
  detail::atomic<offer*> offer_{nullptr};
  // The slot's value next to its state: for a small T one cache line carries both to the
  // receiver.
  alignas(T) unsigned char storage_[sizeof(T)];
  // On a line of its own: written once, read on every spin of a waiting sender, which must not
  // take the line the receiver writes from it.
  alignas(detail::cache_line) detail::atomic<std::uint32_t> closed_{0};
  [[no_unique_address]] detail::race_probe slot_probe_;
  detail::eventcount rx_event_;
  detail::eventcount tx_event_;
  detail::send_waiters tx_waiters_;  // async senders waiting for a receiver to announce
};

}  // namespace flume_lock
