// A fixed set of child tasks watched through their completion hooks (when_all, when_any).
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/task_ref.hpp>
#include <kov/result.hpp>
#include <kov/waker.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <variant>

namespace kov::detail {

template <class T>
using value_or_monostate_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// Invariant: children_[i] is the i-th watched child (the join handles own the results); while a
// child is unfinished its hook points at slots_[i]; first_ is the index of the first child to
// finish (N until then); pending_ counts unfinished children.
template <std::size_t N>
class child_group {
 public:
  explicit child_group(bool first_wins) noexcept : first_wins_(first_wins) {
    for (std::size_t i = 0; i < N; ++i) slots_[i] = slot{this, i};
  }
  child_group(const child_group&) = delete;
  child_group& operator=(const child_group&) = delete;
  // Structured: the children do not outlive the group. Their destructors have run on return.
  ~child_group() {
    for (const task_ref& c : children_) {
      if (!c || c.finished()) continue;
      c.set_hook({});
      c.abort();
    }
  }

  void watch(std::size_t i, const task_ref& child) noexcept {
    children_[i] = child;
    child.set_hook({&on_finished, &slots_[i]});
  }

  std::size_t first() const noexcept { return first_; }

  class wait_awaitable {
   public:
    explicit wait_awaitable(child_group& g) noexcept : g_(g) {}
    bool await_ready() const noexcept { return g_.done(); }
    void await_suspend(std::coroutine_handle<>) noexcept { g_.waiter_ = waker::current(); }
    void await_resume() noexcept { g_.waiter_.reset(); }

   private:
    child_group& g_;
  };
  wait_awaitable wait() noexcept { return wait_awaitable(*this); }

 private:
  struct slot {
    child_group* group;
    std::size_t index;
  };

  bool done() const noexcept { return first_wins_ ? first_ != N : pending_ == 0; }

  static void on_finished(void* ctx, task_header&) noexcept {
    // Safety: hooks are cleared (or the child finished) before the group is destroyed.
    const slot& s = *static_cast<const slot*>(ctx);
    child_group& g = *s.group;
    g.children_[s.index].set_hook({});
    --g.pending_;
    if (g.first_ == N) {
      g.first_ = s.index;
      // The losers are aborted now, before any of them can run again and take something.
      if (g.first_wins_) {
        for (std::size_t j = 0; j < N; ++j) {
          const task_ref& c = g.children_[j];
          if (j != s.index && c && !c.finished()) c.abort();
        }
      }
    }
    if (g.done()) g.waiter_.wake();
  }

  std::array<task_ref, N> children_{};
  std::array<slot, N> slots_{};
  std::size_t pending_ = N;
  std::size_t first_ = N;
  bool first_wins_;
  waker waiter_;
};

template <class T>
value_or_monostate_t<T> unwrap(result<T>&& r) {
  if constexpr (std::is_void_v<T>) {
    r.value();
    return {};
  } else {
    return std::move(r).value();
  }
}

}  // namespace kov::detail
