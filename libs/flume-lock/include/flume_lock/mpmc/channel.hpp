// The MPMC channel: copyable senders and copyable receivers over an unbounded (list_queue) or
// bounded (array_queue) lock-free queue, or the sharded one (sharded_channel.hpp). Each message
// goes to exactly one receiver. Asked for by name; flume_lock::channel() and bounded() stay the
// single-consumer flavour.
//
//   auto [tx, rx] = flume_lock::mpmc::bounded<Job>(1024);
//   for (int i = 0; i < 4; ++i) workers.emplace_back([rx = rx] mutable {  // a receiver per worker
//     Job job;
//     while (rx.recv(job) == flume_lock::status::ok) run(job);  // ends when every sender is gone
//   });
#pragma once

#include <flume_lock/channel.hpp>  // detail::block_on, the blocking loop both flavours share
#include <flume_lock/detail/atomic.hpp>
#include <flume_lock/detail/config.hpp>
#include <flume_lock/detail/counting_eventcount.hpp>
#include <flume_lock/detail/handle_counts.hpp>
#include <flume_lock/mpmc/array_queue.hpp>
#include <flume_lock/mpmc/list_queue.hpp>
#include <flume_lock/mpmc/sharded_queue.hpp>
#include <flume_lock/status.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace flume_lock {

namespace detail {

template <class Queue, class T>
inline constexpr bool is_sharded_queue = std::is_same_v<Queue, mpmc::sharded_queue<T>>;

// The shared state of an MPMC channel: its queue and the handle counts (handle_counts.hpp); the
// channel closes when either side's count drops to zero.
template <class T>
class mpmc_state : public handle_counts<mpmc_state<T>> {
 public:
  struct unbounded_tag {};
  struct sharded_tag {};
  explicit mpmc_state(unbounded_tag) : queue_(std::in_place_index<0>) {}
  explicit mpmc_state(std::size_t capacity) : queue_(std::in_place_index<1>, capacity) {}
  explicit mpmc_state(sharded_tag) : queue_(std::in_place_index<2>) {}

  // Calls f(queue&) on whichever flavour this channel has.
  template <class F>
  decltype(auto) with_queue(F&& f) {
    if (auto* unbounded = std::get_if<0>(&queue_)) return f(*unbounded);
    if (auto* bounded = std::get_if<1>(&queue_)) return f(*bounded);
    auto* sharded = std::get_if<2>(&queue_);
    // Invariant: the variant holds one of the three; saying so keeps GCC's flow analysis quiet.
    if (sharded == nullptr) __builtin_unreachable();
    return f(*sharded);
  }
  template <class F>
  decltype(auto) with_queue(F&& f) const {
    return const_cast<mpmc_state*>(this)->with_queue(std::forward<F>(f));
  }

  // The sharded flavour's queue; only its sender handles (sharded_sender) ask.
  mpmc::sharded_queue<T>& sharded() noexcept { return *std::get_if<2>(&queue_); }

  counting_eventcount& rx_event() {
    return with_queue([](auto& q) -> counting_eventcount& { return q.rx_event(); });
  }

  // Where a new receiver handle looks first (sharded flavour; unused by the others).
  mpmc::shard_cursor<T> place_receiver() noexcept {
    return with_queue([](auto& q) -> mpmc::shard_cursor<T> {
      if constexpr (is_sharded_queue<std::remove_reference_t<decltype(q)>, T>) {
        return q.place_receiver();
      } else {
        return {};
      }
    });
  }

  // Takes a message for a receiver whose cursor is `at`: try_pop of whichever flavour.
  template <class Sink>
  status try_pop(mpmc::shard_cursor<T>& at, Sink&& sink) {
    return with_queue([&](auto& q) {
      if constexpr (is_sharded_queue<std::remove_reference_t<decltype(q)>, T>) {
        return q.try_pop(at, sink);
      } else {
        return q.try_pop(sink);
      }
    });
  }

  void release_receiver() noexcept {
    if (!this->release_receiver_count()) return;
    close();
    // Free memory now; messages a sender is still writing die with the state.
    mpmc::shard_cursor<T> from_first;
    while (try_pop(from_first, [](T&&) noexcept {}) == status::ok) {
    }
  }
  void close() noexcept {
    with_queue([](auto& q) { q.close(); });
  }
  adaptive_spin& sender_spin() noexcept { return sender_spin_; }

