// kov::broadcast: every receiver sees every message, in order, from a ring of `capacity` slots.
// A receiver that falls more than `capacity` messages behind is told exactly how many it missed
// (errc::lagged, missed()) and continues from the oldest message still held.
//
//   auto [tx, rx] = kov::broadcast::channel<int>(16).value();
//   auto rx2 = tx.subscribe();
//   (void)tx.send(7);
//   auto m = co_await rx.recv();   // 7; rx2 gets 7 too
//
// Tasks of one runtime only. Senders are copyable; the channel closes when the last is gone, and
// receivers then drain what is held before they get errc::closed. Messages are copied to each
// receiver (T must be copyable); a slot's value is overwritten in place, so after the ring has
// filled once, sending allocates nothing that T's assignment does not.
//
// Cancel-safety of recv(): abandoning the await loses nothing; the receiver's place moves only
// in the step that completes the receive.
#pragma once

#include <kov/detail/settle_wait.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/result.hpp>
#include <kov/waker.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kov::broadcast {

/// A received message, or why there is none: errc::closed (every sender gone, everything read),
/// errc::lagged (missed() messages were overwritten before this receiver read them; the next
/// receive gives the oldest one held), errc::would_block (try_recv: nothing new yet).
template <class T>
class recv_result {
 public:
  /// A received message.
  recv_result(T value) : r_(std::move(value)) {}  // NOLINT: implicit by design
  /// No message, for `error` (`missed` counts the lost messages with errc::lagged).
  recv_result(errc error, std::uint64_t missed = 0) : r_(error), missed_(missed) {}  // NOLINT

  ///@{
  /// True when this holds a message.
  bool has_value() const noexcept { return r_.has_value(); }
  explicit operator bool() const noexcept { return r_.has_value(); }
  ///@}
  ///@{
  /// The message; throws std::system_error holding the error otherwise.
  T& value() & { return r_.value(); }
  T&& value() && { return std::move(r_).value(); }
  ///@}
  ///@{
  /// The message, which must be there (unchecked).
  T& operator*() & { return *r_; }
  T* operator->() { return &*r_; }
  ///@}
  /// The error when there is no message (an empty error code otherwise).
  std::error_code error() const noexcept { return r_.error(); }
  /// True when messages were overwritten before this receiver read them (see `missed()`).
  bool lagged() const noexcept { return !has_value() && r_.error() == errc::lagged; }
  /// True when every sender is gone and this receiver has read everything.
  bool closed() const noexcept { return !has_value() && r_.error() == errc::closed; }
  /// How many messages were lost (with errc::lagged; 0 otherwise).
  std::uint64_t missed() const noexcept { return missed_; }

 private:
  result<T> r_;
  std::uint64_t missed_ = 0;
};

namespace detail {

// Invariant: sent_ counts every message sent; the ring holds the last min(sent_, capacity) of
// them, message p in slots_[p % capacity]; waiters_ are receivers that have read everything
// sent, each woken once by the next send or the close.
template <class T>
struct state {
  explicit state(std::size_t capacity) : slots_(capacity) {}
  ~state() { KOV_ASSERT(waiters_.empty(), "kov::broadcast state destroyed with waiters"); }

  std::uint64_t oldest() const noexcept {
    return sent_ > slots_.size() ? sent_ - slots_.size() : 0;
  }
  void wake_all() noexcept { waiters_.grant_all(); }

  std::vector<std::optional<T>> slots_;
  std::uint64_t sent_ = 0;
  std::size_t senders_ = 0;
  std::size_t receivers_ = 0;
  kov::detail::wait_list waiters_;
};

}  // namespace detail

template <class T>
class receiver;

template <class T>
/// A sending end of a `channel()`. Copyable: the copies share the channel, which closes when the
/// last of them is gone. Tasks of one runtime only.
class sender {
 public:
  /// A new sender of the state `s` (used by `channel()`).
  explicit sender(std::shared_ptr<detail::state<T>> s) noexcept : s_(std::move(s)) {
    ++s_->senders_;
  }
  /// Another sender of the same channel.
  sender(const sender& other) noexcept : sender(other.s_) {}
  /// Takes over the channel of `other`.
  sender(sender&& other) noexcept = default;
  /// Drops this sender's channel (closing it if this was the last sender), then takes that of
  /// `other`.
  sender& operator=(sender other) noexcept {
    std::swap(s_, other.s_);
    return *this;
  }
  ~sender() {
    if (s_ != nullptr && --s_->senders_ == 0) s_->wake_all();
  }

