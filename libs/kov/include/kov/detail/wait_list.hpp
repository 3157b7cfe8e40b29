#pragma once
// An intrusive FIFO of suspended awaiters, for kov's single-thread sync primitives.

#include <kov/waker.hpp>

#include <cstddef>

namespace kov::detail {

// One waiting await. Lives in the awaitable (the coroutine frame): no allocation.
//
// Invariant: linked_ <=> on exactly one wait_list; granted_ means the primitive handed this
// waiter what it asked for (a lock, permits, a notification) and it has not consumed it yet.
struct wait_node {
  wait_node* prev_ = nullptr;
  wait_node* next_ = nullptr;
  waker waker_;
  std::size_t want_ = 1;
  bool linked_ = false;
  bool granted_ = false;
};

// Invariant: head_..tail_ is a well-formed doubly linked list of linked_ nodes.
class wait_list {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  wait_node* front() const noexcept { return head_; }

  void push_back(wait_node& n) noexcept {
    n.prev_ = tail_;
    n.next_ = nullptr;
    if (tail_ != nullptr) {
      tail_->next_ = &n;
    } else {
      head_ = &n;
    }
    tail_ = &n;
    n.linked_ = true;
  }

  void remove(wait_node& n) noexcept {
    if (n.prev_ != nullptr) {
      n.prev_->next_ = n.next_;
    } else {
      head_ = n.next_;
    }
    if (n.next_ != nullptr) {
      n.next_->prev_ = n.prev_;
    } else {
      tail_ = n.prev_;
    }
    n.prev_ = n.next_ = nullptr;
    n.linked_ = false;
  }

  wait_node* pop_front() noexcept {
    wait_node* n = head_;
    if (n != nullptr) remove(*n);
    return n;
  }

  // Marks `n` granted and wakes its task.
  static void grant(wait_node& n) noexcept {
    n.granted_ = true;
    n.waker_.wake();
  }

 private:
  wait_node* head_ = nullptr;
  wait_node* tail_ = nullptr;
};

}  // namespace kov::detail
