// What both reactor backends share about their sources: the list of attached ones (so a
// backend going away can hand what outlives it to the handles as orphans) and their allocation.
#pragma once

#include <kov/detail/intrusive_list.hpp>
#include <kov/detail/io_op.hpp>

#include <cerrno>
#include <new>

namespace kov::detail {

using source_list = intrusive_list<io_source, member_link<&io_source::link>>;

// A new source of type S (the backend's own kind of io_source) for `fd`, owned by `owner` and
// on its list `live`. Null with errno = ENOMEM when memory runs out.
template <class S>
S* attach_source(source_list& live, int fd, bool stream, reactor_backend* owner) noexcept {
  auto* src = new (std::nothrow) S;
  if (src == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  src->fd = fd;
  src->stream = stream;
  src->owner = owner;
  live.push_front(*src);
  return src;
}

// A backend going away: every source still attached belongs to a handle that outlives the
// runtime and keeps its fd; each becomes an orphan (owner null), which its handle deletes.
// `last(source&)` runs for each first, while the backend still owns it.
template <class Last>
void orphan_all(source_list& live, Last&& last) noexcept {
  while (io_source* s = live.front()) {
    last(*s);
    live.erase(*s);
    s->owner = nullptr;
  }
}
inline void orphan_all(source_list& live) noexcept {
  orphan_all(live, [](io_source&) noexcept {});
}

}  // namespace kov::detail
