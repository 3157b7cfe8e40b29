// kov::when_any: races awaitables and yields the first to finish as a variant whose index is the
// winner's position (void becomes std::monostate). Each argument may be a task or any other
// awaitable: a timer (sleep_for), a channel receive (mpsc recv(), a oneshot receiver, broadcast
// recv(), watch changed()), an I/O operation, a join handle, a token's cancelled(). The winner's
// exception is rethrown.
//
//   auto r = co_await kov::when_any(rx.recv(), kov::sleep_for(1s));
//   if (r.index() == 0) use(std::get<0>(r));   // else the second second passed
//
// Each branch runs as a child task. A task or an rvalue awaitable is moved into its branch; an
// lvalue awaitable is awaited in place (it must outlive the await) and stays the caller's, so a
// losing oneshot receiver, join handle or interval can be awaited again.
//
// What a losing branch loses: its own progress, and nothing else. The losers are aborted the
// moment the winner finishes, before any of them runs again; a loser that was woken with a
// message ready but had not resumed has taken nothing, and kov's receives take a message only in
// the step that completes them, so a message a loser could have received stays in its channel
// for the next receive. Work a branch does after its own receive completed is that branch's: put
// the receive last in a branch. Abandoning the when_any itself (its task aborted) after a branch
// finished but before the when_any resumed drops that branch's result, as abandoning any child
// task does: race a receive in a task that is not aborted in between (a loop of when_any is).
#pragma once

#include <kov/as_task.hpp>
#include <kov/detail/child_group.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace kov {
namespace detail {

template <class T>
inline constexpr bool is_task_v = false;
template <class T>
inline constexpr bool is_task_v<task<T>> = true;

// One argument of when_any as the task its branch runs.
template <class Awaitable>
auto when_any_branch(Awaitable&& a) {
  using plain = std::remove_cvref_t<Awaitable>;
  if constexpr (is_task_v<plain>) {
    static_assert(!std::is_lvalue_reference_v<Awaitable>,
                  "when_any takes a task by value: std::move it in");
    return plain(std::forward<Awaitable>(a));
  } else if constexpr (std::is_lvalue_reference_v<Awaitable>) {
    return as_task_ref(a);
  } else {
    return as_task(plain(std::forward<Awaitable>(a)));
  }
}

template <class... Ts>
task<std::variant<value_or_monostate_t<Ts>...>> when_any_tasks(task<Ts>... tasks) {
  static_assert(sizeof...(Ts) > 0, "when_any needs at least one task");
  using variant_type = std::variant<value_or_monostate_t<Ts>...>;
  runtime_core* rt = current_runtime();
  if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
  std::tuple<join_handle<Ts>...> handles{
      spawn_on(*rt, std::move(tasks), "when_any", location::current())...};
  child_group<sizeof...(Ts)> group(true);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (group.watch(I, std::get<I>(handles).ref()), ...);
  }
  (std::index_sequence_for<Ts...>{});
  co_await group.wait();
  const std::size_t winner = group.first();
  std::optional<variant_type> out;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    const auto take = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
      if (winner == J) {
        out.emplace(std::in_place_index<J>, unwrap(std::get<J>(handles).take_result()));
      }
    };
    (take(std::integral_constant<std::size_t, I>{}), ...);
  }
  (std::index_sequence_for<Ts...>{});
  co_return std::move(*out);
}

}  // namespace detail

/// Races the awaitables (at least one), each run as a child task, and yields the first to
/// finish as a variant indexed by its position (void becomes std::monostate); the winner's
/// exception is rethrown. A task or an rvalue awaitable is moved into its branch; an lvalue one
/// is awaited in place (it must outlive the await). Losers are aborted as soon as the winner
/// finishes and lose only their own progress: kov's receives take a message only in the step
/// that completes them, so a message a loser could have received stays in its channel.
template <class... Awaitables>
auto when_any(Awaitables&&... awaitables) {
  return detail::when_any_tasks(detail::when_any_branch(std::forward<Awaitables>(awaitables))...);
}

}  // namespace kov
