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
class semaphore {
 public:
  explicit semaphore(std::size_t permits) noexcept : permits_(permits) {}
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  ~semaphore() { KOV_ASSERT(waiters_.empty(), "kov::semaphore destroyed with waiters"); }

  class [[nodiscard]] permit {
   public:
    permit() noexcept = default;
    permit(semaphore& s, std::size_t n) noexcept : s_(&s), n_(n) {}
    permit(permit&& other) noexcept
        : s_(std::exchange(other.s_, nullptr)), n_(std::exchange(other.n_, 0)) {}
    permit& operator=(permit&& other) noexcept {
      permit moved(std::move(other));
      std::swap(s_, moved.s_);
      std::swap(n_, moved.n_);
      return *this;
    }
    ~permit() {
      if (s_ != nullptr) s_->release(n_);
    }
    // Keeps the permits taken (they are not returned on destruction).
    void forget() noexcept { s_ = nullptr; }
    std::size_t count() const noexcept { return n_; }

   private:
    semaphore* s_ = nullptr;
    std::size_t n_ = 0;
  };

  class acquire_awaitable {
   public:
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

    bool await_ready() noexcept {
      if (!s_.available(node_.want_) || !detail::coop_proceed()) return false;
      s_.permits_ -= node_.want_;
      node_.granted_ = true;
      return true;
    }
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
    permit await_resume() noexcept {
      KOV_ASSERT(node_.granted_, "acquire resumed without permits");
      node_.granted_ = false;
      return permit(s_, node_.want_);
    }

   private:
    semaphore& s_;
    detail::wait_node node_;
  };

  acquire_awaitable acquire(std::size_t n = 1) noexcept { return acquire_awaitable(*this, n); }

  std::optional<permit> try_acquire(std::size_t n = 1) noexcept {
    if (!available(n)) return std::nullopt;
    permits_ -= n;
    return permit(*this, n);
  }

  // Adds `n` permits, granting waiters in FIFO order while the head's request fits.
  void release(std::size_t n = 1) noexcept {
    permits_ += n;
    dispatch();
  }

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
