// An eventcount for many parked threads that wakes one per notify: the MPMC queues' parking.
// eventcount.hpp wakes every parked thread on each notify, right for the one receiver of an MPSC
// channel; with several receivers (or several senders on a full ring) that is a thundering herd:
// one message wakes them all and all but one park again. Here parked threads are counted, and so
// are the wakes sent and not yet used: notify_one() makes a wake (a syscall) only while parked
// threads outnumber wakes on their way; notify_all() is for the close.
//
// Protocol (the waiting side):                  (the notifying side)
//   prepare_wait(): read epoch_, then waiters+1    publish the change with a seq_cst operation
//   re-check the condition with seq_cst loads      notify_one(): seq_cst load of state_; while
//   met: cancel_wait(); unmet: wait(key)             waiters > wakes: wakes+1, epoch_+1, wake one
//   either way, on leaving: waiters-1 and, if any, wakes-1 (one RMW), then the caller re-checks
// The count, the re-checks, the publication and the notifier's state load are seq_cst and sit
// in the single total order S (each weaker order says in place why it is enough). Either the
// re-check sees the change, or the notifier's state load comes after our count and finds us.
// Then it makes a wake: the epoch moves after our read of it (we read it before counting
// ourselves), so our wait returns or the kernel wakes one queued thread. Or it finds as many
// wakes on their way as parked threads: none of them stays parked, and each that goes round
// its loop again counts itself after that load, so it re-checks after the change. Either way
// no thread sleeps on while the change goes unseen.
// A queue whose publication is a plain store followed by a light fence (asymmetric_fence.hpp;
// the sharded MPMC queue) builds its eventcount with heavy_fence_after_count: prepare_wait()
// then passes the heavy fence between the count and the caller's re-check, which gives the
// same either-or as the seq_cst operations above.
#pragma once

#include <flume_lock/detail/asymmetric_fence.hpp>
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

  /// For queues that publish with a light fence (see the file comment).
  struct heavy_fence_after_count_t {};
  static constexpr heavy_fence_after_count_t heavy_fence_after_count{};

  counting_eventcount() = default;
  explicit counting_eventcount(heavy_fence_after_count_t) noexcept : heavy_fence_(true) {}

  /// Announces a parked thread; the caller re-checks its condition, then calls wait(key), or
  /// cancel_wait() if the condition holds after all.
  std::uint32_t prepare_wait() noexcept {
    // The epoch first: a notifier that counts us moves it after this read.
    // Ordering: relaxed: "after" needs no order of its own. A notifier counts us only by an
    // RMW on state_ that reads our seq_cst fetch_add (or a later RMW: all of state_'s writes
    // are RMWs, so they continue its release sequence); that read synchronises with it, so
    // this load happens before the notifier's epoch fetch_add, and coherence keeps it from
    // reading that bump or any later one.
    const std::uint32_t key = epoch_.load(order::relaxed);
    state_.fetch_add(one_waiter, order::seq_cst);
    if (heavy_fence_) heavy_fence();
    return key;
  }

  /// Withdraws the announcement of prepare_wait() (and uses up a wake on its way, if any: the
  /// caller's next look at the condition comes after it).
  void cancel_wait() noexcept {
    // Ordering: relaxed, all of it. The load and the CAS's failure only guess the value the
    // CAS expects. The CAS itself needs no order either. The notifiers that counted on us read
    // a state that counts us, so this CAS comes after their loads in state_'s order. If our
    // caller's re-check then misses a change, it goes round its loop: its next prepare_wait()
    // is a seq_cst RMW after those loads in state_'s order, so it follows them in S, and its
    // re-check sees every such change. A caller that gives up at its deadline instead returns
    // before that change in S (its re-check missed it), and loses nothing.
    std::uint32_t s = state_.load(order::relaxed);
    while (!state_.compare_exchange_weak(s, s - one_waiter - ((s >> wake_shift) ? one_wake : 0),
                                         order::relaxed, order::relaxed)) {
    }
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
    const bool woken = futex_wait_until(futex_word(epoch_), key, until);
    cancel_wait();
    return woken;
#endif
  }

  /// Wakes one parked thread unless enough wakes are on their way. One load when nobody parks.
  FLUME_LOCK_HOT void notify_one() noexcept {
    if (state_.load(order::seq_cst) != 0) [[unlikely]]
      wake_one();
  }

  /// Wakes every parked thread (the close).
  void notify_all() noexcept {
    if (state_.load(order::seq_cst) == 0) return;
    // Ordering: relaxed: as wake_one's bump. The load above read the counts of the threads it
    // wakes (state_'s writes are all RMWs, one release sequence), so their epoch reads happen
    // before this bump and cannot read it. A thread counted later re-checks after the change.
    epoch_.fetch_add(1, order::relaxed);
#if FLUME_LOCK_MODEL
    mutex_.lock(site());
    condition_.notify_all(site());
    mutex_.unlock(site());
#else
    futex_wake_all(futex_word(epoch_));
#endif
  }

 private:
  static constexpr std::uint32_t one_waiter = 1;
  static constexpr unsigned wake_shift = 16;
  static constexpr std::uint32_t one_wake = std::uint32_t{1} << wake_shift;

  // Out of line but not marked cold, as eventcount::wake_threads (the fast path stays inline).
  [[gnu::noinline]] void wake_one() noexcept {
    // Ordering: relaxed (this load and the CAS's failure): notify_one's seq_cst load came
    // first, and coherence keeps these at the value it read or a later one. The protocol needs
    // S only there: a thread that counts itself after that value comes after that load in S,
    // so it re-checks after the change; a later value only shows more such threads.
    std::uint32_t s = state_.load(order::relaxed);
    do {
      if ((s & (one_wake - 1)) <= (s >> wake_shift)) return;  // a wake per parked thread already
      // Ordering: acquire on success: it reads the counts of the threads it wakes (an RMW of
      // state_'s one release sequence), so their epoch reads happen before the bump below. No
      // release: a thread that uses this wake and misses our caller's change counts itself
      // again, after our caller's seq_cst load in S (cancel_wait says why).
    } while (!state_.compare_exchange_weak(s, s + one_wake, order::acquire, order::relaxed));
    // Ordering: relaxed: the CAS read the counts this wake is for (an RMW of state_'s one
    // release sequence), so the epoch read of every thread it counts happens before this bump,
    // and coherence keeps that read from returning it: the thread's wait returns.
    epoch_.fetch_add(1, order::relaxed);
#if FLUME_LOCK_MODEL
    mutex_.lock(site());
    condition_.notify_one(site());
    mutex_.unlock(site());
#else
    futex_wake_one(futex_word(epoch_));
#endif
  }

#if FLUME_LOCK_MODEL
  static rl::debug_info site(std::source_location w = std::source_location::current()) {
    return model_site(w);
  }
  rl::mutex mutex_;
  rl::condition_variable condition_;
#endif

  // Invariant: state_ = wakes << wake_shift | waiters, wakes <= waiters < 2^16. waiters counts
  // threads between prepare_wait() and the end of their wait (or cancel_wait()); wakes counts
  // wakes made and not yet used by a leaving thread. epoch_ moves on every wake, so a wait keyed
  // on an older epoch returns.
  atomic<std::uint32_t> state_{0};
  atomic<std::uint32_t> epoch_{0};
  bool heavy_fence_ = false;  // set once, before the eventcount is shared
};

}  // namespace flume_lock::detail
