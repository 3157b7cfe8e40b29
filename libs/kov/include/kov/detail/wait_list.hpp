// An intrusive FIFO of suspended awaiters, for kov's single-thread sync primitives (mutex,
// semaphore, notify, event): the first waiter queued is the first granted.
#pragma once

#include <kov/detail/intrusive_list.hpp>
#include <kov/waker.hpp>

#include <cstddef>

namespace kov::detail {

// One waiting await. Lives in the awaitable (the coroutine frame): no allocation.
//
// Invariant: linked_ <=> on exactly one wait_list; granted_ means the primitive handed this
// waiter what it asked for (a lock, permits, a notification) and it has not consumed it yet.
struct wait_node {
  list_link<wait_node> link_;
  waker waker_;
  std::size_t want_ = 1;
  bool linked_ = false;
  bool granted_ = false;
};

// Invariant: nodes_ holds exactly the nodes whose linked_ is set, in arrival order.
class wait_list {
 public:
  bool empty() const noexcept { return nodes_.empty(); }
  wait_node* front() const noexcept { return nodes_.front(); }

  void push_back(wait_node& n) noexcept {
    nodes_.push_back(n);
    n.linked_ = true;
  }

  void remove(wait_node& n) noexcept {
    nodes_.erase(n);
    n.linked_ = false;
  }

  wait_node* pop_front() noexcept {
    wait_node* n = nodes_.pop_front();
    if (n != nullptr) n->linked_ = false;
    return n;
  }

  // Marks `n` granted and wakes its task.
  static void grant(wait_node& n) noexcept {
    n.granted_ = true;
    n.waker_.wake();
  }

  // Unlinks, grants and wakes every waiter, first come first woken.
  void grant_all() noexcept {
    while (wait_node* n = pop_front()) grant(*n);
  }

 private:
  intrusive_list<wait_node, member_link<&wait_node::link_>> nodes_;
};

}  // namespace kov::detail
