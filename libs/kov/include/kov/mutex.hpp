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
/// An async mutex for the tasks of one runtime (not thread-safe). FIFO-fair: unlocking hands
/// the lock straight to the longest waiter, so a task that re-locks in a loop cannot barge ahead.
class mutex {
 public:
  mutex() noexcept = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  ~mutex() { KOV_ASSERT(waiters_.empty(), "kov::mutex destroyed with waiters"); }

  /// RAII ownership of the lock: unlocks the mutex when destroyed, or earlier with `unlock()`.
  class [[nodiscard]] guard {
   public:
    /// A guard that owns nothing.
    guard() noexcept = default;
    /// Adopts the lock of `m`, which the caller must already hold.
    explicit guard(mutex& m) noexcept : m_(&m) {}
    /// Takes over the lock owned by `other`, which is left empty.
    guard(guard&& other) noexcept : m_(std::exchange(other.m_, nullptr)) {}
    /// Unlocks the lock owned now, then takes over the one of `other`.
    guard& operator=(guard&& other) noexcept {
      guard moved(std::move(other));
      std::swap(m_, moved.m_);
      return *this;
    }
    ~guard() { unlock(); }
    /// Releases the lock early (passing it to the next waiter); does nothing if none is owned.
    void unlock() noexcept {
      if (m_ != nullptr) std::exchange(m_, nullptr)->unlock();
    }
    /// True while this guard holds the lock.
    bool owns_lock() const noexcept { return m_ != nullptr; }

   private:
    mutex* m_ = nullptr;
  };

  /// The awaitable returned by `lock()`; resumes with a `guard`. Cancel-safe: destroying it before
  /// it completes loses nothing, and a lock already handed to it passes on to the next waiter.
  class lock_awaitable {
   public:
    /// Prepares to lock `m`; nothing is taken until the await.
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

    /// Awaitable protocol: takes the lock now if it is free and no one is queued.
    bool await_ready() noexcept {
      if (!m_.free() || !detail::coop_proceed()) return false;
      m_.locked_ = true;
      node_.granted_ = true;
      return true;
    }
    /// Awaitable protocol: queues the task in FIFO order until the lock is handed to it.
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
    /// Awaitable protocol: gives the lock as a `guard`.
    guard await_resume() noexcept {
      KOV_ASSERT(node_.granted_, "lock await resumed without the lock");
      node_.granted_ = false;
      return guard(m_);
    }

   private:
    mutex& m_;
    detail::wait_node node_;
  };

  /// Waits (FIFO) for the lock and gives it as a `guard`.
  lock_awaitable lock() noexcept { return lock_awaitable(*this); }

  /// Takes the lock now if it is free and nobody is queued, else nullopt.
  std::optional<guard> try_lock() noexcept {
    if (!free()) return std::nullopt;
    locked_ = true;
    return guard(*this);
  }

  /// True while some guard (or a woken waiter not yet resumed) owns the lock.
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
