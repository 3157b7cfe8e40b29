// Minimal traits built on compiler builtins: the cross compiler ships no C++ standard headers.
#pragma once

#include <stdint.h>

namespace esp_blink::detail {

template <typename A, typename B>
inline constexpr bool is_same_v = __is_same(A, B);

template <bool... Bs>
inline constexpr bool all_of_v = (Bs && ...);

// Makes a static_assert depend on a template parameter so it fires only on instantiation.
template <typename T>
inline constexpr bool dependent_false_v = false;

}  // namespace esp_blink::detail

namespace esp_blink::detail {

template <typename T>
concept same_as_bool = is_same_v<T, bool>;

template <typename T>
struct remove_reference {
  using type = T;
};
template <typename T>
struct remove_reference<T&> {
  using type = T;
};
template <typename T>
struct remove_reference<T&&> {
  using type = T;
};

/// std::move, which the target has no header for.
template <typename T>
constexpr typename remove_reference<T>::type&& move(T&& value) noexcept {
  return static_cast<typename remove_reference<T>::type&&>(value);
}

}  // namespace esp_blink::detail