 private:
  std::variant<mpmc::list_queue<T>, mpmc::array_queue<T>, mpmc::sharded_queue<T>> queue_;
  adaptive_spin sender_spin_;  // shared by the senders parked on a full bounded channel
};

// What both halves can ask about the channel.
template <class T>
class mpmc_handle {
 public:
  /// Messages queued now (a snapshot).
  std::size_t len() const noexcept {
    return state_->with_queue([](const auto& q) { return q.size(); });
  }
  /// The bound of a bounded channel; nullopt for an unbounded one.
  std::optional<std::size_t> capacity() const noexcept {
    return state_->with_queue(
        [](const auto& q) -> std::optional<std::size_t> { return capacity_of(q); });
  }
  bool is_empty() const noexcept { return len() == 0; }
  /// Bounded and holding `capacity` messages (never true for an unbounded channel).
  bool is_full() const noexcept {
    const std::optional<std::size_t> cap = capacity();
    return cap && len() == *cap;
  }
  /// Closed, or every sender or every receiver is gone.
  bool is_disconnected() const noexcept {
    return state_->with_queue([](const auto& q) { return q.closed(); });
  }
  std::size_t sender_count() const noexcept { return state_->sender_count(); }
  std::size_t receiver_count() const noexcept { return state_->receiver_count(); }

  /// Closes the channel: no more sends; receivers still get what is queued.
  void close() const noexcept { state_->close(); }

 protected:
  explicit mpmc_handle(mpmc_state<T>* state) noexcept : state_(state) {}
  mpmc_state<T>* state_;
};

}  // namespace detail

namespace mpmc {

template <class T>
class sender;
template <class T>
class receiver;
template <class T>
class sharded_sender;

/// The sending half. Copyable and usable from several threads at once. The channel closes
/// when the last sender is destroyed.
template <class T>
class sender : public detail::mpmc_handle<T> {
  using base = detail::mpmc_handle<T>;

 public:
  /// Another sender on the same channel; the channel stays open while any exists.
  sender(const sender& other) noexcept : base(other.state_) {
    if (this->state_ != nullptr) {
      this->state_->add_handle();
      this->state_->add_sender();
    }
  }
  /// Takes over `other`'s handle; `other` may then only be destroyed or assigned.
  sender(sender&& other) noexcept : base(std::exchange(other.state_, nullptr)) {}
  /// Replaces this sender's handle (copy or move), releasing the old one.
  sender& operator=(sender other) noexcept {
    std::swap(this->state_, other.state_);
    return *this;
  }
  ~sender() {
    if (this->state_ != nullptr) {
      this->state_->release_sender();
      this->state_->release_handle();
    }
  }

  /// Sends `value`. Unbounded: never waits. Bounded: waits for space. Returns `ok` or
  /// `disconnected` (every receiver is gone or the channel closed; `value` is left untouched).
  status send(T&& value) const { return send_impl(std::move(value), nullptr); }
  /// As send(T&&), copying `value`.
  status send(const T& value) const { return send_impl(value, nullptr); }

  /// Sends if it can right now: `ok`, `full` (bounded only) or `disconnected`.
  status try_send(T&& value) const { return try_send_impl(std::move(value)); }
  /// As try_send(T&&), copying `value` (only when it is sent).
  status try_send(const T& value) const { return try_send_impl(value); }

  /// As send(), giving up with `timeout` after `wait` (only bounded channels ever wait).
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

 private:
  template <class U>
  friend std::pair<sender<U>, receiver<U>> make_channel(std::size_t);
  explicit sender(detail::mpmc_state<T>* state) noexcept : base(state) {}

  template <class U>
  status try_send_impl(U&& value) const {
    return this->state_->with_queue([&](auto& q) -> status {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (std::is_same_v<queue, list_queue<T>>) {
        return q.push(std::forward<U>(value));
      } else if constexpr (std::is_same_v<queue, array_queue<T>>) {
        return q.try_push(std::forward<U>(value));
      } else {
        // Invariant: no sender<T> is made for a sharded channel (it has sharded_sender).
        __builtin_unreachable();
      }
    });
  }

  template <class U>
  status send_impl(U&& value, const detail::deadline* until) const {
    return this->state_->with_queue([&](auto& q) -> status {
      using queue = std::remove_reference_t<decltype(q)>;
      if constexpr (std::is_same_v<queue, list_queue<T>>) {
        return q.push(std::forward<U>(value));
      } else if constexpr (std::is_same_v<queue, array_queue<T>>) {
        return send_bounded(q, this->state_->sender_spin(), std::forward<U>(value), until);
      } else {
        // Invariant: no sender<T> is made for a sharded channel (it has sharded_sender).
        __builtin_unreachable();
      }
    });
  }

  // Spin briefly, then park on the ring's tx eventcount until a slot frees or the channel
  // closes (every pop wakes one parked sender, the close all). try_push only moves from
  // `value` when it returns ok.
  template <class U>
  [[gnu::noinline]] static status send_bounded(array_queue<T>& q, detail::adaptive_spin& spin,
                                               U&& value, const detail::deadline* until) {
    const status s = q.try_push(std::forward<U>(value));
    if (s != status::full) return s;
    return block_on(q.tx_event(), spin, status::full, until, nullptr,
                    [&] { return q.try_push(std::forward<U>(value)); });
  }
};

/// The receiving half. Copyable: every copy competes for the same messages, each message goes
/// to exactly one of them. One thread uses a given receiver object at a time. When the last
/// receiver is destroyed the channel closes and the queued messages are destroyed.
template <class T>
class receiver : public detail::mpmc_handle<T> {
  using base = detail::mpmc_handle<T>;

