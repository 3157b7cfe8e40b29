// A source position captured by default arguments (std::source_location is not usable with
// Clang 14 and libstdc++, the builtins are).
#pragma once

namespace kov::detail {

struct location {
  const char* file = nullptr;
  const char* function = nullptr;
  unsigned line = 0;

  static constexpr location current(const char* file = __builtin_FILE(),
                                    const char* function = __builtin_FUNCTION(),
                                    unsigned line = __builtin_LINE()) noexcept {
    return location{file, function, line};
  }
};

}  // namespace kov::detail
