// kov::watch: one sender publishes a value, any number of receivers see the latest one. A
// receiver that was not looking when several values were sent sees only the last, but never
// misses it: changed() completes while the receiver has not seen the newest value.
//
//   auto [tx, rx] = kov::watch::channel<int>(0);
//   tx.send(1);
//   if (co_await rx.changed()) use(*rx.borrow_and_update());   // 1
//
// Tasks of one runtime only. Closed when the sender is destroyed: changed() then gives
// errc::closed once the last value has been seen.
//
// Cancel-safety of changed(): abandoning the await loses nothing; the value stays unseen.
#pragma once

#include <kov/detail/settle_wait.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/result.hpp>
#include <kov/waker.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace kov::watch {

namespace detail {

// Invariant: version_ counts the values sent (0: the initial one); waiters_ are receivers that
// have seen version_, each woken once when it changes or the channel closes.
template <class T>
struct state {
  explicit state(T initial) : value_(std::move(initial)) {}
  ~state() { KOV_ASSERT(waiters_.empty(), "kov::watch state destroyed with waiters"); }

  void publish() noexcept {
    ++version_;
    wake_all();
  }
  void wake_all() noexcept { waiters_.grant_all(); }

  T value_;
  std::uint64_t version_ = 0;
  std::size_t receivers_ = 0;
  bool closed_ = false;
  kov::detail::wait_list waiters_;
};

}  // namespace detail

template <class T>
class receiver;

/// The one sending end of a `channel()`. Destroying it closes the channel. Move-only; tasks of
/// one runtime only.
template <class T>
class sender {
 public:
  /// Adopts the shared state `s` (used by `channel()`).
  explicit sender(std::shared_ptr<detail::state<T>> s) noexcept : s_(std::move(s)) {}
  /// Takes over the channel of `other`.
  sender(sender&&) noexcept = default;
  /// Closes the current channel, then takes over that of `other`.
  sender& operator=(sender&& other) noexcept {
    sender moved(std::move(other));
    std::swap(s_, moved.s_);
    return *this;
  }
  ~sender() {
    if (s_ == nullptr) return;
    s_->closed_ = true;
    s_->wake_all();
  }

  /// Replaces the value and wakes every receiver waiting in changed(). The value is stored even
  /// with no receiver (a later subscribe() starts from it).
  void send(T value) {
    s_->value_ = std::move(value);
    s_->publish();
  }

  /// Changes the value in place (`f(T&)`), then wakes every waiting receiver.
  template <class F>
  void send_modify(F&& f) {
    std::forward<F>(f)(s_->value_);
    s_->publish();
  }

  /// The current value (valid until the next send).
  const T& borrow() const noexcept { return s_->value_; }

  /// A new receiver that has seen the current value.
  receiver<T> subscribe() const { return receiver<T>(s_); }

  /// The number of live receivers.
  std::size_t receiver_count() const noexcept { return s_->receivers_; }

 private:
  std::shared_ptr<detail::state<T>> s_;
};

/// A receiving end of a `channel()`. Copying it gives a receiver that has seen what this one
/// has seen. Tasks of one runtime only.
template <class T>
class receiver {
 public:
  /// A receiver of the state `s` that has seen its current value (used by `channel()`).
  explicit receiver(std::shared_ptr<detail::state<T>> s) noexcept
      : s_(std::move(s)), seen_(s_->version_) {
    ++s_->receivers_;
  }
  /// A receiver that has seen what `other` has seen.
  receiver(const receiver& other) noexcept : s_(other.s_), seen_(other.seen_) { ++s_->receivers_; }
  /// Takes over `other`, with what it has seen.
  receiver(receiver&& other) noexcept : s_(std::move(other.s_)), seen_(other.seen_) {}
  /// Takes over the channel of `other`, with what it has seen.
  receiver& operator=(receiver other) noexcept {
    std::swap(s_, other.s_);
    std::swap(seen_, other.seen_);
    return *this;
  }
  ~receiver() {
    if (s_ != nullptr) --s_->receivers_;
  }

  /// The current value, leaving it unseen (valid until the next send).
  const T& borrow() const noexcept { return s_->value_; }
  /// The current value, marking it seen.
  const T& borrow_and_update() noexcept {
    seen_ = s_->version_;
    return s_->value_;
  }

  /// Whether a value this receiver has not seen is there; errc::closed once the sender is gone
  /// and nothing is unseen.
  result<bool> has_changed() const noexcept {
    if (unseen()) return true;
    if (s_->closed_) return errc::closed;
    return false;
  }

  /// The awaitable returned by `changed()`. Cancel-safe: abandoning it loses nothing; the value
  /// stays unseen.
  class changed_awaitable : public kov::detail::settle_wait<changed_awaitable> {
   public:
    /// Prepares to wait on `r`.
    explicit changed_awaitable(receiver& r) noexcept
        : kov::detail::settle_wait<changed_awaitable>(r.s_->waiters_), r_(r) {}
    /// Awaitable protocol (through the wait base): true when the await can complete now.
    bool settled() const noexcept { return r_.settled(); }
    /// Awaitable protocol: marks the newest value seen; errc::closed if the sender is gone and it
    /// was seen already.
    result<void> await_resume() noexcept {
      if (r_.unseen()) {
        r_.seen_ = r_.s_->version_;
        return {};
      }
      return errc::closed;
    }

   private:
    receiver& r_;
  };

  /// Completes when a value this receiver has not seen is there (at once if one is already), and
  /// marks it seen; errc::closed when the sender is gone and nothing is unseen.
  changed_awaitable changed() noexcept { return changed_awaitable(*this); }

 private:
  bool unseen() const noexcept { return seen_ != s_->version_; }
  bool settled() const noexcept { return unseen() || s_->closed_; }

  std::shared_ptr<detail::state<T>> s_;
  std::uint64_t seen_;
};

/// A channel holding `initial`; the receiver has seen it.
template <class T>
std::pair<sender<T>, receiver<T>> channel(T initial) {
  auto s = std::make_shared<detail::state<T>>(std::move(initial));
  receiver<T> rx(s);
  return {sender<T>(std::move(s)), std::move(rx)};
}

}  // namespace kov::watch