 public:
  /// Another receiver competing for the same messages; the channel stays open while any exists.
  receiver(const receiver& other) noexcept : base(other.state_) {
    if (this->state_ != nullptr) {
      this->state_->add_handle();
      this->state_->add_receiver();
      cursor_ = this->state_->place_receiver();
    }
  }
  /// Takes over `other`'s handle; `other` may then only be destroyed or assigned.
  receiver(receiver&& other) noexcept
      : base(std::exchange(other.state_, nullptr)), cursor_(other.cursor_) {}
  /// Replaces this receiver's handle (copy or move), releasing the old one.
  receiver& operator=(receiver other) noexcept {
    std::swap(this->state_, other.state_);
    std::swap(cursor_, other.cursor_);
    return *this;
  }
  ~receiver() {
    if (this->state_ != nullptr) {
      this->state_->release_receiver();
      this->state_->release_handle();
    }
  }

  /// Takes a message if one is ready: `ok`, `empty` or `disconnected` (closed and drained).
  status try_recv(T& out) {
    return this->state_->try_pop(cursor_, [&](T&& v) { out = std::move(v); });
  }

  /// Waits for a message: `ok`, or `disconnected` once closed and drained.
  status recv(T& out) { return recv_impl(out, nullptr); }

  /// cancel_wait() returns only once a wake call on the waiter is over (select relies on it).
  static constexpr bool cancel_ends_wake = true;

  /// Async receive (waiter.hpp): `ok` (message in `out`), `disconnected`, or `empty` with `w`
  /// queued among the waiting receivers: `w.wake(w.ctx)` is called once, by the next send (one
  /// waiting receiver per message, in the order they queued) or the close; then poll again with
  /// the same `w`. Any number of receivers may wait at once. Before `w` is destroyed,
  /// cancel_wait(w). The wake runs under the list's lock: it must not call into the channel.
  status poll_recv(T& out, waiter& w) {
    return this->state_->with_queue([&](auto& q) {
      auto sink = [&](T&& v) { out = std::move(v); };
      if constexpr (detail::is_sharded_queue<std::remove_reference_t<decltype(q)>, T>) {
        return q.poll_pop(cursor_, sink, w);
      } else {
        return q.poll_pop(sink, w);
      }
    });
  }

  /// Withdraws `w`: afterwards no wake call on it is running or will start, so `w` and its ctx
  /// may be freed. A wake it received and no poll used goes to the next waiting receiver.
  void cancel_wait(waiter& w) noexcept {
    this->state_->with_queue([&](auto& q) { q.cancel_pop(w); });
  }

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

 private:
  template <class U>
  friend std::pair<sender<U>, receiver<U>> make_channel(std::size_t);
  friend class sharded_sender<T>;
  explicit receiver(detail::mpmc_state<T>* state) noexcept
      : base(state), cursor_(state->place_receiver()) {}

  // Spin briefly, then park on the rx eventcount (shared by every parked receiver: each send
  // wakes one of them, the close all) until a message or the close arrives.
  [[gnu::noinline]] status recv_impl(T& out, const detail::deadline* until) {
    const status s = try_recv(out);
    if (s != status::empty) return s;
    return block_on(this->state_->rx_event(), spin_, status::empty, until, nullptr,
                    [&] { return try_recv(out); });
  }

  detail::adaptive_spin spin_;
  mpmc::shard_cursor<T> cursor_;  // where try_recv looks first (sharded channels only)
};

/// Capacity 0 makes an unbounded channel; use channel() and bounded() instead.
template <class T>
std::pair<sender<T>, receiver<T>> make_channel(std::size_t capacity) {
  using state_type = detail::mpmc_state<T>;
  auto* state = capacity == 0 ? new state_type(typename state_type::unbounded_tag{})
                              : new state_type(capacity);
  return {sender<T>(state), receiver<T>(state)};
}

/// An unbounded MPMC channel: send never waits.
template <class T>
std::pair<sender<T>, receiver<T>> channel() {
  return make_channel<T>(0);
}

/// A bounded MPMC channel holding at most `capacity` messages: try_send reports `full`, send
/// waits for space. Throws std::invalid_argument for capacity 0 (the zero-capacity rendezvous
/// is the single-consumer flavour's).
template <class T>
std::pair<sender<T>, receiver<T>> bounded(std::size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("flume_lock::mpmc::bounded: capacity 0");
  return make_channel<T>(capacity);
}

}  // namespace mpmc
}  // namespace flume_lock
