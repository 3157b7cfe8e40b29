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
