// Internal: the kov_tcp handle and the counted reference that operations in flight hold.
#pragma once

#include <kov/net/tcp.hpp>

#include "c_api.hpp"

#include <cstdint>
#include <utility>

namespace kov::c_api {
struct handle_link {
  static detail::list_link<kov_tcp>& link(kov_tcp& h) noexcept;
  static const detail::list_link<kov_tcp>& link(const kov_tcp& h) noexcept;
};
}  // namespace kov::c_api

// Invariant: `refs` counts the program's ownership (until kov_tcp_close) and each operation
// task of the handle, alive or not yet started; the handle is freed at zero. `listening` says
// which of `listener` / `stream` is the socket; once `closed`, both are closed. `reading`,
// `writing`, `accepting`: an operation of that kind is in flight, cleared right before its
// callback runs. While the handle exists it is on rt->handles (through `link`).
struct kov_tcp {
  kov_tcp(kov_runtime& r, kov::net::tcp_listener l) noexcept
      : rt(&r), listening(true), listener(std::move(l)) {
    rt->handles.push_front(*this);
  }
  kov_tcp(kov_runtime& r, kov::net::tcp_stream s) noexcept
      : rt(&r), listening(false), stream(std::move(s)) {
    rt->handles.push_front(*this);
  }
  ~kov_tcp() {
    // Safety: `rt` outlives its handles: ~kov_runtime destroys every task (the last holders of
    // references) before its list goes, and kov_runtime_free drops the program's references.
    rt->handles.erase(*this);
  }
  kov_tcp(const kov_tcp&) = delete;
  kov_tcp& operator=(const kov_tcp&) = delete;

  kov_runtime* rt;
  kov::detail::list_link<kov_tcp> link;
  std::uint32_t refs = 1;
  bool listening;
  bool closed = false;
  bool reading = false;
  bool writing = false;
  bool accepting = false;
  kov::net::tcp_listener listener;
  kov::net::tcp_stream stream;
  // Set while a kov_tls owns this connection (kov_tls.h): kov_runtime_free closes the kov_tls
  // through it, which closes this handle.
  void (*close_owner)(void* owner) noexcept = nullptr;
  void* owner = nullptr;
};

namespace kov::c_api {

inline detail::list_link<kov_tcp>& handle_link::link(kov_tcp& h) noexcept {
  return h.link;
}
inline const detail::list_link<kov_tcp>& handle_link::link(const kov_tcp& h) noexcept {
  return h.link;
}

inline void release(kov_tcp& h) noexcept {
  // Safety: every reference is counted in `refs` (the program's, one per tcp_ref), so at zero
  // nothing can reach the handle any more.
  if (--h.refs == 0) delete &h;
}

// One counted reference to a handle, held by an operation's task (a coroutine parameter,
// so it lasts as long as the task's frame). Move-only.
// Invariant: h_ is null (moved from) or holds one of h_->refs.
class tcp_ref {
 public:
  explicit tcp_ref(kov_tcp& h) noexcept : h_(&h) { ++h.refs; }
  tcp_ref(tcp_ref&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  tcp_ref& operator=(tcp_ref&&) = delete;
  ~tcp_ref() {
    if (h_ != nullptr) release(*h_);
  }
  kov_tcp* get() const noexcept { return h_; }
  kov_tcp* operator->() const noexcept { return h_; }

 private:
  kov_tcp* h_;
};

}  // namespace kov::c_api
