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

// Invariant: permit_ is never set while waiters_ is non-empty.
class notify {
 public:
  notify() noexcept = default;
  notify(const notify&) = delete;
  notify& operator=(const notify&) = delete;
  ~notify() { KOV_ASSERT(waiters_.empty(), "kov::notify destroyed with waiters"); }

  void notify_one() noexcept {
    if (detail::wait_node* n = waiters_.pop_front()) {
      detail::wait_list::grant(*n);
    } else {
      permit_ = true;
    }
  }
  void notify_all() noexcept {
    while (detail::wait_node* n = waiters_.pop_front()) detail::wait_list::grant(*n);
  }

  class notified_awaitable {
   public:
    explicit notified_awaitable(notify& n) noexcept : n_(n) {}
    notified_awaitable(const notified_awaitable&) = delete;
    notified_awaitable& operator=(const notified_awaitable&) = delete;
    ~notified_awaitable() {
      if (node_.linked_) {
        n_.waiters_.remove(node_);
      } else if (node_.granted_) {
        n_.notify_one();
      }
    }
    bool await_ready() noexcept {
      if (!n_.permit_ || !detail::coop_proceed()) return false;
      n_.permit_ = false;
      return true;
    }
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
    void await_resume() noexcept { node_.granted_ = false; }

   private:
    notify& n_;
    detail::wait_node node_;
  };

  notified_awaitable notified() noexcept { return notified_awaitable(*this); }

 private:
  bool permit_ = false;
  detail::wait_list waiters_;
};

// Invariant: waiters_ is empty while set_ is true.
class event {
 public:
  explicit event(bool initially_set = false) noexcept : set_(initially_set) {}
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  ~event() { KOV_ASSERT(waiters_.empty(), "kov::event destroyed with waiters"); }

  void set() noexcept {
    set_ = true;
    while (detail::wait_node* n = waiters_.pop_front()) detail::wait_list::grant(*n);
  }
  void reset() noexcept { set_ = false; }
  bool is_set() const noexcept { return set_; }

  class wait_awaitable {
   public:
    explicit wait_awaitable(event& e) noexcept : e_(e) {}
    wait_awaitable(const wait_awaitable&) = delete;
    wait_awaitable& operator=(const wait_awaitable&) = delete;
    ~wait_awaitable() {
      if (node_.linked_) e_.waiters_.remove(node_);
    }
    bool await_ready() const noexcept { return e_.set_ && detail::coop_proceed(); }
    void await_suspend(std::coroutine_handle<>) noexcept {
      if (e_.set_) {
        detail::yield_current();
        return;
      }
      node_.waker_ = waker::current();
      e_.waiters_.push_back(node_);
    }
    void await_resume() const noexcept {}

   private:
    event& e_;
    detail::wait_node node_;
  };

  wait_awaitable wait() noexcept { return wait_awaitable(*this); }

 private:
  bool set_;
  detail::wait_list waiters_;
};

}  // namespace kov
