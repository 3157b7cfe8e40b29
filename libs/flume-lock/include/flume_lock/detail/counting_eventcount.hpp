// An eventcount for many parked threads that wakes one per notify: the MPMC queues' parking.
// eventcount.hpp wakes every parked thread on each notify, right for the one receiver of an MPSC
// channel; with several receivers (or several senders on a full ring) that is a thundering herd:
// one message wakes them all and all but one park again. Here each parked thread is counted and
// each notify_one() wakes at most one; notify_all() is for the close.
//
// Protocol (the waiting side):                  (the notifying side)
//   prepare_wait(): waiters_ += 1, read epoch_     publish the change with a seq_cst operation
//   re-check the condition with seq_cst loads      notify_one(): seq_cst load of waiters_;
//   met: cancel_wait(); unmet: wait(key)             if nonzero, epoch_ += 1 and wake one
// The count RMW, the epoch read, the re-check, the publication, the count load and the epoch RMW
// all sit in the single total order S: either the re-check sees the change, or the count load
// comes after the announcement, so the epoch moves after our read of it and the wait returns
// (or is woken: the kernel queue holds it, and one queued thread is woken per notify). Each
// message (or freed slot) thus wakes one parked thread unless a running thread can see it.
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/futex.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>

namespace flume_lock::detail {

class counting_eventcount {
 public:
  using deadline = std::chrono::steady_clock::time_point;

  /// Announces a parked thread; the caller re-checks its condition, then calls wait(key), or
  /// cancel_wait() if the condition holds after all.
  std::uint32_t prepare_wait() noexcept {
    waiters_.fetch_add(1, order::seq_cst);
    return epoch_.load(order::seq_cst);
  }

  /// Withdraws the announcement of prepare_wait() without waiting.
  void cancel_wait() noexcept {
    // Ordering: relaxed: the count only decides whether a notifier wakes anybody; a notifier
    // that still sees us wakes one thread too many (it re-checks and parks again).
    waiters_.fetch_sub(1, order::relaxed);
  }

  /// Blocks until a notify after prepare_wait() (or spuriously), then withdraws the
  /// announcement. False when `until` passed.
  bool wait(std::uint32_t key, const deadline* until) noexcept {
#if FLUME_LOCK_MODEL
    (void)until;
    mutex_.lock(site());
    // Ordering: relaxed: the mutex orders this check against the notifiers' notify calls.
    if (epoch_.load(order::relaxed) == key) condition_.wait(mutex_, site());
    mutex_.unlock(site());
    cancel_wait();
    return true;
#else
    timespec ts{};
    if (until != nullptr) {
      auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(until->time_since_epoch()).count();
      if (ns < 0) ns = 0;
      ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    const bool woken = futex_wait(word(), key, until != nullptr ? &ts : nullptr);
    cancel_wait();
    return woken;
#endif
  }

  /// Wakes one parked thread, if any. Costs one load when nobody is parked.
  FLUME_LOCK_HOT void notify_one() noexcept {
    if (waiters_.load(order::seq_cst) != 0) [[unlikely]]
      wake(false);
  }

  /// Wakes every parked thread (the close).
  void notify_all() noexcept {
    if (waiters_.load(order::seq_cst) != 0) wake(true);
  }

 private:
  // Out of line but not marked cold, as eventcount::wake_threads (the fast path stays inline).
  [[gnu::noinline]] void wake(bool all) noexcept {
    // Ordering: seq_cst: after the count load in S, so after the announcement of every thread
    // the load counted: their epoch reads see the old value and their waits return.
    epoch_.fetch_add(1, order::seq_cst);
#if FLUME_LOCK_MODEL
    mutex_.lock(site());
    if (all) {
      condition_.notify_all(site());
    } else {
      condition_.notify_one(site());
    }
    mutex_.unlock(site());
#else
    if (all) {
      futex_wake_all(word());
    } else {
      futex_wake_one(word());
    }
#endif
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
    return reinterpret_cast<const std::uint32_t*>(&epoch_);
  }
#endif

  // Invariant: waiters_ counts threads between prepare_wait() and the end of their wait (or
  // cancel_wait()); epoch_ moves on every wake, so a wait keyed on an older epoch returns.
  atomic<std::uint32_t> waiters_{0};
  atomic<std::uint32_t> epoch_{0};
};

}  // namespace flume_lock::detail
