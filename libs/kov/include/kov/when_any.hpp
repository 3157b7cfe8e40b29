// kov::when_any: runs tasks concurrently (as child tasks) and yields the first to finish as a
// variant whose index is the winner's position (void becomes std::monostate). The winner's
// exception is rethrown.
//
//   auto r = co_await kov::when_any(rx.recv(), kov::as_task(kov::sleep_for(1s)));
//   if (r.index() == 0) use(std::get<0>(r));
//
// The losers are aborted the moment the winner finishes, before any of them runs again: a loser
// that was woken with a message ready but had not resumed yet has taken nothing, and kov's
// receives only take a message when they complete, so no message a loser could have received is
// lost. (Work a branch does after its own receive completed is that branch's: put the receive
// last in a branch.)
#pragma once

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

template <class... Ts>
task<std::variant<detail::value_or_monostate_t<Ts>...>> when_any(task<Ts>... tasks) {
  static_assert(sizeof...(Ts) > 0, "when_any needs at least one task");
  using variant_type = std::variant<detail::value_or_monostate_t<Ts>...>;
  detail::runtime_core* rt = detail::current_runtime();
  if (rt == nullptr) throw std::system_error(make_error_code(errc::no_runtime));
  std::tuple<join_handle<Ts>...> handles{
      detail::spawn_on(*rt, std::move(tasks), "when_any", detail::location::current())...};
  detail::child_group<sizeof...(Ts)> group(true);
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
        out.emplace(std::in_place_index<J>, detail::unwrap(std::get<J>(handles).take_result()));
      }
    };
    (take(std::integral_constant<std::size_t, I>{}), ...);
  }
  (std::index_sequence_for<Ts...>{});
  co_return std::move(*out);
}

}  // namespace kov
