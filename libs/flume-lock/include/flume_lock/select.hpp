// Select: one thread waits on several receive and send operations (plus an optional deadline)
// and completes the first one that is ready. Exactly one operation completes per call; the other
// channels keep their messages, and the values of the send operations that did not complete
// stay with the caller.
//
//   auto [tx_a, rx_a] = flume_lock::channel<int>();
//   auto [tx_b, rx_b] = flume_lock::channel<std::string>();
//   int a = 0;
//   std::string b;
//   flume_lock::selector sel;
//   const std::size_t on_a = sel.recv(rx_a, a);
//   const std::size_t on_b = sel.recv(rx_b, b);
//   const flume_lock::selected r = sel.select();   // r.index: on_a or on_b
//   if (r.result == flume_lock::status::disconnected) sel.remove(r.index);
//
//   int job = 42;
//   const std::size_t on_send = sel.send(tx_jobs, job);  // a bounded (or rendezvous) sender
#pragma once

#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/eventcount.hpp>
#include <flume_lock/status.hpp>
#include <flume_lock/waiter.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace flume_lock {

/// What select can wait on: a receiver of `T` with the async hook (waiter.hpp). Besides the
/// waiter contract, select relies on two rules every such receiver keeps:
/// - `cancel_wait(w)` on a waiter that is not registered does nothing;
/// - after `cancel_wait(w)` returns, `w.released_` is 1 exactly when a notifier took `w` (its
///   `wake` call is then running or done), 0 when the registration was withdrawn unused;
///   or, for a receiver type that declares `static constexpr bool cancel_ends_wake = true`
///   (`mpmc::receiver`), no wake call on `w` is running once cancel_wait returns.
/// `receiver<T>` and `mpmc::receiver<T>` model it.
template <class R, class T>
concept selectable_receiver = requires(R& rx, T& out, waiter& w) {
  { rx.try_recv(out) } -> std::same_as<status>;
  { rx.poll_recv(out, w) } -> std::same_as<status>;
  { rx.cancel_wait(w) }
  noexcept;
};

/// What a select send arm can wait on: a sender of `T` with the async send hook. Besides the
/// waiter contract of poll_send, select relies on `cancel_send(w)` doing nothing for a waiter
/// that is not queued, and on no wake call on `w` running once it returns (a wake runs under
/// the list's lock: detail/send_waiters.hpp). `sender<T>` models it.
template <class S, class T>
concept selectable_sender = requires(const S& tx, T& value, waiter& w) {
  { tx.try_send(std::move(value)) } -> std::same_as<status>;
  { tx.poll_send(std::move(value), w) } -> std::same_as<status>;
  { tx.cancel_send(w) }
  noexcept;
};

/// "No operation": what recv() returns when the selector is full, and selected::index when
/// nothing completed.
inline constexpr std::size_t select_none = static_cast<std::size_t>(-1);

/// The outcome of a select: which operation completed and how.
struct selected {
  std::size_t index;  ///< the operation (as numbered by recv()), or select_none
  /// `ok`: the message is in that operation's output (a send: the value was moved into the
  /// channel). `disconnected`: that channel is closed (a receive: and drained; nothing was taken;
  /// a send: the value is untouched). With index == select_none: `empty` (try_select: nothing
  /// ready), `timeout` (the deadline passed), `disconnected` (no operations to wait on).
  status result;
};

namespace detail {

// The selecting thread's parking spot: every waiter a selector registers wakes this. Its
// eventcount holds the futex word (and the model's condition variable); `finished_` counts the
// wake calls that have let go of the parker, so the selector can outlive every one of them.
class select_parker {
 public:
  /// The wake function of a waiter whose wake call runs under a waiter list's lock (a send arm,
  /// an MPMC receive arm): cancelling takes that lock, so the selector needs no count of these.
  static void wake_uncounted(void* ctx) {
    // Safety: ctx is the parker of a selector that withdraws every waiter before it returns
    // from a select; for these that waits for a wake call running under the list's lock.
    auto* self = static_cast<select_parker*>(ctx);
    self->event_.notify();
    self->probe_.on_read();
  }

  /// The receive arms' wake function; `ctx` is the parker.
  static void wake(void* ctx) {
    // Safety: ctx is the parker of a selector that, before it returns from a select, waits
    // for every wake call a notifier has taken (basic_selector::withdraw_all).
    auto* self = static_cast<select_parker*>(ctx);
    self->event_.notify();
    self->probe_.on_read();
    // Ordering: release pairs with wait_for_wakes' acquire load: this call's uses of the parker
    // happen before the selecting thread moves on (and may destroy it). Last touch of *self.
    self->finished_.fetch_add(1, order::release);
  }

  /// Announces the park; call before registering any waiter (see eventcount.hpp).
  std::uint32_t prepare() noexcept { return event_.prepare_wait(); }

