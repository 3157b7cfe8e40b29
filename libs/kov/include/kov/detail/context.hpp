// The per-thread execution context and the resume trampoline.
#pragma once

#include <kov/export.hpp>

#include <coroutine>
#include <cstdint>
#include <utility>

namespace kov::detail {

class runtime_core;
struct task_header;

// Invariant: `rt` is the runtime whose loop runs on this thread (null outside block_on /
// run); `current` is the task being polled (null between polls); `budget` is what the
// current poll may still spend on immediately-ready awaits; `next` holds a coroutine that
// the trampoline must resume after the current resume() returns.
struct thread_context {
  runtime_core* rt = nullptr;
  task_header* current = nullptr;
  std::uint32_t budget = 0;
  std::coroutine_handle<> next{};
};

// Exported: inline code in the program and a shared libkov must see one instance (hidden, each
// would get its own copy).
KOV_API inline thread_local thread_context tls_context{};

// Clang lowers a handle returned from await_suspend to a guaranteed tail call at every
// optimisation level. GCC does so only at -O2 and above, so there a returned handle is parked
// in `tls_context.next` and resumed by `drive` after the current frame has returned: the stack
// stays flat either way.
#if defined(__clang__)
inline constexpr bool tail_calls = true;
#else
inline constexpr bool tail_calls = false;
#endif

// What an await_suspend returns to move control to `h` (symmetric transfer).
inline std::coroutine_handle<> transfer_to(std::coroutine_handle<> h) noexcept {
  if constexpr (tail_calls) {
    return h;
  } else {
    tls_context.next = h;
    return std::noop_coroutine();
  }
}

// Resumes `h` and every coroutine it transfers control to, until control comes back.
inline void drive(std::coroutine_handle<> h) {
  while (h) {
    h.resume();
    h = std::exchange(tls_context.next, {});
  }
}

}  // namespace kov::detail
