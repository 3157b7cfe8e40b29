// kov::oneshot: one value from a sender (any thread) to a receiving task.
//
//   auto [tx, rx] = kov::oneshot<int>();
//   std::thread([tx = std::move(tx)]() mutable { (void)tx.send(42); }).detach();
//   kov::result<int> v = co_await rx;   // 42, or errc::closed if tx was dropped unsent
//
// Cancel-safety of the receive: abandoning the await loses nothing; the value stays in the
// channel for the next await of the same receiver.
//
// Every atomic operation is in oneshot_state or the two ends' send/drop/try_recv; the awaiter
// only adds the task glue. tests/model/oneshot_model_test.cpp runs that code under Relacy.
#pragma once

#include <kov/detail/atomic.hpp>
#include <kov/detail/frame_pool.hpp>
#include <kov/detail/remote.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/result.hpp>

#include <cstdint>
#include <new>
#include <optional>
#include <utility>

namespace kov {
namespace detail {

// Invariant: value_ is written only by the sender, before it sets value_ready, and read only by
// the receiver after it has seen value_ready; rx_slot_ is written only by the receiver while
// `waiting` is clear and neither value_ready nor sender_gone is set, and read by the sender only
// after its fetch_or saw `waiting`. refs_ counts the two ends.
template <class T>
struct oneshot_state {
  static constexpr std::uint32_t value_ready = 1;
  static constexpr std::uint32_t sender_gone = 2;
  static constexpr std::uint32_t receiver_gone = 4;
  static constexpr std::uint32_t waiting = 8;

  atomic<std::uint32_t> refs_{2};
  atomic<std::uint32_t> flags_{0};
  std::optional<T> value_;
  slot_ref rx_slot_;
  [[no_unique_address]] race_probe rx_slot_probe_;  // model builds: rx_slot_'s hand-over

  static oneshot_state* create() {
    return ::new (pool_allocate(sizeof(oneshot_state))) oneshot_state;
  }
  void release() noexcept {
    // Ordering: acq_rel: each end's accesses happen-before the other end's destruction.
    if (refs_.fetch_sub(1, detail::order::acq_rel) == 1) {
      this->~oneshot_state();
      pool_deallocate(this, sizeof(oneshot_state));
    }
  }
  // Sets `bit`; wakes the receiver if it was waiting.
  void publish(std::uint32_t bit) noexcept {
    // Ordering: acq_rel: release publishes value_ (pairs with the receiver's acquire loads);
    // acquire pairs with the receiver's fetch_or(waiting) so rx_slot_ is visible.
    const std::uint32_t prev = flags_.fetch_or(bit, detail::order::acq_rel);
    if ((prev & waiting) != 0 && (prev & receiver_gone) == 0) {
      rx_slot_probe_.on_read();
      remote_wake(*rx_slot_.get());
    }
  }

  // Receiver: the flags, with what the sender published before setting them.
  std::uint32_t observe() const noexcept {
    // Ordering: acquire: pairs with the sender's release in publish().
    return flags_.load(detail::order::acquire);
  }
  bool ready() const noexcept { return (observe() & (value_ready | sender_gone)) != 0; }

