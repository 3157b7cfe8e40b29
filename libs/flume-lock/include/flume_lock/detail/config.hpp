// Build-wide constants of flume-lock.
#pragma once

#include <flume_lock/detail/atomic.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

// FLUME_LOCK_HOT: the fast paths (a slot in the current segment, nobody parked), inlined into
// the caller. FLUME_LOCK_COLD: the rare segment walks and boundary steps, out of line so the
// fast paths keep few registers. (The wake-ups are out of line too, but not cold: see
// eventcount.hpp.)
#define FLUME_LOCK_HOT [[gnu::always_inline]] inline
#define FLUME_LOCK_COLD [[gnu::cold, gnu::noinline]]

namespace flume_lock::detail {

#if FLUME_LOCK_MODEL
// Model builds keep natural alignment: Relacy tracks plain new/delete only, and tiny segments
// make every run cross segment boundaries.
inline constexpr std::size_t cache_line = alignof(void*);
inline constexpr std::size_t default_segment_slots = 2;
#else
// One cache line (x86-64, most AArch64); keeps the producers' counters away from the
// consumer's cursor.
inline constexpr std::size_t cache_line = 64;
// 1024 slots per segment: allocation and linking amortised over many messages.
inline constexpr std::size_t default_segment_slots = 1024;
#endif

/// How long a sender parked on a full bounded channel sleeps at most before it looks for space
/// again: the receiver wakes parked senders in batches, so space it freed without reaching a
/// batch is found within this time even if it stops receiving.
inline constexpr std::chrono::milliseconds tx_poll_interval{1};

/// Spinning before parking pays when the other side runs on another core (a hand-over takes
/// well under a microsecond, a futex wake-up many microseconds) and wastes the core when both
/// share one (the other side cannot run while we spin). adaptive_spin learns which case it is
/// in: the budget doubles after a spin that succeeded and halves after one that gave up.
/// It never calls sched_yield.
class adaptive_spin {
 public:
#if FLUME_LOCK_MODEL
  // No spinning in the model: a yield there would make Relacy show the parked side the newest
  // values, hiding exactly the store-buffering outcomes the eventcount must survive.
  template <class Done>
  bool spin_until(Done&&) {
    return false;
  }
#else
  static constexpr std::int32_t min_ns = 1'000;
  static constexpr std::int32_t max_ns = 50'000;

  /// Spins (pause instruction) until `done()` holds or the budget is spent; the clock is read
  /// every 16 pauses. Returns whether `done()` held.
  template <class Done>
  bool spin_until(Done&& done) {
    // Ordering: relaxed (budget_ns_ everywhere): a heuristic shared by the waiting threads;
    // any value in [min_ns, max_ns] is correct.
    const std::int32_t budget = budget_ns_.load(order::relaxed);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::nanoseconds(budget);
    for (unsigned i = 1;; ++i) {
      spin_pause();
      if (done()) {
        if (budget < max_ns)
          budget_ns_.store(budget * 2 < max_ns ? budget * 2 : max_ns, order::relaxed);
        return true;
      }
      if ((i & 15) == 0 && std::chrono::steady_clock::now() >= give_up) {
        if (budget > min_ns)
          budget_ns_.store(budget / 2 > min_ns ? budget / 2 : min_ns, order::relaxed);
        return false;
      }
    }
  }

 private:
  atomic<std::int32_t> budget_ns_{16'000};
#endif
};

}  // namespace flume_lock::detail
