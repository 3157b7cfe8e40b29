// The coroutine declarations the compiler needs, for a toolchain that ships no C++ headers.
//
// A C++20 compiler lowers `co_await`/`co_return` onto names it looks up in namespace std:
// std::coroutine_traits (to find the promise type), std::coroutine_handle (passed to
// await_suspend and returned by from_promise) and the trivial awaiters std::suspend_always and
// std::suspend_never. The cross compiler (riscv64-unknown-elf, no libstdc++) has none of
// them, so this header declares exactly those, on the compiler builtins GCC and Clang share
// (__builtin_coro_resume/destroy/done/promise).
//
// Where a standard <coroutine> exists (the host: tests, the emulator) it is used instead: a
// program must not see two definitions of std::coroutine_handle, and any standard header the
// host tests include may pull in the real one. The test esp_blink.coroutine_header_freestanding
// compiles this header's own declarations on the host with -nostdinc++ (ESP_BLINK_OWN_COROUTINE),
// and the firmware build uses nothing else.
//
// Only what the executor uses is here: no noop_coroutine, no hashing, no comparisons.
#pragma once

#if __has_include(<coroutine>) && !defined(ESP_BLINK_OWN_COROUTINE)
#include <coroutine>
#else

// Declaring in namespace std is what the language requires of a coroutine support library;
// nothing else of std is declared here.
namespace std {  // NOLINT(cert-dcl58-cpp)

template <typename Result, typename... Args>
struct coroutine_traits {};

template <typename Result, typename... Args>
requires requires {
  typename Result::promise_type;
}
struct coroutine_traits<Result, Args...> {
  using promise_type = typename Result::promise_type;
};

template <typename Promise = void>
struct coroutine_handle;

template <>
struct coroutine_handle<void> {
  constexpr coroutine_handle() noexcept = default;
  constexpr coroutine_handle(decltype(nullptr)) noexcept {}

  static constexpr coroutine_handle from_address(void* address) noexcept {
    coroutine_handle h;
    h.frame_ = address;
    return h;
  }
  constexpr void* address() const noexcept { return frame_; }
  constexpr explicit operator bool() const noexcept { return frame_ != nullptr; }

  bool done() const noexcept { return __builtin_coro_done(frame_); }
  void operator()() const { resume(); }
  void resume() const { __builtin_coro_resume(frame_); }
  void destroy() const { __builtin_coro_destroy(frame_); }

 protected:
  void* frame_ = nullptr;
};

template <typename Promise>
struct coroutine_handle : coroutine_handle<void> {
  constexpr coroutine_handle() noexcept = default;
  constexpr coroutine_handle(decltype(nullptr)) noexcept {}

  static coroutine_handle from_promise(Promise& promise) noexcept {
    coroutine_handle h;
    // The builtin maps a promise to its frame (true) or a frame to its promise (false); the
    // frame layout is the compiler's, so only the compiler may do this arithmetic.
    h.frame_ = __builtin_coro_promise(static_cast<void*>(&promise), alignof(Promise), true);
    return h;
  }
  static constexpr coroutine_handle from_address(void* address) noexcept {
    coroutine_handle h;
    h.frame_ = address;
    return h;
  }
  Promise& promise() const {
    return *static_cast<Promise*>(__builtin_coro_promise(frame_, alignof(Promise), false));
  }
};

struct suspend_always {
  constexpr bool await_ready() const noexcept { return false; }
  constexpr void await_suspend(coroutine_handle<>) const noexcept {}
  constexpr void await_resume() const noexcept {}
};

struct suspend_never {
  constexpr bool await_ready() const noexcept { return true; }
  constexpr void await_suspend(coroutine_handle<>) const noexcept {}
  constexpr void await_resume() const noexcept {}
};

}  // namespace std

#endif