  /// Sleeps until a wake after prepare() (or spuriously). False when `until` passed first.
  bool park(std::uint32_t key, const eventcount::deadline* until) noexcept {
#if FLUME_LOCK_MODEL
    // The model has no clock: a deadline counts as passed by the time the thread would park,
    // so the model explores a timeout at every point of a racing send.
    if (until != nullptr) return false;
#endif
    return event_.wait(key, until);
  }

  /// Returns once `taken` wake calls have finished with the parker, and rearms the count.
  void wait_for_wakes(std::uint32_t taken) noexcept {
    if (taken == 0) return;
    // Ordering: acquire pairs with wake's release fetch_add.
    while (finished_.load(order::acquire) < taken) spin_pause();
    // Ordering: relaxed: no wake call is left that could touch the count.
    finished_.store(0, order::relaxed);
  }

  // The destruction must come after every wake call's last use (see wake).
  ~select_parker() {
    probe_.on_write();
  }

 private:
  eventcount event_;
  atomic<std::uint32_t> finished_{0};
  [[no_unique_address]] race_probe probe_;
};

}  // namespace detail

/// Waits on up to `MaxOps` receive and send operations at once; holds them inline (no allocation).
/// Build it once and select as often as wanted: each call completes at most one operation.
/// One thread uses a selector at a time, and while it selects, no other thread uses those
/// receivers. Receivers and outputs must outlive the selector's use of them.
///
/// Fairness: each call starts scanning just after the operation the previous call completed,
/// so a channel that is always ready cannot starve the others.
template <std::size_t MaxOps = 16>
class basic_selector {
 public:
  basic_selector() = default;
  basic_selector(const basic_selector&) = delete;
  basic_selector& operator=(const basic_selector&) = delete;

  /// Adds "receive from `rx` into `out`"; returns its index (0, 1, ... in order of adding), or
  /// select_none when the selector already holds MaxOps operations.
  template <class R, class T>
  std::size_t recv(R& rx, T& out) noexcept {
    static_assert(selectable_receiver<R, T>, "select needs try_recv, poll_recv and cancel_wait");
    // Safety: the thunks are only ever called with this op's own rx and out, stored by add()
    // as R* and T*.
    constexpr bool uncounted = requires {
      requires R::cancel_ends_wake;
    };
    return add(
        &rx, &out,
        uncounted ? &detail::select_parker::wake_uncounted : &detail::select_parker::wake,
        [](void* r, void* v) { return static_cast<R*>(r)->try_recv(*static_cast<T*>(v)); },
        [](void* r, void* v, waiter& w) {
          return static_cast<R*>(r)->poll_recv(*static_cast<T*>(v), w);
        },
        [](void* r, waiter& w) noexcept { static_cast<R*>(r)->cancel_wait(w); });
  }

  /// Adds "send `value` on `tx`": ready when the channel has room (a rendezvous channel: when
  /// its receiver waits) or is closed. On `ok` the value was moved into the channel; otherwise
  /// (another operation completed, timeout, disconnected) it is left untouched. Returns its
  /// index as recv() does. An unbounded channel's send is always ready.
  template <class S, class T>
  std::size_t send(const S& tx, T& value) noexcept {
    static_assert(selectable_sender<S, T>, "select needs try_send, poll_send and cancel_send");
    // Safety: as in recv(): the thunks get this op's own tx and value, stored as S* and T*.
    return add(
        const_cast<S*>(&tx), &value, &detail::select_parker::wake_uncounted,
        [](void* c, void* v) {
          return not_ready_if_full(
              static_cast<const S*>(c)->try_send(std::move(*static_cast<T*>(v))));
        },
        [](void* c, void* v, waiter& w) {
          return not_ready_if_full(
              static_cast<const S*>(c)->poll_send(std::move(*static_cast<T*>(v)), w));
        },
        [](void* c, waiter& w) noexcept { static_cast<const S*>(c)->cancel_send(w); });
  }

  /// Takes operation `index` out of later selects (e.g. once its channel reported
  /// `disconnected`). Indices of the others do not change. False for an unknown index.
  bool remove(std::size_t index) noexcept {
    // count_ <= MaxOps always; the second bound is for GCC 12, whose -Warray-bounds cannot
    // see that and rejects a constant index past MaxOps at -O2.
    if (index >= count_ || index >= MaxOps || !ops_[index].active) return false;
    ops_[index].active = false;
    --active_;
    return true;
  }

  /// Operations added (removed ones included: indices stay stable).
  std::size_t size() const noexcept { return count_; }

  /// Completes an operation that is ready now, or returns {select_none, empty}.
  selected try_select() {
    const selected r = try_each();
    if (r.index != select_none || active_ != 0) return r;
    return {select_none, status::disconnected};
  }

  /// Waits until an operation completes. {select_none, disconnected} if there is none to wait on.
  selected select() { return select_impl(nullptr); }

