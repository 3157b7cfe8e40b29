// kov::as_task: wraps any awaitable in a task, so it can be spawned, raced (when_any) or given
// a timeout.
//
//   co_await kov::when_any(rx.recv(), kov::as_task(kov::sleep_for(10ms)));
#pragma once

#include <kov/task.hpp>

#include <type_traits>
#include <utility>

namespace kov {
namespace detail {

template <class Awaitable>
decltype(auto) get_awaiter(Awaitable&& a) {
  if constexpr (requires { std::forward<Awaitable>(a).operator co_await(); }) {
    return std::forward<Awaitable>(a).operator co_await();
  } else {
    return std::forward<Awaitable>(a);
  }
}

template <class Awaitable>
using await_result_t =
    decltype(std::declval<decltype(get_awaiter(std::declval<Awaitable>()))&>().await_resume());

}  // namespace detail

/// Wraps `a` in a task, so it can be spawned, raced (when_any) or given a timeout.
/// The awaitable is moved into the task's frame and awaited there when the task runs.
template <class Awaitable>
task<detail::await_result_t<Awaitable>> as_task(Awaitable a) {
  co_return co_await std::move(a);
}

/// Wraps a reference to `a` in a task, which awaits `a` where it is.
/// The awaitable stays the caller's and is awaited in place: it must outlive the task.
template <class Awaitable>
task<detail::await_result_t<Awaitable&>> as_task_ref(Awaitable& a) {
  co_return co_await a;
}

}  // namespace kov
