// The channel API: copyable senders and one move-only receiver over an unbounded, bounded or
// rendezvous (zero-capacity) lock-free queue, with blocking, timed and async receive.
//
//   auto [tx, rx] = flume_lock::channel<std::string>();
//   std::thread producer([tx = tx] { tx.send("hello"); });   // copy a sender per thread
//   std::string msg;
//   while (rx.recv(msg) == flume_lock::status::ok) use(msg);  // ends when every sender is gone
#pragma once

#include <flume_lock/bounded_queue.hpp>
#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/eventcount.hpp>
#include <flume_lock/detail/handle_counts.hpp>
#include <flume_lock/status.hpp>
#include <flume_lock/unbounded_queue.hpp>
#include <flume_lock/waiter.hpp>
#include <flume_lock/zero_queue.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace flume_lock {

template <class T>
class sender;
template <class T>
class receiver;

namespace detail {

using deadline = eventcount::deadline;

// The blocking loop of a bounded send and of recv, entered after a first `attempt()` returned
// `blocked` (the callers make that one themselves: it is their fast path). Repeats `attempt()`
// until it returns anything else, spinning briefly and then parking on `event`. The attempt made
// after prepare_wait is the re-check: what lands between the previous attempt and the park has
// woken `event` by then, so the park returns at once. `poll` (nullptr: none) caps each park at
// that long from its start, so a party that wakes waiters in batches cannot strand one;
// `timeout` only when `until` (nullptr: never) passed with `attempt()` still blocked.
template <class Event, class Attempt>
status block_on(Event& event, adaptive_spin& spin, status blocked, const deadline* until,
                const std::chrono::milliseconds* poll, Attempt&& attempt) {
  status s = blocked;
  for (;;) {
    if (spin.spin_until([&] { return (s = attempt()) != blocked; })) return s;
    const std::uint32_t key = event.prepare_wait();
    s = attempt();  // re-check
    if (s != blocked) {
      // A counting_eventcount counts its parked threads: withdraw ours.
      if constexpr (requires { event.cancel_wait(); }) event.cancel_wait();
      return s;
    }
    const deadline* park_until = until;
    deadline poll_at;
    if (poll != nullptr) {
      poll_at = std::chrono::steady_clock::now() + *poll;
      if (until == nullptr || poll_at < *until) park_until = &poll_at;
    }
#if FLUME_LOCK_MODEL
    // The model has no clock (as select's parker): a deadline counts as passed by the time the
    // thread would park, so the model explores a timeout at every point of a race.
    if (until != nullptr && park_until == until) {
      if constexpr (requires { event.cancel_wait(); }) event.cancel_wait();
      s = attempt();
      return s != blocked ? s : status::timeout;
    }
#endif
    const bool woken = event.wait(key, park_until);
    s = attempt();
    if (s != blocked) return s;
    if (!woken && park_until == until) return status::timeout;
  }
}

// The shared state of an MPSC channel: its queue and the handle counts (handle_counts.hpp).
template <class T>
class channel_state : public handle_counts<channel_state<T>> {
 public:
  struct unbounded_tag {};
  explicit channel_state(unbounded_tag) : queue_(std::in_place_index<0>) {}
  explicit channel_state(std::size_t capacity) : queue_(std::in_place_index<1>, capacity) {}
  struct zero_tag {};
  explicit channel_state(zero_tag) : queue_(std::in_place_index<2>) {}

  // Calls f(queue&) on whichever flavour this channel has. Always inlined, so each caller's
  // fast path (the queue's own try_push / try_consume are always inlined too) has no call;
  // the rendezvous branch is marked unlikely to keep it out of the way.
  template <class F>
  FLUME_LOCK_HOT decltype(auto) with_queue(F&& f) {
    if (auto* unbounded = std::get_if<0>(&queue_)) return f(*unbounded);
    if (auto* zero = std::get_if<2>(&queue_)) [[unlikely]]
      return f(*zero);
    auto* bounded = std::get_if<1>(&queue_);
    // Invariant: the variant holds one of the three (a state whose queue failed to build was
    // never made); saying so keeps GCC's -O2 flow analysis from warning about a null dereference.
    if (bounded == nullptr) __builtin_unreachable();
    return f(*bounded);
  }

  eventcount& rx_event() {
    return with_queue([](auto& q) -> eventcount& { return q.rx_event(); });
  }

