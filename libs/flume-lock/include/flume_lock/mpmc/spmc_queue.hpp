// One shard of the sharded MPMC channel: an unbounded queue with one producer at a time and any
// number of consumers, without wake-ups (sharded_queue adds them). A linked list of blocks of
// `Lap - 1` slots with list_queue's index words, so the consumers' side is list_queue's: a CAS on
// the head index claims a slot, the consumer that claims a block's last slot enters the next.
// What one producer saves:
//   - no claim: the producer writes the message, then publishes it with a plain release store
//     of the tail, so a slot below the tail is always written (no per-slot written flag);
//   - close() cannot mark the tail (the producer's stores would overwrite it): the producer
//     announces each push in its own flag and checks for a close request, and close() waits
//     for an announced push to end; the pair is a store-buffering handshake over asymmetric
//     fences (asymmetric_fence.hpp), so the push pays a compiler barrier, close() a membarrier;
//   - consumers never free a block: each marks its slot read with a stamp (a plain store, in an
//     array apart from the messages), and the producer reuses the oldest block once every slot
//     of it is read. Stamps carry the block's lap number, so a reused block needs no reset.
// docs/flume-lock.md ("Sharded MPMC") proves each ordering.
#pragma once

#include <flume_lock/detail/asymmetric_fence.hpp>
#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/mpmc/list_queue.hpp>  // detail::mpmc_block_lap
#include <flume_lock/status.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace flume_lock {
namespace mpmc {

template <class T, std::size_t Lap = detail::mpmc_block_lap>
/// One producer at a time (the owner hands over with a release/acquire pair), any number of
/// consumers. A push never waits.
class spmc_queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "messages must be nothrow-move-constructible");
  static_assert(Lap >= 2 && (Lap & (Lap - 1)) == 0, "a lap must be a power of two");

 public:
  spmc_queue() : oldest_(new block), tail_block_(oldest_) {
    // Ordering: relaxed: nothing is shared before the constructor returns.
    head_block_.store(oldest_, detail::order::relaxed);
  }
  spmc_queue(const spmc_queue&) = delete;
  spmc_queue& operator=(const spmc_queue&) = delete;

  /// Destroys every message still queued and frees the blocks. No other thread may use the
  /// queue any more, so every claimed slot is written.
  ~spmc_queue() {
    // Ordering: relaxed (all loads here): single-threaded teardown.
    std::uint64_t head = head_index_.load(detail::order::relaxed) & ~mark_bit;
    const std::uint64_t tail = tail_index_.load(detail::order::relaxed);
    block* b = head_block_.load(detail::order::relaxed);
    for (; head < tail; head += one) {
      const std::uint64_t offset = (head >> shift) & (Lap - 1);
      if (offset == block_cap) {
        b = b->next.load(detail::order::relaxed);
        continue;
      }
      b->slots[offset].message()->~T();
    }
    for (block* x = oldest_; x != nullptr;) {
      block* next = x->next.load(detail::order::relaxed);
      delete x;
      x = next;
    }
  }

  // ---- the producer (one thread at a time) -------------------------------------------------

  /// Enqueues a message built from `value`. On `disconnected` (closed), `value` is untouched.
  template <class U>
  status push(U&& value) {
    producer_probe_.on_write();  // the producer's own fields: one owner at a time
    // Ordering: relaxed: the handshake with close(): the light fence orders this store before
    // the request's load, as close()'s heavy fence orders its request before its wait's load;
    // so the wait sees this push announced, or this push sees the request.
    pushing_.store(true, detail::order::relaxed);
    detail::light_fence();
    // Ordering: relaxed: the fences above order it (see the store).
    if (close_requested_.load(detail::order::relaxed)) [[unlikely]] {
      end_push();
      return status::disconnected;
    }
    const std::uint64_t t = tail_;
    const std::uint64_t offset = (t >> shift) & (Lap - 1);
    block* b = tail_block_;
    slot& s = b->slots[offset];
    if constexpr (std::is_nothrow_constructible_v<T, U&&>) {
      ::new (static_cast<void*>(s.storage)) T(std::forward<U>(value));
    } else {
      try {
        ::new (static_cast<void*>(s.storage)) T(std::forward<U>(value));
      } catch (...) {
        end_push();  // nothing was published
        throw;
      }
    }
    s.probe.on_write();
    // The last slot of a block also takes the position with no slot: the tail goes straight to
    // the next block's first slot, linked before the tail says so.
    const std::uint64_t next = offset + 1 == block_cap ? t + 2 * one : t + one;
    if (offset + 1 == block_cap) [[unlikely]] {
      block* fresh = take_free_block(t / one / Lap + 1);
      // Ordering: release: pairs with enter_next's acquire loads: `fresh` is built (or reset),
      // and every message of `b` is written.
      b->next.store(fresh, detail::order::release);
      tail_block_ = fresh;
    }
    tail_ = next;
    // Ordering: release: pairs with try_pop's acquire load of the tail: every message below
    // `next`, and the link just made, are written. (Its part in the parking protocol is the
    // light fence and the notify that sharded_queue::push makes after it.)
    tail_index_.store(next, detail::order::release);
    end_push();
    return status::ok;
  }

  /// Stops further pushes: a push after close() returns reports `disconnected`. Messages
  /// already pushed are still delivered. Idempotent; waits for a push under way to end.
  void close() noexcept {
    // Ordering: relaxed: the heavy fence orders it before the wait's load (see push).
    close_requested_.store(true, detail::order::relaxed);
    detail::heavy_fence();
    // Ordering: acquire: pairs with end_push's release store: the push under way is over,
    // its tail published, and every later push sees the request.
    for (unsigned spins = 0; pushing_.load(detail::order::acquire);)
      detail::wait_a_moment(spins);  // the producer is a few stores from done, or preempted
    // Ordering: seq_cst: pairs with try_pop's seq_cst load (the tail is final); in S it comes
    // before the notifier's load that follows the close (sharded_queue::close).
    closed_.store(true, detail::order::seq_cst);
  }

  // ---- consumers (any thread) --------------------------------------------------------------

  /// Takes the oldest message and hands it to `sink(T&&)`: `ok`, `empty`, or `disconnected`
  /// (closed and drained).
  template <class Sink>
  status try_pop(Sink&& sink) {
    // Ordering: acquire: as list_queue::try_pop: pairs with enter_next's release store (claims
    // after it are RMWs in its release sequence): head_block_ then holds this index's block.
    std::uint64_t head = head_index_.load(detail::order::acquire);
    for (unsigned spins = 0;;) {
      const std::uint64_t offset = (head >> shift) & (Lap - 1);
      if (offset == block_cap) [[unlikely]] {  // another consumer is entering the next block
        detail::wait_a_moment(spins);
        // Ordering: acquire, as above.
        head = head_index_.load(detail::order::acquire);
        continue;
      }
      // Ordering: relaxed: as list_queue::try_pop: the index's acquire orders it after the
      // enter_next that made this index's block the head block; a later block means the head
      // has left it, and the CAS below fails.
      block* const b = head_block_.load(detail::order::relaxed);
      std::uint64_t next_head = head + one;
      if ((head & mark_bit) == 0) {  // the tail may be in this block: look at it
        // Ordering: acquire: pairs with push's release store: the messages below the tail are
        // written. In the parking protocol this is the re-check: the consumer's heavy fence
        // before it and the producer's light fence after the store order the two as seq_cst
        // fences would. A tail at or below the head is reported empty (as list_queue's).
        std::uint64_t tail = tail_index_.load(detail::order::acquire);
        if ((tail >> shift) <= (head >> shift)) {
          // Ordering: seq_cst: pairs with close()'s store, made after the last push ended: the
          // tail loaded again below is the last one. seq_cst for the parking protocol: a
          // re-check that misses the close precedes close()'s store in S, so the notify that
          // follows the close finds the parked consumer counted.
          if (!closed_.load(detail::order::seq_cst)) return status::empty;
          // Ordering: relaxed: the closed_ load above synchronised with close(), which had
          // acquired the last push's end (end_push), so that push's tail store happens before
          // this load: it reads that tail (coherence), and the messages below it are visible.
          tail = tail_index_.load(detail::order::relaxed);
          if ((tail >> shift) <= (head >> shift)) return status::disconnected;
        }
        if ((head >> shift) / Lap != (tail >> shift) / Lap) next_head |= mark_bit;
      }
      // Ordering: release (success): a consumer that acquires a head this claim marked skips
      // the tail load; through this release it reads the messages the tail load above
      // published. Relaxed (failure): the load below acquires. The block pointer is published
      // by enter_next's release (claims are RMWs: they continue its release sequence).
      if (head_index_.compare_exchange_weak(head, next_head, detail::order::release,
                                            detail::order::relaxed)) {
        if (offset + 1 == block_cap) [[unlikely]]
          enter_next(b, next_head);
        return take(b, head, sink);
      }
      // Ordering: acquire, as above.
      head = head_index_.load(detail::order::acquire);
    }
  }

  /// Whether close() was called (a snapshot).
  bool closed() const noexcept {
    // Ordering: relaxed: a snapshot for callers; nothing is read through it.
    return close_requested_.load(detail::order::relaxed);
  }

  /// Messages queued now (a snapshot).
  std::size_t size() const noexcept {
    for (;;) {
      // Ordering: relaxed (all three): a snapshot; the re-read of the tail makes it coherent.
      const std::uint64_t tail = tail_index_.load(detail::order::relaxed) >> shift;
      const std::uint64_t head = head_index_.load(detail::order::relaxed) >> shift;
      if ((tail_index_.load(detail::order::relaxed) >> shift) != tail) continue;
      return static_cast<std::size_t>(usable_before(tail) - usable_before(head));
    }
  }

 private:
  // Index words as list_queue's: position << shift | mark_bit. The mark is the head's only: the
  // next block is linked and every message of this one written. The tail's low bit stays 0.
  static constexpr std::uint64_t shift = 1;
  static constexpr std::uint64_t mark_bit = 1;
  static constexpr std::uint64_t one = std::uint64_t{1} << shift;
  static constexpr std::uint64_t block_cap = Lap - 1;

  struct slot {
    [[no_unique_address]] detail::race_probe probe;
    alignas(T) unsigned char storage[sizeof(T)];

    T* message() noexcept {
      // Safety: storage holds a T between push's placement new and take's destroy.
      return std::launder(reinterpret_cast<T*>(storage));
    }
  };

  struct block {
    detail::atomic<block*> next{nullptr};
    // The stamps of the laps whose message each slot's consumer has taken: apart from the
    // messages, so the producer's check reads 1023 stamps in a few lines.
    detail::atomic<std::uint32_t> read[block_cap];
    slot slots[block_cap];
    std::uint64_t lap = 0;  // the producer's: which lap of positions this block holds now
  };

  // A slot's stamps for the lap of index word `index`: the lap number plus one, so that a new
  // block's zeros match no lap. 32 bits: a stale stamp is from the same block's previous use,
  // a few laps back, never 2^32.
  static std::uint32_t stamp_of(std::uint64_t index) noexcept {
    return static_cast<std::uint32_t>((index >> shift) / Lap + 1);
  }

  // Messages in positions [0, pos): every lap has block_cap of them.
  static std::uint64_t usable_before(std::uint64_t pos) noexcept {
    const std::uint64_t offset = pos & (Lap - 1);
    return (pos / Lap) * block_cap + (offset < block_cap ? offset : block_cap);
  }

  // The block for lap `lap`: the oldest one if every slot of it is read, else a new one.
  block* take_free_block(std::uint64_t lap) {
    block* x = oldest_;
    // The tail block is never free: its last slot was just claimed.
    if (x != tail_block_ && all_read(x)) {
      // Ordering: relaxed: this producer (or an earlier owner, whose writes the ownership
      // hand-over acquired) stored it.
      oldest_ = x->next.load(detail::order::relaxed);
      // Ordering: relaxed: a consumer reads this block's `next` only in its new lap, after the
      // consumer that entered the block acquired the link to it (enter_next's acquire of the
      // previous block's `next`, stored with release after this store); so it reads this
      // store or a later one, never the previous lap's link.
      x->next.store(nullptr, detail::order::relaxed);
    } else {
      x = new block;
    }
    x->lap = lap;
    return x;
  }

  static bool all_read(block* x) noexcept {
    const std::uint32_t stamp = static_cast<std::uint32_t>(x->lap + 1);
    for (std::uint64_t i = 0; i < block_cap; ++i) {
      // Ordering: acquire: pairs with take()'s release store: that consumer's read (and its
      // destroy of the message) happens before this producer writes the slot again.
      if (x->read[i].load(detail::order::acquire) != stamp) return false;
    }
    for (slot& s : x->slots) s.probe.on_write();  // the reuse: after every read of the block
    return true;
  }

  // The consumer that claimed `b`'s last slot makes the next block the head block.
  FLUME_LOCK_COLD void enter_next(block* b, std::uint64_t claimed) {
    // Ordering: relaxed: the link is already visible. This consumer's claim of `b`'s last slot
    // rests on an acquire of a tail past `b` (push stores it after the link), its own or the
    // one of the consumer that marked the head it acquired (marks hand on their tail loads,
    // and enter_next's marks their hint's acquire of this very link). So the link store, and
    // the build (or reset) of the block before it, happen before this load: never null.
    block* const next = b->next.load(detail::order::relaxed);
    std::uint64_t index = (claimed & ~mark_bit) + one;  // skips the position with no slot
    // Ordering: acquire: pairs with push's release store of `next`'s own link, made after every
    // message of `next` was written; so a head marked here hands on what a tail past `next`
    // would publish.
    if (next->next.load(detail::order::acquire) != nullptr) index |= mark_bit;
    // Ordering: relaxed: as list_queue::enter_next: the release below publishes it.
    head_block_.store(next, detail::order::relaxed);
    // Ordering: release: a consumer that acquires the new index (or a later one) then sees
    // head_block_ = next, readable, and (if marked) its messages.
    head_index_.store(index, detail::order::release);
  }

  // Hands the claimed slot's message (written: it is below a tail this consumer acquired) to
  // `sink`, and stamps the slot read, even if sink throws (never delivered twice). The read
  // stamp is this consumer's last touch of the block: after it the producer may reuse it.
  template <class Sink>
  status take(block* b, std::uint64_t index, Sink& sink) {
    const std::uint64_t offset = (index >> shift) & (Lap - 1);
    const std::uint32_t stamp = stamp_of(index);
    // Safety: `b` is alive and still holds this lap: this consumer claimed a slot of it, and
    // the producer reuses a block only once every slot of its lap is stamped read (our stamp,
    // below, is our last touch of the block).
    slot& s = b->slots[offset];
    s.probe.on_read();
    struct read_guard {
      block* b;
      std::uint64_t offset;
      std::uint32_t stamp;
      ~read_guard() {
        b->slots[offset].message()->~T();
        // Ordering: release: pairs with all_read's acquire load.
        b->read[offset].store(stamp, detail::order::release);
      }
    } guard{b, offset, stamp};
    sink(std::move(*s.message()));
    return status::ok;
  }

  // Ends a push (published or refused) for close()'s wait.
  void end_push() noexcept {
    // Ordering: release: pairs with close()'s acquire wait: this push's tail store is done.
    pushing_.store(false, detail::order::release);
  }

  alignas(detail::cache_line) detail::atomic<std::uint64_t> head_index_{0};
  detail::atomic<block*> head_block_{nullptr};
  detail::atomic<bool> closed_{false};  // every push has ended after close()'s request
  alignas(detail::cache_line) detail::atomic<std::uint64_t> tail_index_{0};
  // The producer's line: close() reads these two once.
  alignas(detail::cache_line) detail::atomic<bool> pushing_{false};  // a push is under way
  detail::atomic<bool> close_requested_{false};
  // The producer's own: no other thread reads them.
  std::uint64_t tail_ = 0;  // tail_index_
  block* oldest_;           // the oldest block still linked: the next one to reuse
  block* tail_block_;       // the block of tail_
  // Model builds: an owner hand-over without its release/acquire pair is a DATA RACE here.
  [[no_unique_address]] detail::race_probe producer_probe_;
};

}  // namespace mpmc
}  // namespace flume_lock