  /// As select(), giving up with {select_none, timeout} at `until` (a steady_clock time point).
  template <class Duration>
  selected select_until(std::chrono::time_point<std::chrono::steady_clock, Duration> until) {
    const detail::eventcount::deadline at =
        std::chrono::time_point_cast<detail::eventcount::deadline::duration>(until);
    return select_impl(&at);
  }

  /// As select(), giving up with {select_none, timeout} after `wait`.
  template <class Rep, class Period>
  selected select_for(std::chrono::duration<Rep, Period> wait) {
    return select_until(std::chrono::steady_clock::now() + wait);
  }

 private:
  // Type-erased receive or send operation with its own waiter (the waiter is what a channel
  // holds while the selecting thread sleeps). `value` is the receive's output or the send's value.
  struct op {
    void* channel = nullptr;
    void* value = nullptr;
    status (*attempt)(void* channel, void* value) = nullptr;
    status (*poll)(void* channel, void* value, waiter& w) = nullptr;
    void (*cancel)(void* channel, waiter& w) noexcept = nullptr;
    waiter w;
    bool active = false;
  };

  // A send reports "no room" as `full`; the scan's "not ready" is `empty`.
  static status not_ready_if_full(status s) noexcept {
    return s == status::full ? status::empty : s;
  }

  std::size_t add(void* channel, void* value, void (*wake)(void*), status (*attempt)(void*, void*),
                  status (*poll)(void*, void*, waiter&),
                  void (*cancel)(void*, waiter&) noexcept) noexcept {
    if (count_ == MaxOps) return select_none;
    op& o = ops_[count_];
    o.channel = channel;
    o.value = value;
    o.attempt = attempt;
    o.poll = poll;
    o.cancel = cancel;
    o.w.wake = wake;
    o.w.ctx = &parker_;
    o.active = true;
    ++active_;
    return count_++;
  }

  // Calls `attempt(op&)` on each active operation once, starting after the last completed one,
  // until one returns other than `empty`; that one becomes the result.
  template <class Attempt>
  selected scan(Attempt&& attempt) {
    std::size_t i = next_;
    for (std::size_t k = 0; k < count_; ++k, ++i) {
      if (i >= count_) i = 0;
      op& o = ops_[i];
      if (!o.active) continue;
      const status s = attempt(o);
      if (s != status::empty) {
        next_ = i + 1;
        return {i, s};
      }
    }
    return {select_none, status::empty};
  }

  selected try_each() {
    return scan([](op& o) { return o.attempt(o.channel, o.value); });
  }

  // Fast path: every channel is tried once before any waiter is registered. Then a short spin,
  // then rounds of: announce the park, register a waiter on every channel (each registration
  // re-checks its channel), sleep until one fires, withdraw all of them, try again.
  [[gnu::noinline]] selected select_impl(const detail::eventcount::deadline* until) {
    selected r = try_each();
    if (r.index != select_none) return r;
    if (active_ == 0) {
      if (until == nullptr) return {select_none, status::disconnected};
      r = {select_none, status::empty};  // nothing to register: sleep out the deadline
    }
    if (spin_.spin_until([&] { return (r = try_each()).index != select_none; })) return r;
    for (;;) {
      const std::uint32_t key = parker_.prepare();
      r = scan([](op& o) { return o.poll(o.channel, o.value, o.w); });
      const bool timed_out = r.index == select_none && !parker_.park(key, until);
      withdraw_all();
      if (r.index != select_none) return r;
      r = try_each();
      if (r.index != select_none) return r;
      if (timed_out) return {select_none, status::timeout};
    }
  }

  // Cancels every registration, then waits for the wake calls that notifiers had already
  // taken: afterwards nothing outside this thread refers to the selector.
  void withdraw_all() noexcept {
    std::uint32_t taken = 0;
    for (std::size_t i = 0; i < count_; ++i) {
      op& o = ops_[i];
      if (o.active) o.cancel(o.channel, o.w);
      // Ordering: relaxed: cancel_wait has just read released_ (acquire) when a notifier took
      // the node, or it is this thread's own 0 (always for a send arm: its wakes are not
      // counted, they run under the lock cancel_send takes). Reset so the next round counts
      // afresh.
      if (o.w.released_.load(detail::order::relaxed) != 0) {
        ++taken;
        o.w.released_.store(0, detail::order::relaxed);
      }
    }
    parker_.wait_for_wakes(taken);
  }

  // Declared first, destroyed last: outlives every op's waiter.
  detail::select_parker parker_;
  op ops_[MaxOps];
  std::size_t count_ = 0;
  std::size_t active_ = 0;
  std::size_t next_ = 0;  // where the next scan starts
  detail::adaptive_spin spin_;
};

/// A selector for up to 16 operations.
using selector = basic_selector<>;

}  // namespace flume_lock
