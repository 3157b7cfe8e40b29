// The unbounded MPMC queue: a linked list of blocks of `Lap - 1` slots (the shape of crossbeam's
// list flavour). Producers claim a slot with a CAS on the tail index, consumers with a CAS on
// the head index; whoever claims a block's last slot links (producer) or enters (consumer) the
// next block. A block is freed by the consumer that finishes the last read of it, found with
// per-slot read/destroy bits, so no consumer can touch a freed block. docs/flume-lock.md
// ("MPMC") proves each ordering.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/counting_eventcount.hpp>
#include <flume_lock/detail/send_waiters.hpp>
#include <flume_lock/status.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace flume_lock {
namespace detail {
#if FLUME_LOCK_MODEL
inline constexpr std::size_t mpmc_block_lap = 4;  // 3 slots: every model run crosses blocks
#else
inline constexpr std::size_t mpmc_block_lap = 1024;  // one allocation per 1023 messages
#endif
}  // namespace detail

namespace mpmc {

template <class T, std::size_t Lap = detail::mpmc_block_lap>
/// The unbounded MPMC queue behind mpmc::channel(): a linked list of blocks of `Lap - 1` slots.
/// Any number of threads may push and pop at once; a push never waits.
class list_queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "messages must be nothrow-move-constructible");
  static_assert(Lap >= 2 && (Lap & (Lap - 1)) == 0, "a lap must be a power of two");

 public:
  list_queue() {
    block* first = new block;
    // Ordering: relaxed (both): nothing is shared before the constructor returns.
    head_block_.store(first, detail::order::relaxed);
    tail_block_.store(first, detail::order::relaxed);
  }
  list_queue(const list_queue&) = delete;
  list_queue& operator=(const list_queue&) = delete;

  /// Destroys every message still queued and frees the blocks. No other thread may use the
  /// queue any more, so every claimed slot is written.
  ~list_queue() {
    // Ordering: relaxed (all loads here): single-threaded teardown.
    std::uint64_t head = head_index_.load(detail::order::relaxed) & ~mark_bit;
    const std::uint64_t tail = tail_index_.load(detail::order::relaxed) & ~mark_bit;
    block* b = head_block_.load(detail::order::relaxed);
    for (; head != tail; head += one) {
      const std::uint64_t offset = (head >> shift) & (Lap - 1);
      if (offset == block_cap) {
        block* next = b->next.load(detail::order::relaxed);
        delete b;
        b = next;
        continue;
      }
      b->slots[offset].message()->~T();
    }
    delete b;
  }

  // ---- producers (any thread) ------------------------------------------------------------

  /// Enqueues a message built from `value`. On `disconnected`, `value` is untouched.
  template <class U>
  status push(U&& value) {
    // Ordering: acquire: every value of a block's positions is in the release sequence of the
    // fetch_add that linked the block (the claims after it are RMWs), so this synchronises with
    // link(): the block is built, and the tail_block_ load below sees it or a later block.
    std::uint64_t tail = tail_index_.load(detail::order::acquire);
    block* spare = nullptr;  // the next block, built before claiming a block's last slot
    for (unsigned spins = 0;;) {
      if (tail & mark_bit) [[unlikely]] {
        delete spare;
        return status::disconnected;
      }
      const std::uint64_t offset = (tail >> shift) & (Lap - 1);
      if (offset == block_cap) [[unlikely]] {  // another producer is linking the next block
        detail::wait_a_moment(spins);
        // Ordering: acquire, as above.
        tail = tail_index_.load(detail::order::acquire);
        continue;
      }
      // Ordering: relaxed: the index's acquire (the load above or the failed CAS below) orders
      // it after link()'s store of this block. A later block means the tail has left this one,
      // and the CAS below fails. (It cannot read a block linked after our own claim: our CAS
      // happens before that link.) Loaded after the index checks, once per attempt, so that
      // it always belongs to the index just acquired.
      block* b = tail_block_.load(detail::order::relaxed);
      if (offset + 1 == block_cap && spare == nullptr) [[unlikely]]
        spare = new block;
      // Ordering: seq_cst: the claim is what a parked consumer's re-check reads (try_pop's
      // tail load); it precedes rx_event_.notify_one()'s load in S. Acquire on failure, as the
      // first load: the next attempt loads tail_block_ again.
      if (tail_index_.compare_exchange_weak(tail, tail + one, detail::order::seq_cst,
                                            detail::order::acquire)) {
        if (offset + 1 == block_cap) [[unlikely]] {
          link(b, spare);
        } else {
          delete spare;  // lost the last slot to another producer after building a spare
        }
        slot& s = b->slots[offset];
        ::new (static_cast<void*>(s.storage)) T(std::forward<U>(value));
        s.probe.on_write();
        // Ordering: release: publishes the message to the consumer's acquire wait. A fetch_or:
        // the block's destroyer may already have set destroy_bit.
        s.state.fetch_or(written_bit, detail::order::release);
        rx_event_.notify_one();
        rx_waiters_.notify_one();  // async receivers: one wake per message
        return status::ok;
      }
    }
  }

  /// Stops further pushes. Messages already claimed are still delivered. Idempotent.
  void close() noexcept {
    // Ordering: seq_cst: pairs with a parked consumer's re-check of the tail (try_pop) in the
    // eventcount protocol.
    tail_index_.fetch_or(mark_bit, detail::order::seq_cst);
    rx_event_.notify_all();
    rx_waiters_.notify_all();
  }

  // ---- consumers (any thread) ------------------------------------------------------------

  /// Takes the oldest message and hands it to `sink(T&&)`: `ok`, `empty`, or `disconnected`
  /// (closed and drained).
  template <class Sink>
  status try_pop(Sink&& sink) {
    // Ordering: acquire: pairs with the release store of the consumer that entered this
    // index's block (enter_next; the claims after it are RMWs in its release sequence):
    // head_block_ below then holds the block of this index, built.
    std::uint64_t head = head_index_.load(detail::order::acquire);
    for (unsigned spins = 0;;) {
      const std::uint64_t offset = (head >> shift) & (Lap - 1);
      if (offset == block_cap) [[unlikely]] {  // another consumer is entering the next block
        detail::wait_a_moment(spins);
        // Ordering: acquire, as above.
        head = head_index_.load(detail::order::acquire);
        continue;
      }
      // Ordering: relaxed: the index's acquire (the load above or the one after a failed CAS)
      // synchronises with the enter_next that made this index's block the head block (a
      // block's later indices are claims, RMWs in the release sequence of enter_next's store,
      // or acquired from one), so this load sees that block, readable, or a later one; a later
      // one means the head has left this block, and the CAS below fails. Loaded after the
      // index checks, once per attempt, so that it always belongs to the index just acquired.
      block* const b = head_block_.load(detail::order::relaxed);
      std::uint64_t next_head = head + one;
      if ((head & mark_bit) == 0) {  // the tail may be in this block: look at it
        // Ordering: seq_cst: the parked consumer's re-check; pairs with the producers' seq_cst
        // claim and close()'s seq_cst RMW, each before the notifier's load in S.
        // A tail below the head is possible: the C++ model lets this load read a tail older
        // than the one the consumer that moved the head saw (the CAS below does not release).
        // It is reported empty, which the parking protocol covers: the claims this load missed
        // come after it in S, so their notify finds this consumer registered.
        const std::uint64_t tail = tail_index_.load(detail::order::seq_cst);
        if ((tail >> shift) <= (head >> shift))
          return (tail & mark_bit) ? status::disconnected : status::empty;
        if ((head >> shift) / Lap != (tail >> shift) / Lap) next_head |= mark_bit;
      }
      // Ordering: relaxed: nothing this consumer wrote or read is for the next one. The block
      // pointer is published by enter_next's release (claims are RMWs: they continue its release
      // sequence), the message by the producer's release, and a stale tail is handled above.
      // On failure, the load below acquires.
      if (head_index_.compare_exchange_weak(head, next_head, detail::order::relaxed,
                                            detail::order::relaxed)) {
        if (offset + 1 == block_cap) [[unlikely]]
          enter_next(b, next_head);
        return take(b, offset, sink);
      }
      // Ordering: acquire, as above.
      head = head_index_.load(detail::order::acquire);
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
    return (tail_index_.load(detail::order::relaxed) & mark_bit) != 0;
  }

  /// Messages queued now (a snapshot: claimed slots count, written or not).
  std::size_t size() const noexcept {
    for (;;) {
      // Ordering: relaxed (all three): a snapshot; the re-read of the tail makes it coherent.
      const std::uint64_t tail = tail_index_.load(detail::order::relaxed) >> shift;
      const std::uint64_t head = head_index_.load(detail::order::relaxed) >> shift;
      if ((tail_index_.load(detail::order::relaxed) >> shift) != tail) continue;
      return static_cast<std::size_t>(usable_before(tail) - usable_before(head));
    }
  }

  /// The event blocking consumers park on; notified by pushes and the close.
  detail::counting_eventcount& rx_event() noexcept { return rx_event_; }

 private:
  // Index words: position << shift | mark_bit. On the tail the mark means closed; on the head,
  // that the next block is already linked (the tail is past this block: no need to look).
  static constexpr std::uint64_t shift = 1;
  static constexpr std::uint64_t mark_bit = 1;
  static constexpr std::uint64_t one = std::uint64_t{1} << shift;
  // Position Lap - 1 of each lap has no slot: an index there means "moving to the next block".
  static constexpr std::uint64_t block_cap = Lap - 1;
  // A slot's state bits.
  static constexpr std::uint32_t written_bit = 1;
  static constexpr std::uint32_t read_bit = 2;
  static constexpr std::uint32_t destroy_bit = 4;

  struct slot {
    detail::atomic<std::uint32_t> state{0};
    [[no_unique_address]] detail::race_probe probe;
    alignas(T) unsigned char storage[sizeof(T)];

    T* message() noexcept {
      // Safety: storage holds a T between push's placement new and take's destroy.
      return std::launder(reinterpret_cast<T*>(storage));
    }
  };

  struct block {
    detail::atomic<block*> next{nullptr};
    slot slots[block_cap];
  };

  // Messages in positions [0, pos): every lap has block_cap of them.
  static std::uint64_t usable_before(std::uint64_t pos) noexcept {
    const std::uint64_t offset = pos & (Lap - 1);
    return (pos / Lap) * block_cap + (offset < block_cap ? offset : block_cap);
  }

  // The producer that claimed `b`'s last slot makes `next` the tail block (the tail index is at
  // the position with no slot meanwhile).
  FLUME_LOCK_COLD void link(block* b, block* next) {
    // Ordering: relaxed: producers read tail_block_ only after acquiring an index of the new
    // block, which is in the release sequence of the fetch_add below: that release publishes
    // this store and the block's construction together.
    tail_block_.store(next, detail::order::relaxed);
    // Ordering: release: a producer that acquires the new index (or a later one) then sees
    // tail_block_ = next, built. An RMW, not a store: close() may have set the mark meanwhile.
    tail_index_.fetch_add(one, detail::order::release);
    // Ordering: release: pairs with wait_next's acquire load: the new block is built.
    b->next.store(next, detail::order::release);
  }

  // The consumer that claimed `b`'s last slot makes the next block the head block.
  FLUME_LOCK_COLD void enter_next(block* b, std::uint64_t claimed) {
    block* next = wait_next(b);
    std::uint64_t index = (claimed & ~mark_bit) + one;  // skips the position with no slot
    // Ordering: relaxed: a hint that the tail is past `next` too; wrong only in the safe
    // direction (no mark: try_pop looks at the tail).
    if (next->next.load(detail::order::relaxed) != nullptr) index |= mark_bit;
    // Ordering: relaxed: consumers read head_block_ only after acquiring an index of `next`,
    // which is this store's release below or in its release sequence: that release publishes
    // this store, and `next` readable (this thread acquired it in wait_next).
    head_block_.store(next, detail::order::relaxed);
    // Ordering: release: a consumer that acquires the new index (or a later one) then sees
    // head_block_ = next, readable.
    head_index_.store(index, detail::order::release);
  }

  static block* wait_next(block* b) noexcept {
    for (unsigned spins = 0;;) {
      // Ordering: acquire: pairs with link()'s release store: the block is built.
      block* next = b->next.load(detail::order::acquire);
      if (next != nullptr) return next;
      detail::wait_a_moment(spins);  // the producer that claimed the last slot is linking it
    }
  }

  // Waits for the claimed slot's message, hands it to `sink`, and frees the block if this was
  // its last unread slot, even if sink throws (never delivered twice).
  template <class Sink>
  status take(block* b, std::uint64_t offset, Sink& sink) {
    slot& s = b->slots[offset];
    // Ordering: acquire: pairs with push's release fetch_or: the message is visible.
    for (unsigned spins = 0; (s.state.load(detail::order::acquire) & written_bit) == 0;)
      detail::wait_a_moment(spins);  // the producer that claimed the slot is writing it
    s.probe.on_read();
    struct read_guard {
      block* b;
      std::uint64_t offset;
      ~read_guard() {
        b->slots[offset].message()->~T();
        if (offset + 1 == block_cap) {
          destroy(b, 0);  // the last slot: free the block once every earlier read is done
          return;
        }
        // Ordering: acq_rel: release orders our read before the block's free by whoever frees
        // it; acquire, if the destroyer got here first, orders its checks before ours.
        if (b->slots[offset].state.fetch_or(read_bit, detail::order::acq_rel) & destroy_bit)
          destroy(b, offset + 1);
      }
    } guard{b, offset};
    sink(std::move(*s.message()));
    return status::ok;
  }

  // Frees `b` unless a slot from `start` on is still being read: that slot's reader sees the
  // destroy bit when it finishes and continues from there.
  static void destroy(block* b, std::uint64_t start) noexcept {
    for (std::uint64_t i = start; i + 1 < block_cap; ++i) {
      slot& s = b->slots[i];
      // Ordering: acquire (load) and acq_rel (RMW): acquire pairs with the reader's release of
      // read_bit (its read happens before the free); release hands our checks to that reader
      // if it is still reading and will free the block instead.
      if ((s.state.load(detail::order::acquire) & read_bit) == 0 &&
          (s.state.fetch_or(destroy_bit, detail::order::acq_rel) & read_bit) == 0) {
        return;
      }
    }
    for (slot& s : b->slots) s.probe.on_write();  // the free: after every read of the block
    delete b;
  }

  alignas(detail::cache_line) detail::atomic<std::uint64_t> head_index_{0};
  detail::atomic<block*> head_block_{nullptr};
  alignas(detail::cache_line) detail::atomic<std::uint64_t> tail_index_{0};
  detail::atomic<block*> tail_block_{nullptr};
  detail::counting_eventcount rx_event_;
  detail::send_waiters rx_waiters_;  // the async receivers (poll_pop)
};

}  // namespace mpmc
}  // namespace flume_lock
