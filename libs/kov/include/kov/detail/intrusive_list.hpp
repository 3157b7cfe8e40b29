// kov's one intrusive list: elements carry their own links, so linking never allocates and
// every operation is O(1) and noexcept. The run queue, the live tasks, a scope's children, wait
// lists, timer wheel slots, a reactor's sources and the C API's TCP handles are each one.
//
// An element has one link per list it can be on, and the list reaches it through a link-access
// policy (`Access::link(x)` gives x's link, for `T&` and `const T&`), so one element can sit on
// several lists at once:
//
//   struct job {
//     list_link<job> all_;     // on every job list
//     queue_link<job> ready_;  // on the ready queue while ready
//   };
//   intrusive_list<job, member_link<&job::all_>> all;
//   intrusive_list<job, member_link<&job::ready_>> ready;
//
// A list_link (prev and next) supports every operation; a queue_link (next only) makes the list
// a FIFO queue: push_back and pop_front (and push_front), but no erase from the middle. An
// element must be on a list at most once per link; the list never owns or frees it. A link's
// pointers are meaningless while its element is on no list.
#pragma once

#include <utility>

namespace kov::detail {

template <class T>
struct list_link {
  T* prev = nullptr;
  T* next = nullptr;
};

template <class T>
struct queue_link {
  T* next = nullptr;
};

// The usual link access: a link member of T, e.g. member_link<&task_header::live_>.
template <auto Member>
struct member_link;

template <class T, class Link, Link T::*Member>
struct member_link<Member> {
  static Link& link(T& x) noexcept { return x.*Member; }
  static const Link& link(const T& x) noexcept { return x.*Member; }
};

// Whether Access gives a list_link (prev and next) rather than a queue_link.
template <class T, class Access>
inline constexpr bool links_both_ways = requires(T& x) {
  Access::link(x).prev;
};

// Invariant: head_ and tail_ are both null (empty) or the first and the last element; following
// next from head_ reaches tail_, whose next is null; with a list_link, every element's prev is
// the one before it (null for head_).
template <class T, class Access>
class intrusive_list {
  static constexpr bool doubly = links_both_ways<T, Access>;

 public:
  intrusive_list() noexcept = default;
  // Moving takes every element along and leaves `other` empty (the elements do not point at
  // the list, so they need no fixing up).
  intrusive_list(intrusive_list&& other) noexcept
      : head_(std::exchange(other.head_, nullptr)), tail_(std::exchange(other.tail_, nullptr)) {}
  intrusive_list(const intrusive_list&) = delete;
  intrusive_list& operator=(const intrusive_list&) = delete;
  intrusive_list& operator=(intrusive_list&&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }
  T* front() const noexcept { return head_; }
  T* back() const noexcept { return tail_; }

  // The element after `x` on this list (null at the back): for walking a list,
  //   for (T* x = l.front(); x != nullptr; x = l.next(*x))
  static T* next(const T& x) noexcept { return Access::link(x).next; }

  void push_back(T& x) noexcept {
    if constexpr (doubly) link(x).prev = tail_;
    link(x).next = nullptr;
    if (tail_ != nullptr) {
      link(*tail_).next = &x;
    } else {
      head_ = &x;
    }
    tail_ = &x;
  }

  void push_front(T& x) noexcept {
    if constexpr (doubly) link(x).prev = nullptr;
    link(x).next = head_;
    if (head_ != nullptr) {
      if constexpr (doubly) link(*head_).prev = &x;
    } else {
      tail_ = &x;
    }
    head_ = &x;
  }

  // Unlinks and returns the first element, or null when empty.
  T* pop_front() noexcept {
    T* x = head_;
    if (x != nullptr) {
      head_ = link(*x).next;
      if (head_ != nullptr) {
        if constexpr (doubly) link(*head_).prev = nullptr;
      } else {
        tail_ = nullptr;
      }
    }
    return x;
  }

  // Unlinks `x`, which must be on this list.
  void erase(T& x) noexcept requires(doubly) {
    T* const prev = link(x).prev;
    T* const next = link(x).next;
    if (prev != nullptr) {
      link(*prev).next = next;
    } else {
      head_ = next;
    }
    if (next != nullptr) {
      link(*next).prev = prev;
    } else {
      tail_ = prev;
    }
  }

  // Every element, in order, as a new list; this one is left empty.
  intrusive_list take_all() noexcept { return intrusive_list(std::move(*this)); }

 private:
  static decltype(auto) link(T& x) noexcept { return Access::link(x); }

  T* head_ = nullptr;
  T* tail_ = nullptr;
};

}  // namespace kov::detail
