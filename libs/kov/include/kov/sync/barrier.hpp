// kov::barrier: n tasks wait until all n have arrived, then all go on; one of them (the last to
// arrive) is told it is the leader. Reusable: the next n waits form the next generation.
//
//   kov::barrier b(3);
//   if ((co_await b.wait()).is_leader()) merge_results();
//
// Tasks of one runtime only. Cancel-safety of wait(): a waiter abandoned before its generation
// was complete withdraws its arrival (the generation then needs one more); one abandoned after
// it was released loses nothing (the others were released with it).
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/waker.hpp>

#include <cstddef>
#include <cstdint>

namespace kov {

/// What `barrier::wait()` gives each waiter: tells the one leader of its generation apart.
class barrier_wait_result {
 public:
  /// Records whether this waiter is the leader.
  explicit barrier_wait_result(bool leader) noexcept : leader_(leader) {}
  /// True for exactly one waiter of each generation: the one whose arrival completed it.
  bool is_leader() const noexcept { return leader_; }

 private:
  bool leader_;
};

// Invariant: waiting_ counts the nodes on waiters_ (the arrivals of the current generation), and
// is always below n_.
/// Makes `n` tasks wait until all `n` have arrived, then releases them together, telling the last
/// to arrive that it leads. Reusable: the next `n` waits form the next generation. Tasks of one
/// runtime only.
class barrier {
 public:
  /// A barrier for `n` tasks; 0 behaves as 1 (every wait completes at once, as leader).
  explicit barrier(std::size_t n) noexcept : n_(n == 0 ? 1 : n) {}
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;
  ~barrier() { KOV_ASSERT(waiters_.empty(), "kov::barrier destroyed with waiters"); }

  /// The awaitable returned by `wait()`; resumes with a `barrier_wait_result`. Cancel-safe: one
  /// abandoned before its generation is complete withdraws its arrival, one abandoned after loses
  /// nothing.
  class wait_awaitable {
   public:
    /// Prepares an arrival at `b`; nothing is counted until the await.
    explicit wait_awaitable(barrier& b) noexcept : b_(b) {}
    wait_awaitable(const wait_awaitable&) = delete;
    wait_awaitable& operator=(const wait_awaitable&) = delete;
    ~wait_awaitable() {
      if (node_.linked_) {  // its generation is not complete: withdraw the arrival
        b_.waiters_.remove(node_);
        --b_.waiting_;
      }
    }

    /// Awaitable protocol: completes at once if this arrival completes the generation (as leader).
    bool await_ready() noexcept {
      if (!b_.completes() || !detail::coop_proceed()) return false;
      lead();
      return true;
    }
    /// Awaitable protocol: counts the arrival and waits for the rest of the generation.
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (b_.completes()) {  // but out of budget
        lead();
        detail::yield_current();
        return;
      }
      node_.waker_ = waker::current();
      b_.waiters_.push_back(node_);
      ++b_.waiting_;
    }
    /// Awaitable protocol: tells whether this waiter led its generation.
    barrier_wait_result await_resume() noexcept {
      node_.granted_ = false;
      return barrier_wait_result(leader_);
    }

   private:
    void lead() noexcept {
      leader_ = true;
      b_.release_generation();
    }

    barrier& b_;
    detail::wait_node node_;
    bool leader_ = false;
  };

  /// Waits until n tasks (this one included) are waiting; the last to arrive is the leader.
  wait_awaitable wait() noexcept { return wait_awaitable(*this); }

  /// The number of tasks of each generation (`n`, or 1 for `barrier(0)`).
  std::size_t size() const noexcept { return n_; }
  /// Tasks waiting in the current generation.
  std::size_t waiting() const noexcept { return waiting_; }
  /// Completed generations.
  std::uint64_t generation() const noexcept { return generation_; }

 private:
  bool completes() const noexcept { return waiting_ + 1 == n_; }
  void release_generation() noexcept {
    ++generation_;
    waiting_ = 0;
    waiters_.grant_all();
  }

  std::size_t n_;
  std::size_t waiting_ = 0;
  std::uint64_t generation_ = 0;
  detail::wait_list waiters_;
};

}  // namespace kov
