// The bounded MPMC queue: a ring of `capacity` stamped slots (D. Vyukov's bounded queue, stamps
// and laps as in crossbeam's array flavour). Producers claim with a CAS on tail_, consumers with
// a CAS on head_. The MPSC flavour (bounded_queue.hpp) keeps the consumer's cursor private; here
// every consumer races for head_. docs/flume-lock.md ("MPMC") proves each ordering.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/counting_eventcount.hpp>
#include <flume_lock/detail/send_waiters.hpp>
#include <flume_lock/status.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace flume_lock::mpmc {

template <class T>
/// The bounded MPMC queue behind mpmc::bounded(n): a ring of `capacity` stamped slots. Any number
/// of threads may push and pop at once; lock-free.
class array_queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "messages must be nothrow-move-constructible");

 public:
  /// A queue holding at most `capacity` (>= 1) messages.
  explicit array_queue(std::size_t capacity)
      : capacity_(capacity < 1 ? 1 : capacity),
        mark_bit_(std::bit_ceil(std::uint64_t{capacity_} + 1)),
        one_lap_(mark_bit_ * 2),
        slots_(new slot[capacity_]) {
    for (std::size_t i = 0; i < capacity_; ++i) {
      // Ordering: relaxed: nothing is shared before the constructor returns.
      slots_[i].stamp.store(i, detail::order::relaxed);
    }
  }
  array_queue(const array_queue&) = delete;
  array_queue& operator=(const array_queue&) = delete;

  /// Destroys every message still queued. No other thread may use the queue any more.
  ~array_queue() {
    while (try_pop([](T&&) noexcept {}) == status::ok) {
    }
  }

  /// The number of slots (at least 1).
  std::size_t capacity() const noexcept { return capacity_; }

  // ---- producers (any thread) ------------------------------------------------------------

  /// Enqueues unless full or closed. On anything but `ok`, `value` is untouched.
  template <class U>
  status try_push(U&& value) {
    // Ordering: seq_cst: a producer parked on "full" re-checks through here and must see a
    // close() that came after its prepare_wait (pairs with close()'s seq_cst RMW in S).
    std::uint64_t tail = tail_.load(detail::order::seq_cst);
    for (unsigned spins = 0;;) {
      if (tail & mark_bit_) return status::disconnected;
      slot& s = slots_[tail & (mark_bit_ - 1)];
      // Ordering: acquire: pairs with try_pop's release store that freed the slot: the previous
      // message's read and destruction happen before our write.
      const std::uint64_t stamp = s.stamp.load(detail::order::acquire);
      if (stamp == tail) {
        // Ordering: seq_cst: the claim is what a parked consumer's re-check (empty_or_closed)
        // reads; it precedes rx_event_.notify_one()'s load in S. Relaxed on failure: the value is
        // a fresh hint, validated by the stamp.
        if (tail_.compare_exchange_weak(tail, advance(tail), detail::order::seq_cst,
                                        detail::order::relaxed)) {
          ::new (static_cast<void*>(s.storage)) T(std::forward<U>(value));
          s.probe.on_write();
          // Ordering: release: publishes the message to try_pop's acquire load of the stamp.
          s.stamp.store(tail + 1, detail::order::release);
          rx_event_.notify_one();
          rx_waiters_.notify_one();  // async receivers: one wake per message
          return status::ok;
        }
        continue;
      }
      if (stamp + one_lap_ == tail + 1) {
        // The slot holds the previous lap's message: full, unless a consumer claimed it and is
        // still freeing it. Ordering: seq_cst: the parked producer's re-check; pairs with the
        // consumers' seq_cst claim of head_, which precedes their tx_event_.notify_one() load in S.
        if (head_.load(detail::order::seq_cst) + one_lap_ == tail) return status::full;
      }
      detail::wait_a_moment(spins);  // another producer or consumer is mid-claim; look again
      // Ordering: relaxed: a fresh hint. A close() the first (seq_cst) load saw stays seen:
      // a later load of the same atomic never reads an older value.
      tail = tail_.load(detail::order::relaxed);
    }
  }

  /// Stops further pushes; queued messages are still delivered. Idempotent.
  void close() noexcept {
    // Ordering: seq_cst: pairs with the re-checks of parked producers (try_push's loads of
    // tail_) and parked consumers (empty_or_closed) in the eventcount protocol.
    tail_.fetch_or(mark_bit_, detail::order::seq_cst);
    rx_event_.notify_all();
    tx_event_.notify_all();
    rx_waiters_.notify_all();
  }

  // ---- consumers (any thread) ------------------------------------------------------------

  /// Takes the oldest message and hands it to `sink(T&&)`: `ok`, `empty`, or `disconnected`
  /// (closed and drained).
  template <class Sink>
  status try_pop(Sink&& sink) {
    // Ordering: relaxed: a hint; the slot's stamp validates it.
    std::uint64_t head = head_.load(detail::order::relaxed);
    for (unsigned spins = 0;;) {
      slot& s = slots_[head & (mark_bit_ - 1)];
      // Ordering: acquire: pairs with try_push's release store: the message is visible.
      const std::uint64_t stamp = s.stamp.load(detail::order::acquire);
      if (stamp == head + 1) {
        // Ordering: seq_cst: the claim is what a parked producer's re-check reads (try_push's
        // head_ load); it precedes tx_event_.notify_one()'s load in S. Relaxed on failure: a hint.
        if (head_.compare_exchange_weak(head, advance(head), detail::order::seq_cst,
                                        detail::order::relaxed)) {
          return take(s, head, sink);
        }
        continue;
      }
      if (stamp == head) {
        const status st = empty_or_closed(head);
        if (st != status::ok) return st;
      }
      detail::wait_a_moment(spins);  // a producer or consumer is mid-claim; look again
      // Ordering: relaxed: a hint, as above.
      head = head_.load(detail::order::relaxed);
    }
  }

  /// Async pop (the MPMC receiver's poll_recv): `ok` or `disconnected` as try_pop, or `empty`
  /// with `w` queued among the waiting receivers: woken once, by the next push (one waiting
  /// receiver per message, in the order they queued) or the close.
  template <class Sink>
  status poll_pop(Sink&& sink, waiter& w) {
    // try_pop's emptiness check (the tail load) is seq_cst: it is its own re-check.
    auto attempt = [&] { return try_pop(sink); };
    return rx_waiters_.poll(w, attempt, attempt, status::empty);
  }

  /// Withdraws `w` (poll_pop); a wake it got and did not use goes to the next waiting receiver.
  void cancel_pop(waiter& w) noexcept { rx_waiters_.cancel(w); }

  /// Whether close() was called (a snapshot).
  bool closed() const noexcept {
    // Ordering: relaxed: a snapshot for callers; nothing is read through it.
    return (tail_.load(detail::order::relaxed) & mark_bit_) != 0;
  }

  /// Messages queued now (a snapshot: claimed slots count, published or not).
  std::size_t size() const noexcept {
    for (;;) {
      // Ordering: relaxed (all three): a snapshot; the re-read of tail_ makes the pair coherent.
      const std::uint64_t tail = tail_.load(detail::order::relaxed) & ~mark_bit_;
      const std::uint64_t head = head_.load(detail::order::relaxed);
      if ((tail_.load(detail::order::relaxed) & ~mark_bit_) != tail) continue;
      const std::uint64_t hix = head & (mark_bit_ - 1);
      const std::uint64_t tix = tail & (mark_bit_ - 1);
      if (hix < tix) return tix - hix;
      if (hix > tix) return capacity_ - hix + tix;
      return tail == head ? 0 : capacity_;
    }
  }

  /// The event blocking consumers park on; notified by pushes and the close.
  detail::counting_eventcount& rx_event() noexcept { return rx_event_; }
  /// The event blocking producers park on while full; notified as slots free and on the close.
  detail::counting_eventcount& tx_event() noexcept { return tx_event_; }

 private:
  struct slot {
    detail::atomic<std::uint64_t> stamp{0};
    [[no_unique_address]] detail::race_probe probe;
    alignas(T) unsigned char storage[sizeof(T)];

    T* message() noexcept {
      // Safety: storage holds a T between try_push's placement new and take's destroy
      // (stamp == lap + index + 1 in between).
      return std::launder(reinterpret_cast<T*>(storage));
    }
  };

  // The position after `pos` (lap | index): the next index, or index 0 of the next lap.
  std::uint64_t advance(std::uint64_t pos) const noexcept {
    const std::uint64_t index = pos & (mark_bit_ - 1);
    return index + 1 < capacity_ ? pos + 1 : (pos & ~(one_lap_ - 1)) + one_lap_;
  }

  // The slot's stamp says "empty for this lap": empty, unless a producer claimed it already
  // (then `ok`: look again).
  status empty_or_closed(std::uint64_t head) const noexcept {
    // Ordering: seq_cst: the parked consumer's re-check; pairs with the producers' seq_cst
    // claim and close()'s seq_cst RMW, each before the notifier's load in S.
    const std::uint64_t tail = tail_.load(detail::order::seq_cst);
    if ((tail & ~mark_bit_) != head) return status::ok;
    return (tail & mark_bit_) ? status::disconnected : status::empty;
  }

  // Hands the claimed slot's message to `sink` and frees the slot for the next lap, even if
  // sink throws (never delivered twice).
  template <class Sink>
  status take(slot& s, std::uint64_t head, Sink& sink) {
    s.probe.on_read();
    struct free_guard {
      array_queue& q;
      slot& s;
      std::uint64_t head;
      ~free_guard() {
        s.message()->~T();
        // Ordering: release: pairs with try_push's acquire stamp load: our read and
        // destruction of the message happen before the slot's reuse.
        s.stamp.store(head + q.one_lap_, detail::order::release);
        q.tx_event_.notify_one();
      }
    } guard{*this, s, head};
    sink(std::move(*s.message()));
    return status::ok;
  }

  // Invariant: tail_ = lap | closed mark_bit_ | index, head_ = lap | index; a slot's stamp is
  // lap|index when free for that lap and lap|index + 1 when it holds that lap's message.
  const std::size_t capacity_;
  const std::uint64_t mark_bit_;
  const std::uint64_t one_lap_;
  std::unique_ptr<slot[]> slots_;
  alignas(detail::cache_line) detail::atomic<std::uint64_t> tail_{0};
  detail::counting_eventcount rx_event_;
  // The async receivers (poll_pop). Producers read its count after each push, as rx_event_'s
  // word, so it shares their line.
  detail::send_waiters rx_waiters_;
  alignas(detail::cache_line) detail::atomic<std::uint64_t> head_{0};
  detail::counting_eventcount tx_event_;
};

}  // namespace flume_lock::mpmc
