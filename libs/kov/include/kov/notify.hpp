// Signals between tasks of one runtime.
//
// kov::notify: notify_one() wakes the longest waiter, or, with nobody waiting, stores one permit
// that the next notified() consumes at once; notify_all() wakes every current waiter.
// kov::event: a manual-reset flag; wait() completes while it is set.
//
// Cancel-safety: abandoning notified() loses nothing (a notification already handed to the
// abandoned waiter passes to the next one, or becomes the permit); abandoning wait() too.
#pragma once

#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/waker.hpp>

namespace kov {

/// Wakes tasks of one runtime (not thread-safe): notify_one() wakes the longest waiter or, with
/// nobody waiting, stores one permit for the next notified(); notify_all() wakes every current
/// waiter and stores nothing. Cancel-safe: abandoning notified() loses no notification.
///
/// Invariant: permit_ is never set while waiters_ is non-empty.
class notify {
 public:
  notify() noexcept = default;
  notify(const notify&) = delete;
  notify& operator=(const notify&) = delete;
  ~notify() { KOV_ASSERT(waiters_.empty(), "kov::notify destroyed with waiters"); }

  /// Wakes the longest waiter, or stores a permit (at most one) if nobody waits.
  void notify_one() noexcept {
    if (detail::wait_node* n = waiters_.pop_front()) {
      detail::wait_list::grant(*n);
    } else {
      permit_ = true;
    }
  }
  /// Wakes every task waiting now; later notified() calls wait (no permit is stored).
  void notify_all() noexcept {
    while (detail::wait_node* n = waiters_.pop_front()) detail::wait_list::grant(*n);
  }

  /// Awaitable returned by notify::notified(): completes when a notification is handed to it.
  class notified_awaitable {
   public:
    /// Waits on `n`.
    explicit notified_awaitable(notify& n) noexcept : n_(n) {}
    notified_awaitable(const notified_awaitable&) = delete;
    notified_awaitable& operator=(const notified_awaitable&) = delete;
    /// Withdraws from the queue; a notification already handed over passes on (to the next
    /// waiter, or as the permit).
    ~notified_awaitable() {
      if (node_.linked_) {
        n_.waiters_.remove(node_);
      } else if (node_.granted_) {
        n_.notify_one();
      }
    }
    /// Awaitable protocol: takes a stored permit (if the task still has budget).
    bool await_ready() noexcept {
      if (!n_.permit_ || !detail::coop_proceed()) return false;
      n_.permit_ = false;
      return true;
    }
    /// Awaitable protocol: takes a permit that arrived since, or joins the queue of waiters.
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (n_.permit_) {
        n_.permit_ = false;
        node_.granted_ = true;
        detail::yield_current();
        return;
      }
      node_.waker_ = waker::current();
      n_.waiters_.push_back(node_);
    }
    /// Awaitable protocol: yields nothing.
    void await_resume() noexcept { node_.granted_ = false; }

   private:
    notify& n_;
    detail::wait_node node_;
  };

  /// Waits for a notification (or takes the stored permit).
  notified_awaitable notified() noexcept { return notified_awaitable(*this); }

 private:
  bool permit_ = false;
  detail::wait_list waiters_;
};

/// A manual-reset flag for tasks of one runtime (not thread-safe): wait() completes while it is
/// set. Cancel-safe: abandoning wait() loses nothing.
///
/// Invariant: waiters_ is empty while set_ is true.
class event {
 public:
  /// A flag, set or not as `initially_set` says.
  explicit event(bool initially_set = false) noexcept : set_(initially_set) {}
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  ~event() { KOV_ASSERT(waiters_.empty(), "kov::event destroyed with waiters"); }

  /// Sets the flag and wakes every waiter.
  void set() noexcept {
    set_ = true;
    while (detail::wait_node* n = waiters_.pop_front()) detail::wait_list::grant(*n);
  }
  /// Clears the flag; later wait() calls wait for the next set().
  void reset() noexcept { set_ = false; }
  /// Whether the flag is set.
  bool is_set() const noexcept { return set_; }

  /// Awaitable returned by event::wait(): completes once the flag is set.
  class wait_awaitable {
   public:
    /// Waits on `e`.
    explicit wait_awaitable(event& e) noexcept : e_(e) {}
    wait_awaitable(const wait_awaitable&) = delete;
    wait_awaitable& operator=(const wait_awaitable&) = delete;
    ~wait_awaitable() {
      if (node_.linked_) e_.waiters_.remove(node_);
    }
    /// Awaitable protocol: ready while the flag is set (and the task still has budget).
    bool await_ready() const noexcept { return e_.set_ && detail::coop_proceed(); }
    /// Awaitable protocol: joins the waiters (or yields once if the flag is set).
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (e_.set_) {
        detail::yield_current();
        return;
      }
      node_.waker_ = waker::current();
      e_.waiters_.push_back(node_);
    }
    /// Awaitable protocol: yields nothing.
    void await_resume() const noexcept {}

   private:
    event& e_;
    detail::wait_node node_;
  };

  /// Waits until the flag is set (at once if it already is).
  wait_awaitable wait() noexcept { return wait_awaitable(*this); }

 private:
  bool set_;
  detail::wait_list waiters_;
};

}  // namespace kov
