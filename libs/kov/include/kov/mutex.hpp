// kov::mutex: an async mutex for tasks of one runtime, FIFO-fair: unlock hands the lock to the
// longest waiter directly, so a task that unlocks and re-locks in a loop cannot barge ahead.
//
//   kov::mutex m;
//   { auto g = co_await m.lock(); ... }   // unlocked when g is destroyed
//
// Cancel-safety of lock(): abandoning the await loses nothing; if the lock had already been
// handed to the abandoned waiter, it passes on to the next one.
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/waker.hpp>

#include <optional>
#include <utility>

namespace kov {

// Invariant: locked_ is true while some guard (or a granted, unconsumed waiter) owns the lock;
// when waiters_ is non-empty, locked_ is true.
class mutex {
 public:
  mutex() noexcept = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  ~mutex() { KOV_ASSERT(waiters_.empty(), "kov::mutex destroyed with waiters"); }

  class [[nodiscard]] guard {
   public:
    guard() noexcept = default;
    explicit guard(mutex& m) noexcept : m_(&m) {}
    guard(guard&& other) noexcept : m_(std::exchange(other.m_, nullptr)) {}
    guard& operator=(guard&& other) noexcept {
      guard moved(std::move(other));
      std::swap(m_, moved.m_);
      return *this;
    }
    ~guard() { unlock(); }
    void unlock() noexcept {
      if (m_ != nullptr) std::exchange(m_, nullptr)->unlock();
    }
    bool owns_lock() const noexcept { return m_ != nullptr; }

   private:
    mutex* m_ = nullptr;
  };

  class lock_awaitable {
   public:
    explicit lock_awaitable(mutex& m) noexcept : m_(m) {}
    lock_awaitable(const lock_awaitable&) = delete;
    lock_awaitable& operator=(const lock_awaitable&) = delete;
    ~lock_awaitable() {
      if (node_.linked_) {
        m_.waiters_.remove(node_);
      } else if (node_.granted_) {
        m_.unlock();  // handed to us but never taken: pass it on
      }
    }

    bool await_ready() noexcept {
      if (!m_.free() || !detail::coop_proceed()) return false;
      m_.locked_ = true;
      node_.granted_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (m_.free()) {  // free, but the task is out of budget: take it, then yield
        m_.locked_ = true;
        node_.granted_ = true;
        detail::yield_current();
        return;
      }
      node_.waker_ = waker::current();
      m_.waiters_.push_back(node_);
    }
    guard await_resume() noexcept {
      KOV_ASSERT(node_.granted_, "lock await resumed without the lock");
      node_.granted_ = false;
      return guard(m_);
    }

   private:
    mutex& m_;
    detail::wait_node node_;
  };

  lock_awaitable lock() noexcept { return lock_awaitable(*this); }

  std::optional<guard> try_lock() noexcept {
    if (!free()) return std::nullopt;
    locked_ = true;
    return guard(*this);
  }

  bool is_locked() const noexcept { return locked_; }

 private:
  bool free() const noexcept { return !locked_ && waiters_.empty(); }
  void unlock() noexcept {
    KOV_ASSERT(locked_, "unlocking an unlocked kov::mutex");
    if (detail::wait_node* next = waiters_.pop_front()) {
      detail::wait_list::grant(*next);  // stays locked: ownership moves to `next`
    } else {
      locked_ = false;
    }
  }

  bool locked_ = false;
  detail::wait_list waiters_;
};

}  // namespace kov
