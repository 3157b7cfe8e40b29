// kov::cancellation_token: a flag that says "stop", raised once by cancel() from any thread and
// seen by tasks (co_await token.cancelled(), is_cancelled()) and by callbacks registered on it.
// Tokens form a tree: cancelling one cancels every child token made from it (and theirs), never
// its parent.
//
//   kov::cancellation_token stop;
//   auto job = kov::spawn(worker(stop.child_token()));
//   std::thread([stop] { stop.cancel(); }).detach();   // any thread
//   co_await stop.cancelled();                         // completes once cancelled
//
// Copies share one state (a reference count); the state of a child lives while any copy of it,
// or any copy of one of its children, does. A child whose last copy is dropped leaves its
// parent's list at once, so a long-lived parent does not collect dead children.
//
// Cancel-safety of cancelled(): abandoning the await loses nothing (the token stays cancelled
// or not; the registration is withdrawn). tests/model/token_model_test.cpp runs this code under
// Relacy against a cancel from another thread.
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/detail/atomic.hpp>
#include <kov/detail/intrusive_list.hpp>
#include <kov/detail/remote.hpp>
#include <kov/detail/runtime_core.hpp>

#include <coroutine>
#include <cstdint>
#include <utility>

namespace kov {
namespace detail {

// One suspended cancelled() await; lives in its awaitable. linked_ is guarded by the node's lock.
struct token_waiter {
  list_link<token_waiter> link_;
  slot_ref slot_;
  bool linked_ = false;
};

// One registered callback; lives in its cancel_callback. linked_ is guarded by the node's lock.
struct token_callback {
  list_link<token_callback> link_;
  void (*run_)(token_callback&) noexcept = nullptr;
  bool linked_ = false;
};

// The shared state of a token and its copies.
//
// Invariant: refs_ counts the token copies, awaitables and callbacks using this node, and the
// children (each holds one reference on its parent); a cancel in progress holds one more on each
// child it took off the list. cancelled_ goes false -> true once, under lock_. Under lock_:
// waiters_ and callbacks_ hold exactly the linked entries, children_ the children whose
// in_parent_ is set (in_parent_ itself is guarded by the parent's lock_), running_ is the
// callback a cancel is running now. The release of a child's reference is done under its
// parent's lock, so a child on children_ always has refs_ > 0 there.
class token_node {
 public:
  static token_node* make_root() { return new token_node(nullptr); }

  // A new child of `parent`, cancelled already if the parent is.
  static token_node* make_child(token_node& parent) {
    auto* child = new token_node(&parent);
    parent.retain();
    parent.lock_.lock();
    if (parent.cancelled_.load(order::relaxed)) {  // Ordering: relaxed: read under lock_
      // Ordering: relaxed: the node is not shared yet; handing it over publishes it.
      child->cancelled_.store(true, order::relaxed);
    } else {
      parent.children_.push_back(*child);
      child->in_parent_ = true;
    }
    parent.lock_.unlock();
    return child;
  }

  void retain() noexcept {
    // Ordering: relaxed: the caller holds a reference, so the node cannot go meanwhile.
    refs_.fetch_add(1, order::relaxed);
  }

  // Drops one reference; the last one frees the node, then drops its reference on the parent
  // (a loop, not a recursion: a chain of a million children unwinds in constant stack).
  void release() noexcept {
    token_node* node = this;
    while (node != nullptr && node->drop_reference()) {
      node->end_probe_.on_write();
      token_node* parent = node->parent_;
      delete node;
      node = parent;
    }
  }

  bool is_cancelled() const noexcept {
    // Ordering: acquire: pairs with the release store in cancel_one(), so what the cancelling
    // thread wrote before cancel() is visible to whoever sees the flag.
    return cancelled_.load(order::acquire);
  }

  // Cancels this node and every descendant, running their callbacks on this thread. Returns
  // when all is done, unless another thread's cancel got there first (then at once).
  void cancel() noexcept {
    token_node* pending = nullptr;  // children taken off their lists, each with a reference
    cancel_one(pending);
    while (pending != nullptr) {
      token_node* child = std::exchange(pending, pending->next_to_cancel_);
      child->cancel_one(pending);
      child->release();
    }
  }

  // Links `w` to be woken by the cancel; false (not linked) if cancelled already.
  bool add_waiter(token_waiter& w) noexcept { return link_unless_cancelled(waiters_, w); }

  void remove_waiter(token_waiter& w) noexcept {
    lock_.lock();
    if (w.linked_) {
      waiters_.erase(w);
      w.linked_ = false;
    }
    lock_.unlock();
  }

  // Links `cb` to be run by the cancel; false (not linked) if cancelled already.
  bool add_callback(token_callback& cb) noexcept { return link_unless_cancelled(callbacks_, cb); }

