// kov::semaphore: counted permits for tasks of one runtime, FIFO-fair (a large request at the
// head is not overtaken by later small ones).
//
//   kov::semaphore sem(4);
//   auto p = co_await sem.acquire();   // released when p is destroyed
//
// Cancel-safety of acquire(): abandoning the await loses nothing; permits already handed to the
// abandoned waiter are returned.
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/waker.hpp>

#include <cstddef>
#include <optional>
#include <utility>

namespace kov {

// Invariant: permits_ counts free permits; the head waiter (if any) wants more than permits_.
/// Counted permits shared by the tasks of one runtime (not thread-safe), granted in FIFO order:
/// a large request at the head of the queue is not overtaken by later small ones.
class semaphore {
 public:
  /// Starts with `permits` free permits.
  explicit semaphore(std::size_t permits) noexcept : permits_(permits) {}
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  ~semaphore() { KOV_ASSERT(waiters_.empty(), "kov::semaphore destroyed with waiters"); }

  /// RAII ownership of `count()` permits: returns them to the semaphore when destroyed.
  class [[nodiscard]] permit {
   public:
    /// An empty permit that holds nothing.
    permit() noexcept = default;
    /// Takes ownership of `n` permits already subtracted from `s`.
    permit(semaphore& s, std::size_t n) noexcept : s_(&s), n_(n) {}
    /// Moves the permits out of `other`, which is left empty.
    permit(permit&& other) noexcept
        : s_(std::exchange(other.s_, nullptr)), n_(std::exchange(other.n_, 0)) {}
    /// Returns the permits held now, then takes over those of `other`.
    permit& operator=(permit&& other) noexcept {
      permit moved(std::move(other));
      std::swap(s_, moved.s_);
      std::swap(n_, moved.n_);
      return *this;
    }
    ~permit() {
      if (s_ != nullptr) s_->release(n_);
    }
    /// Keeps the permits taken (they are not returned on destruction).
    void forget() noexcept { s_ = nullptr; }
    /// The number of permits held (0 for an empty or moved-from permit).
    std::size_t count() const noexcept { return n_; }

   private:
    semaphore* s_ = nullptr;
    std::size_t n_ = 0;
  };

  /// The awaitable returned by `acquire()`; resumes with a `permit`. Cancel-safe: destroying it
  /// before it completes loses nothing and returns permits already handed to it.
  class acquire_awaitable {
   public:
    /// Requests `n` permits of `s`; nothing is taken until the await.
    acquire_awaitable(semaphore& s, std::size_t n) noexcept : s_(s) { node_.want_ = n; }
    acquire_awaitable(const acquire_awaitable&) = delete;
    acquire_awaitable& operator=(const acquire_awaitable&) = delete;
    ~acquire_awaitable() {
      if (node_.linked_) {
        s_.waiters_.remove(node_);
        s_.dispatch();  // we may have been the head that blocked smaller requests
      } else if (node_.granted_) {
        s_.release(node_.want_);
      }
    }

    /// Awaitable protocol: takes the permits now if they are free and no one is queued.
    bool await_ready() noexcept {
      if (!s_.available(node_.want_) || !detail::coop_proceed()) return false;
      s_.permits_ -= node_.want_;
      node_.granted_ = true;
      return true;
    }
    /// Awaitable protocol: queues the task in FIFO order until the permits are granted.
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (s_.available(node_.want_)) {
        s_.permits_ -= node_.want_;
        node_.granted_ = true;
        detail::yield_current();
        return;
      }
      node_.waker_ = waker::current();
      s_.waiters_.push_back(node_);
    }
    /// Awaitable protocol: gives the granted permits as a `permit`.
    permit await_resume() noexcept {
      KOV_ASSERT(node_.granted_, "acquire resumed without permits");
      node_.granted_ = false;
      return permit(s_, node_.want_);
    }

   private:
    semaphore& s_;
    detail::wait_node node_;
  };

  /// Waits (FIFO) until `n` permits are free and gives them as a `permit`.
  acquire_awaitable acquire(std::size_t n = 1) noexcept { return acquire_awaitable(*this, n); }

  /// Takes `n` permits now if they are free and no earlier waiter is queued, else nullopt.
  std::optional<permit> try_acquire(std::size_t n = 1) noexcept {
    if (!available(n)) return std::nullopt;
    permits_ -= n;
    return permit(*this, n);
  }

  /// Adds `n` permits, granting waiters in FIFO order while the head's request fits.
  void release(std::size_t n = 1) noexcept {
    permits_ += n;
    dispatch();
  }

  /// The number of free permits not yet granted.
  std::size_t available_permits() const noexcept { return permits_; }

 private:
  bool available(std::size_t n) const noexcept { return waiters_.empty() && permits_ >= n; }
  void dispatch() noexcept {
    while (detail::wait_node* head = waiters_.front()) {
      if (head->want_ > permits_) break;
      permits_ -= head->want_;
      waiters_.pop_front();
      detail::wait_list::grant(*head);
    }
  }

  std::size_t permits_;
  detail::wait_list waiters_;
};

}  // namespace kov
