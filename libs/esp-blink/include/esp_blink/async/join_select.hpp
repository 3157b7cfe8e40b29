// join and select of two pollables.
//
//   auto [a, b] = co_await join(x.wait(), y.recv());    // both, in any order
//   auto r = co_await select(button.wait(), sleep);     // the first; r.index says which
//
// join polls each side until it is ready and completes when both are. select polls the first
// side, then the second, and completes with the first that is ready (the first side wins a
// tie); the other side is destroyed with the select, which takes its waker back, and whatever
// event it was waiting for stays where it was (a latched signal, an item in a channel).
#pragma once

#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/waker.hpp>
#include <esp_blink/detail/traits.hpp>

#include <stdint.h>

namespace esp_blink::async {

/// join's result: both sides' results.
template <typename A, typename B>
struct both {
  A first;   ///< The first pollable's result.
  B second;  ///< The second pollable's result.
};

/// select's result: `index` 0 or 1 names the side that completed; only that member is set.
template <typename A, typename B>
struct either {
  uint8_t index;  ///< 0: the first side completed, 1: the second.
  A first;        ///< The first side's result, if it completed (else value-initialized).
  B second;       ///< The second side's result, if it completed (else value-initialized).
};

/// The pollable join() returns: polls each side until it is ready, ready when both are.
template <pollable A, pollable B>
class join_op {
 public:
  /// Takes both pollables over (before either is polled).
  join_op(A a, B b) noexcept : a_(::esp_blink::detail::move(a)), b_(::esp_blink::detail::move(b)) {}

  /// Pollable protocol: polls the sides not yet ready; ready once both are.
  bool poll(const waker& w) {
    if (!a_ready_) a_ready_ = a_.poll(w);
    if (!b_ready_) b_ready_ = b_.poll(w);
    return a_ready_ && b_ready_;
  }
  /// Pollable protocol: both results.
  auto take() { return both<decltype(a_.take()), decltype(b_.take())>{a_.take(), b_.take()}; }

 private:
  A a_;
  B b_;
  bool a_ready_ = false;
  bool b_ready_ = false;
};

/// The pollable select() returns: ready when either side is, the first side winning a tie.
/// The losing side is destroyed with it, taking its waker back; its event stays pending.
template <pollable A, pollable B>
class select_op {
 public:
  /// Takes both pollables over (before either is polled).
  select_op(A a, B b) noexcept
      : a_(::esp_blink::detail::move(a)), b_(::esp_blink::detail::move(b)) {}

  /// Pollable protocol: polls the first side, then the second; ready at the first that is.
  bool poll(const waker& w) {
    if (a_.poll(w)) {
      winner_ = 0;
      return true;
    }
    if (b_.poll(w)) {
      winner_ = 1;
      return true;
    }
    return false;
  }
  /// Pollable protocol: the winner's result, with `index` naming it.
  auto take() {
    either<decltype(a_.take()), decltype(b_.take())> r{};
    r.index = winner_;
    if (winner_ == 0) {
      r.first = a_.take();
    } else {
      r.second = b_.take();
    }
    return r;
  }

 private:
  A a_;
  B b_;
  uint8_t winner_ = 0;
};

/// Completes when both complete, with both results.
template <pollable A, pollable B>
join_op<A, B> join(A a, B b) noexcept {
  return join_op<A, B>(::esp_blink::detail::move(a), ::esp_blink::detail::move(b));
}

/// Completes when either completes, with that one's result (the first wins a tie).
template <pollable A, pollable B>
select_op<A, B> select(A a, B b) noexcept {
  return select_op<A, B>(::esp_blink::detail::move(a), ::esp_blink::detail::move(b));
}

}  // namespace esp_blink::async
