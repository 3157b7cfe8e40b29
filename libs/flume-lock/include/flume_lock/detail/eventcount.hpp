// An eventcount: lets a consumer sleep on "the queue is empty" (or producers on "full") without
// the other side paying more than a load when nobody sleeps.
//
// Protocol (the waiting side):                 (the notifying side)
//   announce: prepare_wait() / prepare_async()   publish the change with a seq_cst operation
//   re-check the condition with seq_cst loads    notify(): seq_cst loads of state_ and async_
//   still unmet: wait(key) / return to executor
// The announcement (a seq_cst RMW or store), the re-check, the publication and notify()'s loads
// all sit in the single total order S: either the re-check sees the change, or notify()'s load
// comes after the announcement and sees it. No lost wakeup.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/futex.hpp>
#include <flume_lock/waiter.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>

namespace flume_lock::detail {

class eventcount {
 public:
  using deadline = std::chrono::steady_clock::time_point;

  // ---- threads ------------------------------------------------------------------------------

  /// Announces a parked thread; the caller re-checks its condition, then calls wait(key).
  std::uint32_t prepare_wait() noexcept {
    return state_.fetch_or(parked_bit, order::seq_cst) | parked_bit;
  }

  /// Blocks until a notify() after prepare_wait() (or spuriously). False when `until` passed.
  bool wait(std::uint32_t key, const deadline* until) noexcept {
#if FLUME_LOCK_MODEL
    (void)until;
    mutex_.lock(site());
    // Ordering: relaxed: the mutex orders this check against wake_threads' notify_all.
    if (state_.load(order::relaxed) == key) condition_.wait(mutex_, site());
    mutex_.unlock(site());
    return true;
#else
    return futex_wait_until(futex_word(state_), key, until);
#endif
  }

  // ---- the async waiter (single consumer) -----------------------------------------------------

  /// Registers `w`; the caller re-checks its condition afterwards (see waiter.hpp).
  void prepare_async(waiter& w) noexcept {
    w.probe_.on_write();
    // Ordering: relaxed: published by the store of async_ just below (release part).
    w.released_.store(0, order::relaxed);
    // Ordering: seq_cst: release publishes the node's fields to wake_async's acquire exchange;
    // seq_cst makes it the announcement of the protocol (pairs with notify()'s async_ load).
    async_.store(&w, order::seq_cst);
  }

  /// Withdraws `w`: returns once no notifier can touch it.
  void cancel_async(waiter& w) noexcept {
    // Ordering: relaxed: if we get our own node back nobody else saw it; if not, released_
    // below carries the synchronisation.
    if (async_.exchange(nullptr, order::relaxed) == &w) return;
    // A notifier took the node: wait for it to copy wake/ctx out (a few instructions).
    // Ordering: acquire pairs with wake_async's release store of released_.
    while (w.released_.load(order::acquire) == 0) spin_pause();
  }

  // ---- the notifying side ---------------------------------------------------------------------

  /// Wakes whoever announced a wait. Costs two loads of one cache line when nobody waits.
  FLUME_LOCK_HOT void notify() noexcept {
    if (state_.load(order::seq_cst) & parked_bit) [[unlikely]]
      wake_threads();
    if (async_.load(order::seq_cst) != nullptr) [[unlikely]]
      wake_async();
  }

 private:
  static constexpr std::uint32_t parked_bit = 1;

  // Out of line but not marked cold: GCC then treats every path that may call it (every send)
  // as cold and moves the send's fast path out of the function's body.
  [[gnu::noinline]] void wake_threads() noexcept {
    // Ordering: relaxed: only the value matters (the futex compares it); a woken thread
    // re-checks with seq_cst loads, ordered after our publication in S.
    std::uint32_t s = state_.load(order::relaxed);
    do {
      if ((s & parked_bit) == 0) return;  // another notifier got here first
      // Ordering: relaxed, as above: clear the bit and advance the epoch (bits 1..31).
    } while (
        !state_.compare_exchange_weak(s, (s | parked_bit) + 1, order::relaxed, order::relaxed));
#if FLUME_LOCK_MODEL
    mutex_.lock(site());
    condition_.notify_all(site());
    mutex_.unlock(site());
#else
    futex_wake_all(futex_word(state_));
#endif
  }

  [[gnu::noinline]] void wake_async() noexcept {
    // Ordering: acquire pairs with prepare_async's store: the node's fields are visible.
    waiter* w = async_.exchange(nullptr, order::acquire);
    if (w == nullptr) return;  // cancelled, or another notifier took it
    w->probe_.on_read();
    void (*wake)(void*) = w->wake;
    void* ctx = w->ctx;
    // Ordering: release pairs with cancel_async's acquire load: our reads of the node happen
    // before its owner frees it. After this store the node is not touched again.
    w->released_.store(1, order::release);
    wake(ctx);
  }

#if FLUME_LOCK_MODEL
  static rl::debug_info site(std::source_location w = std::source_location::current()) {
    return model_site(w);
  }
  rl::mutex mutex_;
  rl::condition_variable condition_;
#endif

  // Invariant: state_ = epoch << 1 | parked_bit; async_ is the registered waiter or null.
  atomic<std::uint32_t> state_{0};
  atomic<waiter*> async_{nullptr};
};

}  // namespace flume_lock::detail
