#pragma once
// The sources a backend has attached, linked through io_source::prev/next, so that a backend
// going away can hand what outlives it to the handles as orphans.

#include <kov/detail/io_op.hpp>

#include <cerrno>
#include <new>

namespace kov::detail {

// Invariant: head_ is null or the first of a doubly linked list of attached sources.
class source_list {
 public:
  io_source* front() const noexcept { return head_; }

  void push(io_source& s) noexcept {
    s.prev = nullptr;
    s.next = head_;
    if (head_ != nullptr) head_->prev = &s;
    head_ = &s;
  }

  void erase(io_source& s) noexcept {
    if (s.prev != nullptr) {
      s.prev->next = s.next;
    } else {
      head_ = s.next;
    }
    if (s.next != nullptr) s.next->prev = s.prev;
    s.prev = s.next = nullptr;
  }

 private:
  io_source* head_ = nullptr;
};

// A new source of type S (io_source or a backend's own kind) for `fd`, owned by `owner`. Null
// with errno = ENOMEM when memory runs out.
template <class S>
S* new_source(int fd, bool stream, reactor_backend* owner) noexcept {
  auto* src = new (std::nothrow) S;
  if (src == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  src->fd = fd;
  src->stream = stream;
  src->owner = owner;
  return src;
}

}  // namespace kov::detail
