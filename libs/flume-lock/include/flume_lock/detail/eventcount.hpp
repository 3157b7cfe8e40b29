// An eventcount: lets a consumer sleep on "the queue is empty" (or a producer on "full") without
// the other side paying more than one load when nobody sleeps.
//
// Protocol (the waiting side):       (the notifying side)
//   key = prepare_wait(kind)           publish the state change with a seq_cst operation
//   re-check the condition (seq_cst)   notify(): one seq_cst load of state_
//   if still unmet: wait(key)
// prepare_wait's seq_cst RMW and the notifier's seq_cst load sit in the single total order S
// together with the condition's seq_cst write and re-check: either the re-check sees the change,
// or the notifier's load comes after prepare_wait in S and sees the waiting bit. No lost wakeup.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

#include "flume_lock/detail/atomic.hpp"
#include "flume_lock/detail/futex.hpp"
#include "flume_lock/waiter.hpp"

namespace flume_lock::detail {

class eventcount {
 public:
  using deadline = std::chrono::steady_clock::time_point;
  enum waiter_kind : std::uint32_t { parked_thread = 1, async_waiter = 2 };

  /// Announces a waiter; the caller must re-check its condition before wait(). Returns the key.
  std::uint32_t prepare_wait(waiter_kind kind) noexcept {
    return state_.fetch_or(kind, order::seq_cst) | kind;
  }

  /// Blocks the calling thread until a notify after prepare_wait(parked_thread) (or spuriously).
  /// Returns false when `until` passed first.
  bool wait(std::uint32_t key, const deadline* until) noexcept {
#if FLUME_LOCK_MODEL
    (void)until;
    mutex_.lock(site());
    // Ordering: relaxed: the mutex orders this check against notify_slow's notify_all.
    if (state_.load(order::relaxed) == key) condition_.wait(mutex_, site());
    mutex_.unlock(site());
    return true;
#else
    timespec ts{};
    if (until != nullptr) {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(until->time_since_epoch()).count();
      if (ns < 0) ns = 0;
      ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    return futex_wait(word(), key, until != nullptr ? &ts : nullptr);
#endif
  }

  /// Registers `w` as the async waiter. Only the single consumer calls this.
  std::uint32_t prepare_async(waiter& w) noexcept {
    w.probe_.on_write();
    // Ordering: relaxed: published by the release store of async_ just below.
    w.released_.store(0, order::relaxed);
    // Ordering: release pairs with notify_slow's acquire exchange: whichever notifier takes
    // the node (possibly one whose CAS saw an earlier registration's bit) sees its fields.
    async_.store(&w, order::release);
    return prepare_wait(async_waiter);
  }

  /// Withdraws `w` (see waiter.hpp): returns once no notifier can touch it.
  void cancel_async(waiter& w) noexcept {
    // Ordering: relaxed: if we get our own node back nobody else saw it; if not, released_ below
    // carries the synchronisation.
    if (async_.exchange(nullptr, order::relaxed) == &w) return;
    // A notifier took the node: wait for it to copy wake/ctx out (a few instructions).
    // Ordering: acquire pairs with notify_slow's release store of released_.
    while (w.released_.load(order::acquire) == 0) spin_pause();
  }

  /// Wakes whoever prepared a wait. Costs one load when nobody waits.
  void notify() noexcept {
    if (state_.load(order::seq_cst) & (parked_thread | async_waiter)) notify_slow();
  }

 private:
  void notify_slow() noexcept {
    // Ordering: relaxed load, the CAS below re-validates.
    std::uint32_t s = state_.load(order::relaxed);
    std::uint32_t next = 0;
    do {
      if ((s & (parked_thread | async_waiter)) == 0) return;  // another notifier got here first
      next = (s | 3u) + 1u;  // clear both waiter bits, advance the epoch (bits 2..31)
      // Ordering: acquire pairs with prepare_wait's seq_cst RMW: the registration stored before
      // it happens-before the exchange below, so the exchange cannot miss it (lost wakeup).
    } while (!state_.compare_exchange_weak(s, next, order::acquire, order::relaxed));

    if (s & async_waiter) {
      // Ordering: acquire pairs with prepare_async's release store of the node we take.
      if (waiter* w = async_.exchange(nullptr, order::acquire)) {
        w->probe_.on_read();
        void (*wake)(void*) = w->wake;
        void* ctx = w->ctx;
        // Ordering: release pairs with cancel_async's acquire load: our reads of the node
        // happen before the owner frees it. After this store the node is not touched again.
        w->released_.store(1, order::release);
        wake(ctx);
      }
    }
    if (s & parked_thread) {
#if FLUME_LOCK_MODEL
      mutex_.lock(site());
      condition_.notify_all(site());
      mutex_.unlock(site());
#else
      futex_wake_all(word());
#endif
    }
  }

#if FLUME_LOCK_MODEL
  static rl::debug_info site(std::source_location w = std::source_location::current()) {
    return model_site(w);
  }
  rl::mutex mutex_;
  rl::condition_variable condition_;
#else
  const std::uint32_t* word() const noexcept {
    static_assert(sizeof(atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  atomic<std::uint32_t>::is_always_lock_free);
    // Safety: a lock-free std::atomic<uint32_t> has the size and representation of uint32_t;
    // the kernel only compares and queues on the address, it never writes it.
    return reinterpret_cast<const std::uint32_t*>(&state_);
  }
#endif

  // Invariant: state_ = epoch << 2 | async_waiter bit | parked_thread bit.
  atomic<std::uint32_t> state_{0};
  atomic<waiter*> async_{nullptr};
};

}  // namespace flume_lock::detail
