#pragma once
// What both reactor backends share about their sources: the list of attached ones (so a
// backend going away can hand what outlives it to the handles as orphans) and their allocation.

#include <kov/detail/intrusive_list.hpp>
#include <kov/detail/io_op.hpp>

#include <cerrno>
#include <new>

namespace kov::detail {

using source_list = intrusive_list<io_source, &io_source::prev, &io_source::next>;

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