  // Receiver, suspending: `slot` is woken by publish(). True if a value or the sender's drop
  // came first, so no wake will come for this registration.
  bool wait_on(slot_ref slot) noexcept {
    rx_slot_ = std::move(slot);
    rx_slot_probe_.on_write();
    // Ordering: release: publishes rx_slot_ to the sender's fetch_or (acq_rel). No acquire: the
    // value is read only after observe() (acquire), which pairs with publish() itself.
    const std::uint32_t prev = flags_.fetch_or(waiting, detail::order::release);
    return (prev & (value_ready | sender_gone)) != 0;
  }
  // Receiver, resumed after wait_on.
  void stop_waiting() noexcept {
    // Ordering: relaxed: only this end writes `waiting`; the observe() (acquire) that follows
    // is what makes the sender's value visible.
    flags_.fetch_and(~waiting, detail::order::relaxed);
  }
  // Receiver, abandoning a wait_on without having been resumed: a later await may register
  // another task.
  void withdraw() noexcept {
    // Ordering: relaxed: only this end writes `waiting`; the sender reads rx_slot_ only if
    // its own fetch_or saw the bit, and that order is settled by the RMW chain on flags_.
    flags_.fetch_and(~waiting, detail::order::relaxed);
  }
};

}  // namespace detail

// Invariant: s_ is null once the value was sent (or the sender moved from); otherwise it holds
// the sending end's reference to the shared state.
template <class T>
/// The sending end of a `oneshot()` channel: move-only, sends one value, from any thread.
/// Destroying it unsent closes the channel (the receiver gets `errc::closed`).
class oneshot_sender {
 public:
  /// A sender with no channel (only to be assigned to).
  oneshot_sender() noexcept = default;
  /// Adopts the sending end's reference to `s` (used by `oneshot()`).
  explicit oneshot_sender(detail::oneshot_state<T>* s) noexcept : s_(s) {}
  /// Takes over the channel of `other`, which is left empty.
  oneshot_sender(oneshot_sender&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
  /// Drops (and closes, if unsent) the current channel, then takes over that of `other`.
  oneshot_sender& operator=(oneshot_sender&& other) noexcept {
    oneshot_sender moved(std::move(other));
    std::swap(s_, moved.s_);
    return *this;
  }
  ~oneshot_sender() {
    if (s_ == nullptr) return;
    s_->publish(detail::oneshot_state<T>::sender_gone);
    s_->release();
  }

  /// Sends the value (once; from any thread). errc::closed if the receiver is gone.
  result<void> send(T value) {
    KOV_ASSERT(s_ != nullptr, "oneshot sender used after send");
    detail::oneshot_state<T>* s = std::exchange(s_, nullptr);
    // Ordering: relaxed: only a hint to skip a value nobody will take (a receiver dropped just
    // after is handled by publish()); nothing the receiver wrote is read on either answer, and
    // the state's end is ordered by refs_.
    const bool receiver_alive =
        (s->flags_.load(detail::order::relaxed) & detail::oneshot_state<T>::receiver_gone) == 0;
    if (receiver_alive) {
      s->value_.emplace(std::move(value));
      s->publish(detail::oneshot_state<T>::value_ready);
    }
    s->release();
    return receiver_alive ? result<void>{} : result<void>(errc::closed);
  }

 private:
  detail::oneshot_state<T>* s_ = nullptr;
};

// Invariant: s_ is null only when moved from; otherwise it holds the receiving end's reference.
// One await at a time.
template <class T>
/// The receiving end of a `oneshot()` channel, owned by one task: `co_await rx` gives the value
/// or `errc::closed`. Cancel-safe: an abandoned await loses nothing, and the value stays for the
/// next await. One await at a time. Destroying it drops a value that comes later.
class oneshot_receiver {
 public:
  /// A receiver with no channel (only to be assigned to).
  oneshot_receiver() noexcept = default;
  /// Adopts the receiving end's reference to `s` (used by `oneshot()`).
  explicit oneshot_receiver(detail::oneshot_state<T>* s) noexcept : s_(s) {}
  /// Takes over the channel of `other`, which is left empty.
  oneshot_receiver(oneshot_receiver&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
  /// Drops the current channel, then takes over that of `other`.
  oneshot_receiver& operator=(oneshot_receiver&& other) noexcept {
    oneshot_receiver moved(std::move(other));
    std::swap(s_, moved.s_);
    return *this;
  }
  ~oneshot_receiver() {
    if (s_ == nullptr) return;
    // Ordering: relaxed: publishes nothing; the sender only tests the bit (send(), publish()),
    // and this end's accesses are ordered before the state's end by release() (acq_rel).
    s_->flags_.fetch_or(detail::oneshot_state<T>::receiver_gone, detail::order::relaxed);
    s_->release();
  }

  /// The value if it has arrived: errc::would_block if not yet, errc::closed if never will.
  result<T> try_recv() { return take_from(*s_, s_->observe()); }

  /// The awaitable of `co_await rx`; resumes with the value or `errc::closed`.
  class awaiter {
   public:
    /// Prepares to wait on the channel of `r`.
    explicit awaiter(oneshot_receiver& r) noexcept : s_(*r.s_) {}
    awaiter(const awaiter&) = delete;
    awaiter& operator=(const awaiter&) = delete;
    ~awaiter() {
      if (waiting_) s_.withdraw();  // abandoned while waiting
    }

    /// Awaitable protocol: ready once the value was sent or the sender is gone.
    bool await_ready() const noexcept { return s_.ready() && detail::coop_proceed(); }
    /// Awaitable protocol: registers the task to be woken by the send or by the sender's drop.
    void await_suspend(std::coroutine_handle<>) {
      if (s_.ready()) {
        detail::yield_current();
        return;
      }
      detail::slot_ref slot = detail::task_ref::current().wake_slot();
      KOV_ASSERT(slot, "awaiting a oneshot outside a kov task");
      waiting_ = true;
      if (s_.wait_on(std::move(slot))) detail::yield_current();
    }
    /// Awaitable protocol: takes the value, or gives `errc::closed`.
    result<T> await_resume() {
      if (waiting_) {
        s_.stop_waiting();
        waiting_ = false;
      }
      return take_from(s_, s_.observe());
    }

   private:
    detail::oneshot_state<T>& s_;
    bool waiting_ = false;
  };

  ///@{
  /// Awaitable protocol: `co_await rx` waits for the value (see `awaiter`).
  awaiter operator co_await() & noexcept { return awaiter(*this); }
  awaiter operator co_await() && noexcept { return awaiter(*this); }
  ///@}

 private:
  static result<T> take_from(detail::oneshot_state<T>& s, std::uint32_t f) {
    using state = detail::oneshot_state<T>;
    if ((f & state::value_ready) != 0 && s.value_) {
      result<T> r(std::in_place, std::move(*s.value_));
      s.value_.reset();
      return r;
    }
    if ((f & (state::sender_gone | state::value_ready)) != 0) return errc::closed;
    return errc::would_block;
  }

  detail::oneshot_state<T>* s_ = nullptr;
};

template <class T>
/// Creates a one-value channel and returns its two ends.
std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot() {
  auto* s = detail::oneshot_state<T>::create();
  return {oneshot_sender<T>(s), oneshot_receiver<T>(s)};
}

}  // namespace kov