  // Unlinks `cb`. If a cancel on another thread is running it now, waits until it has returned,
  // so the callback's captures may be destroyed after this; from inside the callback itself it
  // returns at once.
  void remove_callback(token_callback& cb) noexcept {
    for (;;) {
      lock_.lock();
      if (cb.linked_) {
        callbacks_.erase(cb);
        cb.linked_ = false;
      }
      const bool wait = running_ == &cb && running_on_ != this_thread_id();
      lock_.unlock();
      if (!wait) return;
      wait_a_moment();
    }
  }

 private:
  explicit token_node(token_node* parent) noexcept : parent_(parent) {}

  template <class List, class Entry>
  bool link_unless_cancelled(List& list, Entry& e) noexcept {
    lock_.lock();
    const bool cancelled = cancelled_.load(order::relaxed);  // Ordering: relaxed: under lock_
    if (!cancelled) {
      list.push_back(e);
      e.linked_ = true;
    }
    lock_.unlock();
    return !cancelled;
  }

  // True if that was the last reference. A child drops it under its parent's lock and leaves
  // the parent's list with it, so a cancel of the parent never takes a child at zero.
  bool drop_reference() noexcept {
    if (parent_ != nullptr) parent_->lock_.lock();
    end_probe_.on_read();
    // Ordering: acq_rel: release orders this user's accesses before the free; acquire orders
    // the free after every other user's.
    const bool last = refs_.fetch_sub(1, order::acq_rel) == 1;
    if (last && in_parent_) {
      parent_->children_.erase(*this);
      in_parent_ = false;
    }
    if (parent_ != nullptr) parent_->lock_.unlock();
    return last;
  }

  // Cancels this node alone: sets the flag, wakes the waiters, moves the children onto
  // `pending` (with a reference each) and runs the callbacks, in the order they were added.
  void cancel_one(token_node*& pending) noexcept {
    lock_.lock();
    if (cancelled_.load(order::relaxed)) {  // Ordering: relaxed: under lock_
      lock_.unlock();
      return;
    }
    // Ordering: release: pairs with is_cancelled()'s acquire load, which reads it without lock_.
    cancelled_.store(true, order::release);
    while (token_waiter* w = waiters_.pop_front()) {
      w->linked_ = false;
      // Safety: w lives in its awaitable, whose destructor takes lock_ (remove_waiter) before
      // it goes; it is still alive while we hold lock_.
      remote_wake(*w->slot_.get());
    }
    while (token_node* child = children_.pop_front()) {
      child->in_parent_ = false;
      child->retain();  // Safety: refs_ > 0 for a child on the list (see the invariant)
      child->next_to_cancel_ = pending;
      pending = child;
    }
    while (token_callback* cb = callbacks_.pop_front()) {
      cb->linked_ = false;
      running_ = cb;
      running_on_ = this_thread_id();
      lock_.unlock();
      // Safety: remove_callback() waits while running_ is cb, so cb outlives this call.
      cb->run_(*cb);
      lock_.lock();
      running_ = nullptr;
    }
    lock_.unlock();
  }

  atomic<std::uint32_t> refs_{1};
  atomic<bool> cancelled_{false};
  mutex lock_;
  token_node* const parent_;  // counted reference, or null for a root
  list_link<token_node> sibling_;
  bool in_parent_ = false;
  token_node* next_to_cancel_ = nullptr;  // only the cancel that took this node off the list
  intrusive_list<token_node, member_link<&token_node::sibling_>> children_;
  intrusive_list<token_waiter, member_link<&token_waiter::link_>> waiters_;
  intrusive_list<token_callback, member_link<&token_callback::link_>> callbacks_;
  token_callback* running_ = nullptr;
  thread_id running_on_{};
  // Model builds: each user's last touch and the free, so Relacy sees a free that another
  // thread's use is not ordered before.
  [[no_unique_address]] race_probe end_probe_;
};

}  // namespace detail

template <class F>
class cancel_callback;
class cancelled_awaitable;
namespace detail {
struct token_access;  // the model test's window onto a token's node
}  // namespace detail

// Invariant: node_ is one counted reference to the shared state (null only when moved from).
/// A flag that says "stop", raised once by `cancel()` from any thread and seen by tasks
/// (`co_await token.cancelled()`, `is_cancelled()`) and by callbacks registered with
/// `on_cancel()`. Tokens form a tree: cancelling one cancels every child token made from it (and
/// theirs), never its parent. Copies share one state; a child's state lives while any copy of it
/// or of one of its children does.
class cancellation_token {
 public:
  /// A new token, not cancelled, with no parent.
  cancellation_token() : node_(detail::token_node::make_root()) {}
  /// Another handle on the same token.
  cancellation_token(const cancellation_token& other) noexcept : node_(other.node_) {
    if (node_ != nullptr) node_->retain();
  }
  /// Takes over the token of `other`, which is left unusable.
  cancellation_token(cancellation_token&& other) noexcept
      : node_(std::exchange(other.node_, nullptr)) {}
  /// Drops this handle, then shares the token of `other`.
  cancellation_token& operator=(cancellation_token other) noexcept {
    std::swap(node_, other.node_);
    return *this;
  }
  ~cancellation_token() {
    if (node_ != nullptr) node_->release();
  }