  /// Puts `value` in the next slot (overwriting the oldest message once the ring is full) and
  /// wakes every waiting receiver. Returns how many receivers will see it; errc::closed (and the
  /// value is dropped) when there is none.
  result<std::size_t> send(T value) {
    if (s_->receivers_ == 0) return errc::closed;
    std::optional<T>& slot = s_->slots_[s_->sent_ % s_->slots_.size()];
    if (slot.has_value()) {
      *slot = std::move(value);
    } else {
      slot.emplace(std::move(value));
    }
    ++s_->sent_;
    s_->wake_all();
    return s_->receivers_;
  }

  /// A receiver that sees every message sent from now on.
  receiver<T> subscribe() const { return receiver<T>(s_, s_->sent_); }

  /// The number of live receivers.
  std::size_t receiver_count() const noexcept { return s_->receivers_; }

 private:
  std::shared_ptr<detail::state<T>> s_;
};

template <class T>
/// A receiving end of a `channel()`: keeps only its position in the ring and gets a copy of
/// each message. Move-only (`resubscribe()` for another); tasks of one runtime only.
class receiver {
 public:
  /// A receiver of the state `s` whose next message is number `next` (used by `channel()`).
  receiver(std::shared_ptr<detail::state<T>> s, std::uint64_t next) noexcept
      : s_(std::move(s)), next_(next) {
    ++s_->receivers_;
  }
  /// Takes over `other`, with its position.
  receiver(receiver&& other) noexcept : s_(std::move(other.s_)), next_(other.next_) {}
  /// Drops this receiver, then takes over `other`, with its position.
  receiver& operator=(receiver&& other) noexcept {
    receiver moved(std::move(other));
    std::swap(s_, moved.s_);
    std::swap(next_, moved.next_);
    return *this;
  }
  receiver(const receiver&) = delete;
  receiver& operator=(const receiver&) = delete;
  ~receiver() {
    if (s_ != nullptr) --s_->receivers_;
  }

  /// A new receiver that sees every message sent from now on.
  receiver resubscribe() const { return receiver(s_, s_->sent_); }

  /// The next message if one is there; errc::would_block if not (and the channel is open).
  recv_result<T> try_recv() {
    detail::state<T>& s = *s_;
    if (next_ < s.oldest()) {
      const std::uint64_t missed = s.oldest() - next_;
      next_ = s.oldest();
      return {errc::lagged, missed};
    }
    if (next_ < s.sent_) {
      const std::optional<T>& slot = s.slots_[next_ % s.slots_.size()];
      ++next_;
      return *slot;
    }
    return s.senders_ == 0 ? errc::closed : errc::would_block;
  }

  /// The awaitable returned by `recv()`. Cancel-safe: the receiver's place moves only in the step
  /// that completes the receive, so abandoning it loses nothing.
  class recv_awaitable : public kov::detail::settle_wait<recv_awaitable> {
   public:
    /// Prepares a receive for `r`.
    explicit recv_awaitable(receiver& r) noexcept
        : kov::detail::settle_wait<recv_awaitable>(r.s_->waiters_), r_(r) {}
    /// Awaitable protocol (through the wait base): true when the receive can complete now.
    bool settled() const noexcept { return r_.settled(); }
    /// Awaitable protocol: the receive, as `try_recv()` gives it.
    recv_result<T> await_resume() { return r_.try_recv(); }

   private:
    receiver& r_;
  };

  /// The next message, in order; errc::lagged with missed() when messages were overwritten
  /// before this receiver read them; errc::closed when every sender is gone and all is read.
  recv_awaitable recv() noexcept { return recv_awaitable(*this); }

 private:
  // A receive would complete now.
  bool settled() const noexcept { return next_ < s_->sent_ || s_->senders_ == 0; }

  std::shared_ptr<detail::state<T>> s_;
  std::uint64_t next_;
};

/// A channel holding the last `capacity` messages, with one sender and one receiver;
/// std::errc::invalid_argument for capacity 0.
template <class T>
result<std::pair<sender<T>, receiver<T>>> channel(std::size_t capacity) {
  if (capacity == 0) return std::make_error_code(std::errc::invalid_argument);
  auto s = std::make_shared<detail::state<T>>(capacity);
  receiver<T> rx(s, 0);
  return std::pair<sender<T>, receiver<T>>(sender<T>(std::move(s)), std::move(rx));
}

}  // namespace kov::broadcast