  void close() noexcept {
    with_queue([](auto& q) { q.close(); });
  }
  // The MPSC receiver is move-only: its release only keeps receiver_count() honest (the close
  // on its destruction is the receiver's own).
  void release_receiver() noexcept { (void)this->release_receiver_count(); }
  adaptive_spin& sender_spin() noexcept { return sender_spin_; }

 private:
  std::variant<unbounded_queue<T>, bounded_queue<T>, zero_queue<T>> queue_;
  adaptive_spin sender_spin_;  // shared by the senders parked on a full bounded channel
};

template <class Queue, class T>
inline constexpr bool is_zero_queue = std::is_same_v<Queue, zero_queue<T>>;

// What capacity() reports for a queue: none for unbounded.
template <class Queue>
std::optional<std::size_t> capacity_of(const Queue& q) {
  if constexpr (requires { q.capacity(); }) {
    return q.capacity();
  } else {
    return std::nullopt;
  }
}

}  // namespace detail

/// One slot of a bounded channel's capacity, held for one message (sender::try_reserve /
/// poll_reserve): send() then cannot fail. Destroying an unused permit gives the slot back (a
/// hole the receiver skips, freeing the slot and waking the next waiting sender). The permit
/// keeps the channel's memory alive but is not a sender: the channel may close while it is
/// held, and a message sent through it afterwards is still received. The receiver stops at
/// the permit's slot until it is used or dropped. Move-only; any thread.
template <class T>
class send_permit {
 public:
  send_permit() = default;
  /// Takes over `other`'s slot, leaving `other` empty.
  send_permit(send_permit&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)), ticket_(other.ticket_) {}
  /// Gives back any slot held, then takes over `other`'s.
  send_permit& operator=(send_permit&& other) noexcept {
    send_permit moved(std::move(other));
    std::swap(state_, moved.state_);
    std::swap(ticket_, moved.ticket_);
    return *this;
  }
  send_permit(const send_permit&) = delete;
  send_permit& operator=(const send_permit&) = delete;
  ~send_permit() { reset(); }

  /// Whether this permit holds a slot.
  explicit operator bool() const noexcept { return state_ != nullptr; }

  /// Puts `value` into the held slot; the permit is empty afterwards. Requires a held slot.
  void send(T&& value) noexcept {
    queue().fill(ticket_, std::move(value));
    std::exchange(state_, nullptr)->release_handle();
  }

  /// Gives the held slot back unused (as the destructor does); no-op if empty.
  void reset() noexcept {
    if (state_ == nullptr) return;
    queue().release(ticket_);
    std::exchange(state_, nullptr)->release_handle();
  }

 private:
  friend class sender<T>;
  // Takes the slot `ticket` of `state`'s bounded queue, and a handle on the state.
  void hold(detail::channel_state<T>* state, std::uint64_t ticket) noexcept {
    reset();
    state->add_handle();
    state_ = state;
    ticket_ = ticket;
  }
  bounded_queue<T>& queue() noexcept {
    return state_->with_queue([](auto& q) -> bounded_queue<T>& {
      if constexpr (std::is_same_v<std::remove_reference_t<decltype(q)>, bounded_queue<T>>) {
        return q;
      } else {
        __builtin_unreachable();  // permits are only made on bounded channels
      }
    });
  }

  // Invariant: state_ is null (empty) or holds a handle on a bounded channel whose slot
  // `ticket_` this permit claimed and has neither filled nor released.
  detail::channel_state<T>* state_ = nullptr;
  std::uint64_t ticket_ = 0;
};

