// Internal: what the C API's files share. The runtime handle, the TCP handle list it keeps for
// kov_runtime_free, error conversion, and the boundary guard that keeps exceptions in C++.
#pragma once

#include <kov.h>
#include <kov/detail/atomic.hpp>
#include <kov/detail/context.hpp>
#include <kov/detail/intrusive_list.hpp>
#include <kov/handle.hpp>
#include <kov/notify.hpp>
#include <kov/runtime.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <new>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

namespace kov::c_api {

// How kov_runtime::handles reaches a kov_tcp's link (defined with kov_tcp, tcp_handle.hpp).
struct handle_link;
using handle_list = detail::intrusive_list<kov_tcp, handle_link>;

}  // namespace kov::c_api

// Invariant: `core` is engaged from construction until the destructor, and `handle` is its
// handle; `owner` is the thread that made it, the only one that drives or changes anything but
// `handle` and `stop_pending`; `handles` lists every kov_tcp alive (each unlinks itself when
// freed), and is empty once `core` is gone; `running` is true exactly while kov_run is inside
// block_on.
struct kov_runtime {
  kov_runtime();
  ~kov_runtime();
  kov_runtime(const kov_runtime&) = delete;
  kov_runtime& operator=(const kov_runtime&) = delete;

  std::thread::id owner = std::this_thread::get_id();
  kov::c_api::handle_list handles;
  bool running = false;
  // Set by the first kov_stop that the loop has not yet seen: later ones need not send.
  kov::detail::atomic<bool> stop_pending{false};
  kov::notify stop;                  // notified (on the runtime thread) by a kov_stop's post
  kov::handle handle;                // thread-safe; kov_stop and kov_post
  std::optional<kov::runtime> core;  // declared last: its tasks go first
};

namespace kov::c_api {

inline bool on_runtime_thread(const kov_runtime& rt) noexcept {
  return std::this_thread::get_id() == rt.owner;
}

// KOV_EDNS_* values are -(dns_errno_base + the dns_errc value): beyond every errno value.
inline constexpr int dns_errno_base = 4000;

// The errno value (positive) that a kov error stands for; EIO when none fits. A DNS error is
// dns_errno_base + its dns_errc value (ETIMEDOUT for a lookup that timed out).
int errno_of(std::error_code e) noexcept;

// The TCP handles (tcp.cpp): walking the runtime's list, and kov_runtime_free's close of a
// handle the program still owns (nothing if it closed it already).
kov_tcp* next_handle(const kov_tcp& h) noexcept;
void close_owned(kov_tcp& h) noexcept;

// A C API timeout in milliseconds as a duration: up to about 31 years; beyond that, as good as
// no limit.
inline std::chrono::milliseconds timeout_of(std::uint64_t timeout_ms) noexcept {
  constexpr std::uint64_t cap = 1'000'000'000'000;
  return std::chrono::milliseconds(static_cast<std::int64_t>(timeout_ms < cap ? timeout_ms : cap));
}

// Runs `f` and turns any exception into a negative errno value: nothing C++ crosses the C
// boundary.
template <class F>
int guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return -ENOMEM;
  } catch (const std::system_error& e) {
    return -errno_of(e.code());
  } catch (...) {
    return -EIO;
  }
}

// Makes `rt` the runtime of this thread for a synchronous call that registers a socket with
// its reactor (kov_tcp_listen may run before kov_run, or from a callback of another runtime
// on the same thread). Restores what was there.
// Safety: the pointer is installed only for the guard's scope, inside a call that holds `rt`.
class enter_runtime {
 public:
  explicit enter_runtime(kov_runtime& rt) noexcept
      : saved_(std::exchange(detail::tls_context.rt, &rt.core->core())) {}
  ~enter_runtime() { detail::tls_context.rt = saved_; }
  enter_runtime(const enter_runtime&) = delete;
  enter_runtime& operator=(const enter_runtime&) = delete;

 private:
  detail::runtime_core* saved_;
};

}  // namespace kov::c_api
