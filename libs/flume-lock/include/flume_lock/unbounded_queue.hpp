// The unbounded MPSC queue: a linked list of fixed-size segments, one fetch_add per send.
//
// Design (docs/flume-lock.md has the full argument):
// - tail_ counts claimed slots (<< 1, bit 0 = closed). A producer claims slot i with one
//   fetch_add, finds i's segment, writes the message and sets the slot's ready flag.
// - Segments hold `Slots` slots and link both ways. tail_segment_ is a hint: producers start
//   there, walk forward (appending segments cooperatively when the next is missing) or, when the
//   hint already moved past their segment, walk back. A producer never waits at a boundary.
// - The single consumer reads slots in order with plain loads (no read-modify-write) and owns
//   reclamation: a segment is recycled once the consumer passed it and every producer that could
//   still hold a pointer to it has finished (the "observed tail" rule below). No ABA: a segment
//   is never reused while any producer can reach it.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/eventcount.hpp>
#include <flume_lock/status.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>

namespace flume_lock {

template <class T, std::size_t Slots = detail::default_segment_slots>
/// The unbounded MPSC queue behind channel(): a linked list of `Slots`-slot segments, one
/// fetch_add per push, so a push never waits. Any number of threads may push; one thread at a
/// time consumes.
class unbounded_queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "messages must be nothrow-move-constructible");
  static_assert(Slots >= 2 && (Slots & (Slots - 1)) == 0, "segment size must be a power of two");

 public:
  unbounded_queue() : tail_segment_(new segment(0, nullptr)) {
    // Ordering: relaxed: nothing is shared before the constructor returns.
    head_segment_ = oldest_segment_ = tail_segment_.load(detail::order::relaxed);
  }
  unbounded_queue(const unbounded_queue&) = delete;
  unbounded_queue& operator=(const unbounded_queue&) = delete;

  /// Destroys every message still queued. No other thread may use the queue any more.
  ~unbounded_queue() {
    destroy_ready_messages();
    for (segment* s = oldest_segment_; s != nullptr;) {
      // Ordering: relaxed: single-threaded teardown.
      segment* next = s->next.load(detail::order::relaxed);
      delete s;
      s = next;
    }
  }

  // ---- producers (any thread) ------------------------------------------------------------

  /// Enqueues a message built from `value`. On `disconnected`, `value` is untouched.
  template <class U>
  status push(U&& value) {
    // Ordering: seq_cst: the claim must sit in the total order S with find_segment's seq_cst
    // load of tail_segment_ and advance_tail's seq_cst CAS + load of tail_: that is what makes
    // the observed-tail reclamation rule sound (docs/flume-lock.md, "segment reclamation").
    const std::uint64_t claim = tail_.fetch_add(2, detail::order::seq_cst);
    if (claim & closed_bit) [[unlikely]]
      return status::disconnected;
    write_slot(claim >> 1, std::forward<U>(value));
    rx_event_.notify();
    return status::ok;
  }

  /// Enqueues `count` messages taken from `first` with one claim. Returns how many were sent
  /// (0 or count).
  template <class It>
  std::size_t push_bulk(It first, std::size_t count) {
    if (count == 0) return 0;
    // Ordering: seq_cst, as in push().
    const std::uint64_t claim = tail_.fetch_add(2 * std::uint64_t{count}, detail::order::seq_cst);
    if (claim & closed_bit) return 0;
    for (std::uint64_t i = claim >> 1, end = i + count; i != end; ++i, ++first) {
      write_slot(i, *first);
    }
    rx_event_.notify();
    return count;
  }

  /// Stops further pushes. Messages already claimed are still delivered. Idempotent.
  void close() noexcept {
    // Ordering: relaxed: only atomicity matters; the RMW splits every claim into before/after.
    const std::uint64_t before = tail_.fetch_or(closed_bit, detail::order::relaxed);
    if (before & closed_bit) return;
    // Ordering: seq_cst: pairs with the consumer's re-check in the eventcount protocol.
    closed_at_.store(before >> 1, detail::order::seq_cst);
    rx_event_.notify();
  }

  // ---- the consumer (one thread at a time) ------------------------------------------------

  /// Takes the oldest message and hands it to `sink(T&&)`. `empty` means nothing is ready yet;
  /// `disconnected` means closed and fully drained.
  template <class Sink>
  FLUME_LOCK_HOT status try_consume(Sink&& sink) {
    if ((head_ & slot_mask) == 0 && head_ != head_segment_->start) [[unlikely]] {
      if (!enter_next_segment()) return empty_or_disconnected();
    }
    slot& s = head_segment_->slots[head_ & slot_mask];
    // Ordering: seq_cst: pairs with write_slot's seq_cst store (publishes the message) and, when
    // this is the re-check after prepare_wait, with the producer's notify() load in S.
    if (s.ready.load(detail::order::seq_cst) == 0) return empty_or_disconnected();
    s.probe.on_read();
    T* message = s.message();
    struct consume_guard {  // advances even if sink throws: the message is never seen twice
      T* message;
      std::uint64_t& head;
      ~consume_guard() {
        message->~T();
        ++head;
      }
    } guard{message, head_};
    sink(std::move(*message));
    return status::ok;
  }

  /// Whether close() was called (a snapshot, for any thread).
  bool closed() const noexcept {
    // Ordering: relaxed: a snapshot for callers; nothing is read through it.
    return (tail_.load(detail::order::relaxed) & closed_bit) != 0;
  }

  /// Messages claimed and not yet consumed (a snapshot; the consumer's thread only: it reads
  /// the consumer's cursor). Claims made after the close are not messages.
  std::size_t consumer_len() const noexcept {
    // Ordering: relaxed (both): a snapshot; nothing is read through it.
    const std::uint64_t claims = tail_.load(detail::order::relaxed) >> 1;
    const std::uint64_t closed_at = closed_at_.load(detail::order::relaxed);
    const std::uint64_t end = claims < closed_at ? claims : closed_at;
    return end > head_ ? static_cast<std::size_t>(end - head_) : 0;
  }

  /// The event a blocking consumer parks on; notified by pushes and the close.
  detail::eventcount& rx_event() noexcept { return rx_event_; }

 private:
  static constexpr std::uint64_t closed_bit = 1;
  static constexpr std::uint64_t slot_mask = Slots - 1;
  static constexpr std::uint64_t not_released = std::numeric_limits<std::uint64_t>::max();

  struct slot {
    detail::atomic<std::uint32_t> ready{0};
    [[no_unique_address]] detail::race_probe probe;
    alignas(T) unsigned char storage[sizeof(T)];

    T* message() noexcept {
      // Safety: storage holds a T between write_slot's placement new and try_consume's destroy.
      return std::launder(reinterpret_cast<T*>(storage));
    }
  };

  // Invariant: start and prev are written before the segment is published (release CAS on the
  // previous segment's next) and not changed until it is recycled; a recycled segment is only
  // republished once no producer can reach it.
  struct alignas(detail::cache_line) segment {
    segment(std::uint64_t first, segment* before) : start(first), prev(before) {
      meta_probe.on_write();
    }

    // Reads of start/prev by producers that reach the segment; lets the model checker report a
    // segment reused while a producer can still reach it.
    std::uint64_t first_slot() const {
      meta_probe.on_read();
      return start;
    }
    segment* previous() const {
      meta_probe.on_read();
      return prev;
    }
    void relink(std::uint64_t first, segment* previous_segment) {
      meta_probe.on_write();
      start = first;
      prev = previous_segment;
    }

    std::uint64_t start;  // index of slots[0]
    segment* prev;        // older neighbour (valid while this one is live)
    [[no_unique_address]] detail::race_probe meta_probe;
    detail::atomic<segment*> next{nullptr};
    detail::atomic<std::uint64_t> observed_tail{not_released};
    slot slots[Slots];
  };

  template <class U>
  void write_slot(std::uint64_t index, U&& value) {
    segment* seg = find_segment(index);
    slot& s = seg->slots[index & slot_mask];
    ::new (static_cast<void*>(s.storage)) T(std::forward<U>(value));
    s.probe.on_write();
    // Ordering: seq_cst: release publishes the message to try_consume's load; seq_cst places it
    // in S before rx_event_.notify()'s load (the eventcount protocol).
    s.ready.store(1, detail::order::seq_cst);
  }

  FLUME_LOCK_HOT segment* find_segment(std::uint64_t index) {
    // Ordering: seq_cst: see push(). acquire part: the segment's fields are visible.
    segment* const hint = tail_segment_.load(detail::order::seq_cst);
    if (hint->first_slot() == (index & ~slot_mask)) [[likely]]
      return hint;  // 1023 sends in 1024
    return find_segment_from(hint, index);
  }

  // The hint is not our segment: walk to it, growing the list if needed.
  FLUME_LOCK_COLD segment* find_segment_from(segment* const hint, std::uint64_t index) {
    const std::uint64_t start = index & ~slot_mask;
    segment* seg = hint;
    if (seg->first_slot() > start) {
      // The hint moved past our segment. Walking back is safe: our slot is unwritten, so the
      // consumer has not passed it and frees nothing at or after our segment.
      do seg = seg->previous();
      while (seg->first_slot() != start);
      return seg;
    }
    while (seg->first_slot() != start) {
      // Ordering: acquire pairs with the release CAS that linked `next`.
      segment* next = seg->next.load(detail::order::acquire);
      seg = next != nullptr ? next : grow(seg);
    }
    advance_tail(hint, seg);
    return seg;
  }

  // Links a new segment after `last` (or finds the one another producer linked) and returns it.
  segment* grow(segment* last) {
    segment* fresh = new segment(last->first_slot() + Slots, last);
    segment* expected = nullptr;
    // Ordering: seq_cst: release publishes fresh's fields; seq_cst for the consumer's re-check
    // across a boundary (see try_consume). Acquire on failure pairs with the winner's CAS so we
    // can read the segment it linked.
    if (last->next.compare_exchange_strong(expected, fresh, detail::order::seq_cst,
                                           detail::order::acquire)) {
      return fresh;
    }
    delete fresh;  // lost a rare race: the winner's segment serves us too
    return expected;
  }

  // Recycling: links the consumer's reclaimed `spare` after the hint's segment or a few segments
  // later, as the segment producers will use next; frees it when the list already has spares.
  void append_spare(segment* from, segment* spare) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      spare->relink(from->first_slot() + Slots, from);
      segment* expected = nullptr;
      // Ordering: release publishes the spare's reset fields to producers (their acquire loads
      // of next). Not seq_cst, unlike grow: the consumer's boundary re-check always sees a link
      // the consumer made itself. Relaxed on failure: the load below acquires instead.
      if (from->next.compare_exchange_strong(expected, spare, detail::order::release,
                                             detail::order::relaxed)) {
        return;
      }
      // Ordering: acquire pairs with the CAS that linked the segment there, so we may read it.
      from = from->next.load(detail::order::acquire);
    }
    delete spare;
  }

  // Moves the hint from `from` to the later segment `to` and stamps every segment it passed
  // with the claim count seen afterwards.
  void advance_tail(segment* from, segment* to) {
    segment* expected = from;
    // Ordering: seq_cst: see push(); a failed CAS means another producer moved the hint and
    // stamps the segments itself.
    if (!tail_segment_.compare_exchange_strong(expected, to, detail::order::seq_cst,
                                               detail::order::relaxed)) {
      return;
    }
    // Ordering: seq_cst: this load follows the CAS in S, so every producer that loaded a hint at
    // or before `from` claimed its slot before this count.
    const std::uint64_t observed = tail_.load(detail::order::seq_cst) >> 1;
    for (segment* s = from; s != to;) {
      // Ordering: relaxed: find_segment's walk already acquired these very links. Read before
      // the stamp, because the stamp lets the consumer reuse `s`.
      segment* next = s->next.load(detail::order::relaxed);
      // Ordering: relaxed: the stamp publishes a number, not data. Our claim is below
      // `observed`, and we write our message only after stamping, so the consumer reaches the
      // stamp only after acquiring our message's ready flag: every read we made of `s`
      // happens before it is reused.
      s->observed_tail.store(observed, detail::order::relaxed);
      s = next;
    }
  }

  // The consumer's step across a segment boundary: false when the next segment is not linked
  // yet (so nothing after the boundary is ready).
  FLUME_LOCK_COLD bool enter_next_segment() {
    // Ordering: seq_cst: acquire pairs with the linking CAS (the segment's fields are set);
    // seq_cst because a parked consumer's re-check may have to step into the new segment to
    // see a message: the link CAS (seq_cst) precedes that message's ready store and the
    // producer's notify() load in S, so either this load sees the link or notify sees us.
    segment* next = head_segment_->next.load(detail::order::seq_cst);
    if (next == nullptr) return false;
    head_segment_ = next;
    reclaim();
    return true;
  }

  // Recycles the segments the consumer finished, oldest first, while the rule allows:
  // consumed up to observed_tail means every producer that could hold the segment is done.
  void reclaim() {
    while (oldest_segment_ != head_segment_) {
      // Ordering: relaxed: see advance_tail; the stamper's reads of the segment are ordered
      // before our reuse by its message's ready flag, which we consumed.
      const std::uint64_t observed = oldest_segment_->observed_tail.load(detail::order::relaxed);
      if (observed == not_released || observed > head_) return;
      segment* done = oldest_segment_;
      // Ordering: relaxed: the consumer already read this link (acquire) when it moved on.
      oldest_segment_ = done->next.load(detail::order::relaxed);
      recycle(done);
    }
  }

  void recycle(segment* s) {
    // Ordering: relaxed (all four resets): the segment is private again; append_spare's
    // release CAS republishes it.
    s->next.store(nullptr, detail::order::relaxed);
    s->observed_tail.store(not_released, detail::order::relaxed);
    for (slot& sl : s->slots) sl.ready.store(0, detail::order::relaxed);
    // Ordering: acquire: the hint's segment fields must be visible; the consumer never frees the
    // hint's segment (it is not stamped yet), so reading it is safe.
    append_spare(tail_segment_.load(detail::order::acquire), s);
  }

  status empty_or_disconnected() const noexcept {
    // Ordering: seq_cst: the consumer's re-check pairs with close()'s seq_cst store.
    return head_ >= closed_at_.load(detail::order::seq_cst) ? status::disconnected : status::empty;
  }

  // Teardown: every producer is gone, so every claimed slot below the close point is written
  // and the first slot that is not ready ends the queue.
  void destroy_ready_messages() noexcept {
    while (try_consume([](T&&) noexcept {}) == status::ok) {
    }
  }

  // Producer side.
  alignas(detail::cache_line) detail::atomic<std::uint64_t> tail_{0};
  alignas(detail::cache_line) detail::atomic<segment*> tail_segment_;
  detail::atomic<std::uint64_t> closed_at_{std::numeric_limits<std::uint64_t>::max()};
  detail::eventcount rx_event_;
  // Consumer side.
  alignas(detail::cache_line) segment* head_segment_ = nullptr;
  segment* oldest_segment_ = nullptr;  // oldest segment not yet recycled
  std::uint64_t head_ = 0;             // next slot to consume
};

}  // namespace flume_lock