/// The sending half. Copyable; copies are cheap (a reference count). A sender may be used from
/// several threads at once. The channel closes when the last sender is destroyed.
template <class T>
class sender {
 public:
  /// Another sender on the same channel; the channel stays open while any exists.
  sender(const sender& other) noexcept : state_(other.state_) {
    if (state_ != nullptr) {
      state_->add_handle();
      state_->add_sender();
    }
  }
  /// Takes over `other`'s handle; `other` may then only be destroyed or assigned.
  sender(sender&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  /// Replaces this sender's handle (copy or move), releasing the old one.
  sender& operator=(sender other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~sender() {
    if (state_ != nullptr) {
      state_->release_sender();
      state_->release_handle();
    }
  }

  /// Sends `value`. Unbounded: never waits. Bounded: waits for space. Rendezvous: waits until
  /// the receiver takes it. Returns `ok` or `disconnected` (the receiver is gone or the channel
  /// closed; `value` is left untouched).
  status send(T&& value) const { return send_impl(std::move(value), nullptr); }
  /// As send(T&&), copying `value`.
  status send(const T& value) const { return send_impl(value, nullptr); }

  /// Sends if it can right now: `ok`, `full` (bounded: no room; rendezvous: no receiver is
  /// waiting in recv or poll_recv) or `disconnected`.
  status try_send(T&& value) const { return try_send_impl(std::move(value)); }
  /// As try_send(T&&), copying `value` (only when it is sent).
  status try_send(const T& value) const { return try_send_impl(value); }

  /// As send(), giving up with `timeout` after `wait` (bounded channels only ever wait).
  template <class Rep, class Period>
  status send_for(T&& value, std::chrono::duration<Rep, Period> wait) const {
    const detail::deadline until = std::chrono::steady_clock::now() + wait;
    return send_impl(std::move(value), &until);
  }

  /// As send(), giving up with `timeout` at `until` (a steady_clock time point).
  template <class Duration>
  status send_until(T&& value,
                    std::chrono::time_point<std::chrono::steady_clock, Duration> until) const {
    const detail::deadline at = std::chrono::time_point_cast<detail::deadline::duration>(until);
    return send_impl(std::move(value), &at);
  }

  /// Sends every element of [first, last) in order (copied, or moved with move iterators).
  /// Unbounded channels claim all slots at once. Returns how many were sent: fewer than the
  /// range only when the channel closed.
  template <std::input_iterator It, std::sentinel_for<It> End>
  std::size_t send_bulk(It first, End last) const {
    return state_->with_queue([&](auto& q) -> std::size_t {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (std::is_same_v<queue, unbounded_queue<T>> && std::sized_sentinel_for<End, It>) {
        return q.push_bulk(first, static_cast<std::size_t>(last - first));
      } else {
        std::size_t sent = 0;
        for (; first != last; ++first, ++sent) {
          if (send_impl(*first, nullptr) != status::ok) break;
        }
        return sent;
      }
    });
  }

  /// Async send (see waiter.hpp): `ok`, `disconnected` (value untouched), or `full` (bounded
  /// only, value untouched) with `w` queued among the waiting senders: `w.wake(w.ctx)` is called
  /// once, when a slot frees (senders are woken in the order they queued, one per freed slot) or
  /// the channel closes; then poll again with the same `w`. Before `w` is destroyed or the
  /// sender dropped, cancel_send(w). Rendezvous channels (bounded(0)): `ok` when the receiver
  /// is waiting (its slot takes the value, as try_send), else `full` with `w` woken when the
  /// receiver next waits (in recv or poll_recv), one waiting sender per wait.
  template <class U>
  status poll_send(U&& value, waiter& w) const {
    return state_->with_queue([&](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (std::is_same_v<queue, unbounded_queue<T>>) {
        return q.push(std::forward<U>(value));
      } else {
        return q.poll_push(std::forward<U>(value), w);
      }
    });
  }

  /// Claims one slot of a bounded channel's capacity into `out` if there is room now: `ok`,
  /// `full` or `disconnected` (`out` untouched on both). Bounded channels only (capacity >= 1);
  /// on others it stops the program with a message, as poll_send on a rendezvous channel.
  status try_reserve(send_permit<T>& out) const {
    return reserve_impl(
        out, [](bounded_queue<T>& q, std::uint64_t& ticket) { return q.try_claim(ticket); });
  }

  /// Async try_reserve, as poll_send: `ok` (`out` holds a slot), `disconnected`, or `full` with
  /// `w` queued among the waiting senders (the same queue and wake as poll_send's; withdraw it
  /// with cancel_send).
  status poll_reserve(send_permit<T>& out, waiter& w) const {
    return reserve_impl(
        out, [&w](bounded_queue<T>& q, std::uint64_t& ticket) { return q.poll_claim(ticket, w); });
  }

  /// Withdraws `w` (poll_send): afterwards no wake call on it is running or will start (`w`
  /// and its ctx may be freed; a wake must not call into the channel). A wake that `w` received
  /// and that no poll_send used is passed to the next waiting sender (no freed slot is stranded).
  void cancel_send(waiter& w) const noexcept {
    state_->with_queue([&](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (!std::is_same_v<queue, unbounded_queue<T>>) q.cancel_push(w);
    });
  }

  /// Closes the channel: no more sends; the receiver still gets what is queued.
  void close() const noexcept { state_->close(); }
  /// Whether the channel is closed (close(), or the receiver gone); sends then fail.
  bool is_closed() const noexcept {
    return state_->with_queue([](auto& q) { return q.closed(); });
  }

  // Introspection: snapshots, possibly stale by the time the caller looks (docs/flume-lock.md).
  // len() and is_empty() are the receiver's: its cursor is private to it.

  /// The capacity: none for unbounded channels, 0 for rendezvous channels.
  std::optional<std::size_t> capacity() const noexcept {
    return state_->with_queue([](auto& q) { return detail::capacity_of(q); });
  }
  /// Whether a try_send would find no room now (a rendezvous channel is always full).
  bool is_full() const noexcept {
    return state_->with_queue([](auto& q) {
      if constexpr (requires { q.full(); }) {
        return q.full();
      } else {
        return detail::capacity_of(q).has_value();  // unbounded never, rendezvous always
      }
    });
  }
  /// Whether the channel is closed (every sender gone, the receiver gone, or close()).
  bool is_disconnected() const noexcept { return is_closed(); }
  /// Live senders on this channel (a snapshot).
  std::size_t sender_count() const noexcept { return state_->sender_count(); }
  /// Live receivers on this channel: 1, or 0 once it is destroyed (a snapshot).
  std::size_t receiver_count() const noexcept { return state_->receiver_count(); }

 private:
  friend class receiver<T>;
  template <class U>
  friend std::pair<sender<U>, receiver<U>> make_channel(std::optional<std::size_t>);
  explicit sender(detail::channel_state<T>* state) noexcept : state_(state) {}

  template <class Claim>
  status reserve_impl(send_permit<T>& out, Claim&& claim) const {
    return state_->with_queue([&](auto& q) {
      if constexpr (std::is_same_v<std::remove_reference_t<decltype(q)>, bounded_queue<T>>) {
        std::uint64_t ticket = 0;
        const status s = claim(q, ticket);
        if (s == status::ok) out.hold(state_, ticket);
        return s;
      } else {
        std::fputs("flume_lock: reserve on a channel that is not bounded (capacity >= 1)\n",
                   stderr);
        std::abort();
        return status::disconnected;
      }
    });
  }

  template <class U>
  status try_send_impl(U&& value) const {
    return state_->with_queue([&](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (std::is_same_v<queue, unbounded_queue<T>>) {
        return q.push(std::forward<U>(value));
      } else {
        return q.try_push(std::forward<U>(value));
      }
    });
  }

  template <class U>
  status send_impl(U&& value, const detail::deadline* until) const {
    return state_->with_queue([&](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (std::is_same_v<queue, unbounded_queue<T>>) {
        return q.push(std::forward<U>(value));
      } else if constexpr (detail::is_zero_queue<queue, T>) {
        return send_rendezvous(q, state_->sender_spin(), std::forward<U>(value), until);
      } else {
        return send_bounded(q, state_->sender_spin(), std::forward<U>(value), until);
      }
    });
  }

  // Spin briefly, then park on the queue's tx eventcount until a slot frees or the channel
  // closes. try_push only moves from `value` when it returns ok. The receiver wakes parked
  // senders in batches (bounded_queue::try_consume); looking again every tx_poll_interval
  // bounds the wait for space it freed and then left. Out of line, so the send fast path
  // (make asm) stays a call here.
  template <class U>
  [[gnu::noinline]] static status send_bounded(bounded_queue<T>& q, detail::adaptive_spin& spin,
                                               U&& value, const detail::deadline* until) {
    const status s = q.try_push(std::forward<U>(value));
    if (s != status::full) return s;
    return detail::block_on(q.tx_event(), spin, status::full, until, &detail::tx_poll_interval,
                            [&] { return q.try_push(std::forward<U>(value)); });
  }

  // Rendezvous: hand the value to a receiver waiting in its slot, or post an offer and wait
  // (spinning briefly, then parked on tx_event) until the receiver takes it (zero_queue.hpp).
  template <class U>
  [[gnu::noinline]] static status send_rendezvous(zero_queue<T>& q, detail::adaptive_spin& spin,
                                                  U&& value, const detail::deadline* until) {
    const status s = q.try_push(std::forward<U>(value));
    if (s != status::full) return s;
    if constexpr (std::is_same_v<U, T>) {
      return offer_and_wait(q, spin, value, until);  // the receiver moves from the caller's value
    } else {
      T copy(std::forward<U>(value));  // a const or lvalue argument is copied, never moved from
      return offer_and_wait(q, spin, copy, until);
    }
  }

  static status offer_and_wait(zero_queue<T>& q, detail::adaptive_spin& spin, T& value,
                               const detail::deadline* until) {
    typename zero_queue<T>::offer offer(value);
    bool posted = false;
    auto attempt = [&] {
      if (posted) return q.poll(offer);
      const status s = q.try_push(std::move(value));  // moves only on ok
      if (s != status::full) return s;
      if (!q.post(offer)) return status::full;  // another sender's offer is up: wait for it
      posted = true;
      return q.poll(offer);
    };
    status s = attempt();
    if (s == status::full) {
      s = detail::block_on(q.tx_event(), spin, status::full, until, nullptr, attempt);
    }
    // Timed out with the offer up: take it back, unless the receiver took it first.
    if (s == status::timeout && posted && !q.withdraw(offer)) s = status::ok;
    return s;
  }

  detail::channel_state<T>* state_;
};

/// The receiving half. Move-only; one thread receives at a time. Destroying it closes the
/// channel and destroys every queued message exactly once.
template <class T>
class receiver {
 public:
  /// Takes over `other`'s channel and registered waiter; `other` may then only be destroyed
  /// or assigned.
  receiver(receiver&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)),
        registered_(std::exchange(other.registered_, nullptr)) {}
  /// Takes over `other`'s channel; the one this receiver had is closed, as on destruction.
  receiver& operator=(receiver&& other) noexcept {
    receiver moved(std::move(other));
    std::swap(state_, moved.state_);
    std::swap(registered_, moved.registered_);
    return *this;
  }
  receiver(const receiver&) = delete;
  receiver& operator=(const receiver&) = delete;
  ~receiver() {
    if (state_ == nullptr) return;
    if (registered_ != nullptr) cancel_wait(*registered_);
    state_->close();
    drain([](T&&) noexcept {});  // free memory now; messages still in flight die with the state
    state_->release_receiver();
    state_->release_handle();
  }

  /// Takes a message if one is ready: `ok`, `empty` or `disconnected` (closed and drained).
  status try_recv(T& out) {
    return consume([&](T&& v) { out = std::move(v); });
  }

  /// Waits for a message: `ok`, or `disconnected` once closed and drained.
  status recv(T& out) { return recv_impl(out, nullptr); }

  /// As recv(), giving up with `timeout` after `wait`.
  template <class Rep, class Period>
  status recv_for(T& out, std::chrono::duration<Rep, Period> wait) {
    const detail::deadline until = std::chrono::steady_clock::now() + wait;
    return recv_impl(out, &until);
  }

  /// As recv(), giving up with `timeout` at `until` (a steady_clock time point).
  template <class Duration>
  status recv_until(T& out, std::chrono::time_point<std::chrono::steady_clock, Duration> until) {
    const detail::deadline at = std::chrono::time_point_cast<detail::deadline::duration>(until);
    return recv_impl(out, &at);
  }

  /// Calls `f(T&&)` for every message ready now, in order; returns how many.
  template <class F>
  std::size_t drain(F&& f) {
    std::size_t n = 0;
    while (consume(f) == status::ok) ++n;
    return n;
  }

  /// Async receive (see waiter.hpp): `ok` (message in `out`), `disconnected`, or `empty` with
  /// `w` registered for exactly one wake. A previously registered waiter is withdrawn first.
  /// On a rendezvous channel a registered receiver counts as waiting: try_send may hand it a
  /// value, which stays in the receiver's slot (and is returned first) even if the wait is
  /// cancelled.
  status poll_recv(T& out, waiter& w) {
    if (registered_ != nullptr) cancel_wait(*registered_);
    status s = try_recv(out);
    if (s != status::empty) return s;
    detail::eventcount& event = state_->rx_event();
    event.prepare_async(w);
    registered_ = &w;
    // Re-check: a message published before prepare_async has no wake.
    s = state_->with_queue([&](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (detail::is_zero_queue<queue, T>) {
        q.announce();
        return q.consume_announced([&](T&& v) { out = std::move(v); });
      } else if constexpr (std::is_same_v<queue, bounded_queue<T>>) {
        const status found = try_recv(out);
        // A push in flight may have missed the registration. It is a few instructions from
        // done, and an executor's thread must not spin on another thread, so we notify the
        // event ourselves, as that push would have: `w` gets its one wake, and polls again.
        if (found == status::empty && q.stopped_at_push()) q.rx_event().notify();
        return found;
      } else {
        return try_recv(out);
      }
    });
    if (s != status::empty) cancel_wait(w);
    return s;
  }

  /// Withdraws `w`; afterwards no wake call on it will start and no notifier touches `w`. A
  /// call already taken may still be running (`w.taken()`); see waiter.hpp.
  void cancel_wait(waiter& w) noexcept {
    if (registered_ != &w) return;
    registered_ = nullptr;
    state_->rx_event().cancel_async(w);
    state_->with_queue([](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      // Rendezvous: stop counting as waiting. If a sender already claimed the slot, its value
      // stays there and the next receive returns it.
      if constexpr (detail::is_zero_queue<queue, T>) (void)q.retract();
    });
  }

  /// Receives up to `max` messages into `out` (appended with push_back): waits for the first,
  /// then takes what is ready without waiting. Returns how many; 0 means disconnected (or
  /// max == 0).
  template <class Container>
  std::size_t recv_many(Container& out, std::size_t max) {
    if (max == 0) return 0;
    T first{};
    if (recv(first) != status::ok) return 0;
    out.push_back(std::move(first));
    std::size_t n = 1;
    while (n < max && consume([&](T&& v) { out.push_back(std::move(v)); }) == status::ok) ++n;
    return n;
  }

  // Introspection: snapshots, possibly stale by the time the caller looks (docs/flume-lock.md).

  /// Messages queued now: claimed by senders and not yet received (a claim whose message is
  /// still being written counts). Always 0 on a rendezvous channel, as in crossbeam.
  std::size_t len() const noexcept {
    return state_->with_queue([](auto& q) -> std::size_t {
      if constexpr (requires { q.consumer_len(); }) {
        return q.consumer_len();
      } else {
        return 0;
      }
    });
  }
  /// Whether len() is 0.
  bool is_empty() const noexcept { return len() == 0; }
  /// Whether len() has reached the capacity (never when unbounded; always on rendezvous).
  bool is_full() const noexcept {
    const std::optional<std::size_t> cap = capacity();
    return cap.has_value() && len() >= *cap;
  }
  /// The capacity: none for unbounded channels, 0 for rendezvous channels.
  std::optional<std::size_t> capacity() const noexcept {
    return state_->with_queue([](auto& q) { return detail::capacity_of(q); });
  }
  /// Whether the channel is closed (every sender gone or close()); messages may still be queued.
  bool is_disconnected() const noexcept {
    return state_->with_queue([](auto& q) { return q.closed(); });
  }
  /// Live senders on this channel (a snapshot).
  std::size_t sender_count() const noexcept { return state_->sender_count(); }
  /// Live receivers on this channel: 1 while this one exists (a snapshot).
  std::size_t receiver_count() const noexcept { return state_->receiver_count(); }

  /// Iteration. `for (T v : rx)` receives (waiting) until disconnected; `for (T v :
  /// rx.try_iter())` takes only what is ready now. Both need a default-constructible T.
  template <bool Blocking>
  class iterator {
   public:
    /// The message type.
    using value_type = T;
    /// Required by std::input_iterator; unused.
    using difference_type = std::ptrdiff_t;
    /// Starts iterating `rx`, receiving the first message now.
    explicit iterator(receiver* rx) : rx_(rx) { ++*this; }
    iterator() = default;
    /// The message received last (may be moved from).
    T& operator*() { return value_; }
    /// Receives the next message; the iterator reaches end() when none is (or will be) available.
    iterator& operator++() {
      const status s = Blocking ? rx_->recv(value_) : rx_->try_recv(value_);
      if (s != status::ok) rx_ = nullptr;
      return *this;
    }
    /// As prefix ++ (input iterator: no copy is returned).
    void operator++(int) { ++*this; }
    /// Whether iteration has ended (disconnected, or nothing ready for try_iter).
    bool operator==(std::default_sentinel_t) const { return rx_ == nullptr; }

   private:
    receiver* rx_ = nullptr;
    T value_{};
  };
  /// The range returned by try_iter(): iterates only over messages ready now.
  struct try_range {
    /// The receiver iterated.
    receiver* rx;
    /// Takes the first ready message.
    iterator<false> begin() { return iterator<false>(rx); }
    /// The end sentinel.
    std::default_sentinel_t end() { return {}; }
  };
  /// Blocking iteration: receives (waiting) until the channel is disconnected and drained.
  iterator<true> begin() { return iterator<true>(this); }
  /// The end sentinel for begin().
  std::default_sentinel_t end() { return {}; }
  /// A range over the messages ready now, without waiting.
  try_range try_iter() { return try_range{this}; }

  /// Closes the channel: senders get `disconnected`; queued messages can still be received.
  void close() noexcept { state_->close(); }

 private:
  template <class U>
  friend std::pair<sender<U>, receiver<U>> make_channel(std::optional<std::size_t>);
  explicit receiver(detail::channel_state<T>* state) noexcept : state_(state) {}

  // `wait_for_push`: a bounded queue waits for a push between its claim and its publication
  // instead of reporting empty (the blocking receive's parking needs it: bounded_queue.hpp).
  template <class F>
  status consume(F&& f, bool wait_for_push = false) {
    return state_->with_queue([&](auto& q) {
      if constexpr (std::is_same_v<std::remove_reference_t<decltype(q)>, bounded_queue<T>>) {
        return q.try_consume(f, wait_for_push);
      } else {
        return q.try_consume(f);
      }
    });
  }

  // Spin briefly, then park on the rx eventcount until a message or the close arrives. Out of
  // line, so recv() (make asm) stays a jump here.
  [[gnu::noinline]] status recv_impl(T& out, const detail::deadline* until) {
    const status s = try_recv(out);
    if (s != status::empty) return s;
    return state_->with_queue([&](auto& q) {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (detail::is_zero_queue<queue, T>) {
        return recv_rendezvous(q, out, until);
      } else {
        return detail::block_on(q.rx_event(), spin_, status::empty, until, nullptr, [&] {
          return consume([&](T&& v) { out = std::move(v); }, /*wait_for_push=*/true);
        });
      }
    });
  }

  // Rendezvous: announce the wait (senders may now hand a value into our slot), then wait for
  // that or a posted offer. Giving up retracts the announcement; a sender that claimed the slot
  // first has its value received, so nothing is lost (zero_queue.hpp).
  status recv_rendezvous(zero_queue<T>& q, T& out, const detail::deadline* until) {
    auto sink = [&](T&& v) { out = std::move(v); };
    q.announce();
    status s = detail::block_on(q.rx_event(), spin_, status::empty, until, nullptr,
                                [&] { return q.consume_announced(sink); });
    if (s == status::timeout && !q.retract()) s = q.try_consume(sink);
    return s;
  }

  detail::channel_state<T>* state_;
  waiter* registered_ = nullptr;
  detail::adaptive_spin spin_;
};

/// A channel of the given capacity: none (std::nullopt) for unbounded, 0 for a rendezvous
/// channel, n for a bounded one. channel() and bounded() say the same more plainly.
template <class T>
std::pair<sender<T>, receiver<T>> make_channel(std::optional<std::size_t> capacity) {
  using state_type = detail::channel_state<T>;
  state_type* state = nullptr;
  if (!capacity.has_value()) {
    state = new state_type(typename state_type::unbounded_tag{});
  } else if (*capacity == 0) {
    state = new state_type(typename state_type::zero_tag{});
  } else {
    state = new state_type(*capacity);
  }
  return {sender<T>(state), receiver<T>(state)};
}

/// An unbounded channel: send never waits.
template <class T>
std::pair<sender<T>, receiver<T>> channel() {
  return make_channel<T>(std::nullopt);
}

/// A bounded channel holding at most `capacity` messages: try_send reports `full`, send waits
/// for space. Capacity 0 makes a rendezvous channel (as crossbeam's bounded(0)): send completes
/// only when the receiver takes the value, try_send only when a receiver is waiting for one.
template <class T>
std::pair<sender<T>, receiver<T>> bounded(std::size_t capacity) {
  return make_channel<T>(capacity);
}

}  // namespace flume_lock