  /// A token cancelled with this one (or on its own); cancelled already if this one is.
  cancellation_token child_token() const {
    return cancellation_token(detail::token_node::make_child(node()));
  }

  /// Cancels this token and all its descendants, from any thread; only the first call does
  /// anything. Wakes every task awaiting cancelled() and runs the callbacks on this thread
  /// (this token's, then its children's) before it returns.
  void cancel() const noexcept { node().cancel(); }

  /// True once cancel() was called on this token or an ancestor. What the cancelling thread
  /// wrote before cancel() is visible after this returns true.
  bool is_cancelled() const noexcept { return node().is_cancelled(); }

  /// co_await token.cancelled(): completes once the token is cancelled (at once if it is). The
  /// awaitable holds its own reference, so the token may be a temporary.
  cancelled_awaitable cancelled() const;

  /// Registers f() to run once when the token is cancelled: on the cancelling thread, or at once
  /// on this one if it is cancelled already. Dropping the returned object deregisters it (see
  /// cancel_callback). `f` must not throw.
  template <class F>
  cancel_callback<F> on_cancel(F f) const {
    return cancel_callback<F>(*this, std::move(f));
  }

 private:
  template <class F>
  friend class cancel_callback;
  friend class cancelled_awaitable;
  friend struct detail::token_access;

  explicit cancellation_token(detail::token_node* adopted) noexcept : node_(adopted) {}
  detail::token_node& node() const noexcept {
    KOV_ASSERT(node_ != nullptr, "cancellation_token used after a move");
    return *node_;
  }

  detail::token_node* node_;
};

/// What cancellation_token::cancelled() returns.
/// Cancel-safe: abandoning the await loses nothing and withdraws the registration.
class cancelled_awaitable {
 public:
  /// Waits on `token` (it holds its own reference, so the token may be a temporary).
  explicit cancelled_awaitable(cancellation_token token) noexcept : token_(std::move(token)) {}
  /// Movable until awaited (so when_any can take it by value).
  cancelled_awaitable(cancelled_awaitable&& other) noexcept : token_(std::move(other.token_)) {
    KOV_ASSERT(!other.waiter_.slot_, "cancelled_awaitable moved while awaited");
  }
  cancelled_awaitable& operator=(cancelled_awaitable&&) = delete;
  ~cancelled_awaitable() {
    if (waiter_.slot_) token_.node().remove_waiter(waiter_);  // abandoned, or done
  }

  /// Awaitable protocol: ready once the token is cancelled.
  bool await_ready() const noexcept { return token_.is_cancelled() && detail::coop_proceed(); }
  /// Awaitable protocol: registers the task to be woken by the cancel.
  void await_suspend(std::coroutine_handle<>) {
    if (token_.is_cancelled()) {  // but out of budget
      detail::yield_current();
      return;
    }
    waiter_.slot_ = detail::task_ref::current().wake_slot();
    KOV_ASSERT(waiter_.slot_, "awaiting cancelled() outside a kov task");
    if (!token_.node().add_waiter(waiter_)) detail::yield_current();
  }
  /// Awaitable protocol: nothing to give; the token is cancelled.
  void await_resume() const noexcept {}

 private:
  cancellation_token token_;
  detail::token_waiter waiter_;
};

inline cancelled_awaitable cancellation_token::cancelled() const {
  return cancelled_awaitable(*this);
}

/// A callback registered on a token (cancellation_token::on_cancel). Not movable: the token's
/// list points at it. Its destructor deregisters it; if a cancel on another thread is running
/// the callback at that moment, the destructor waits for it to return first (so what `f`
/// captured by reference may go once the destructor is done). Destroying it from inside `f` is
/// allowed.
template <class F>
class cancel_callback : private detail::token_callback {
 public:
  /// Registers `f` on `token`; runs it at once, on this thread, if the token is cancelled already.
  cancel_callback(const cancellation_token& token, F f) : token_(token), f_(std::move(f)) {
    run_ = [](detail::token_callback& self) noexcept { static_cast<cancel_callback&>(self).f_(); };
    if (!token_.node().add_callback(*this)) f_();
  }
  cancel_callback(const cancel_callback&) = delete;
  cancel_callback& operator=(const cancel_callback&) = delete;
  ~cancel_callback() { token_.node().remove_callback(*this); }

 private:
  cancellation_token token_;
  F f_;
};

}  // namespace kov
