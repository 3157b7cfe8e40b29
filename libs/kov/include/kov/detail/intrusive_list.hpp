#pragma once
// A doubly linked list threaded through two pointer members of its elements: no allocation,
// O(1) insert and removal. The runtime's live tasks, a scope's children and a reactor's
// attached sources are each one.

namespace kov::detail {

// Invariant: head_ is null or the first element; every element's Prev/Next link it to its
// neighbours (Prev of the first and Next of the last are null). An element is in at most one
// list per pair of members.
template <class T, T* T::*Prev, T* T::*Next>
class intrusive_list {
 public:
  T* front() const noexcept { return head_; }
  bool empty() const noexcept { return head_ == nullptr; }

  void push_front(T& x) noexcept {
    x.*Prev = nullptr;
    x.*Next = head_;
    if (head_ != nullptr) head_->*Prev = &x;
    head_ = &x;
  }

  void erase(T& x) noexcept {
    if (x.*Prev != nullptr) {
      (x.*Prev)->*Next = x.*Next;
    } else {
      head_ = x.*Next;
    }
    if (x.*Next != nullptr) (x.*Next)->*Prev = x.*Prev;
    x.*Prev = x.*Next = nullptr;
  }

 private:
  T* head_ = nullptr;
};

}  // namespace kov::detail
