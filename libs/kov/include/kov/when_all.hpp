// kov::when_all: runs tasks concurrently (as child tasks of the current runtime) and yields all
// their values as a tuple (void becomes std::monostate), once every one has finished.
//
//   auto [a, b] = co_await kov::when_all(fetch(x), fetch(y));
//
// Exceptions: after all have finished, the first by argument order is rethrown. Aborting the
// awaiting task aborts every child still running (structured: none outlives the await).
#pragma once

#include <kov/detail/child_group.hpp>
#include <kov/result.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <tuple>
#include <utility>

namespace kov {

/// Runs `tasks` concurrently as child tasks of the current runtime and yields all their values as
/// a tuple (void becomes std::monostate) once every one has finished. Throws
/// std::system_error(errc::no_runtime) outside a runtime. After all have finished, the first
/// exception by argument order is rethrown; aborting the awaiting task aborts every child still
/// running.
template <class... Ts>
task<std::tuple<detail::value_or_monostate_t<Ts>...>> when_all(task<Ts>... tasks) {
  detail::runtime_core* rt = detail::current_runtime();
  if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
  std::tuple<join_handle<Ts>...> handles{
      detail::spawn_on(*rt, std::move(tasks), "when_all", detail::location::current())...};
  // Declared after the handles so it is destroyed (aborting stragglers) before them.
  detail::child_group<sizeof...(Ts)> group(false);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (group.watch(I, std::get<I>(handles).ref()), ...);
  }
  (std::index_sequence_for<Ts...>{});
  co_await group.wait();
  co_return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple<detail::value_or_monostate_t<Ts>...>{
        detail::unwrap(std::get<I>(handles).take_result())...};
  }
  (std::index_sequence_for<Ts...>{});
}

}  // namespace kov
