// The one check of kov's fuzz targets: a broken property aborts, which libFuzzer reports as a
// crash with the input that caused it (assert would vanish under NDEBUG).
#pragma once

#include <cstdlib>

namespace kov_fuzz {

inline void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace kov_fuzz
