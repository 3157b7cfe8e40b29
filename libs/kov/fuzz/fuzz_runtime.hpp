// The runtime kov's coroutine fuzz targets run each input on: one per process, made on first
// use, since building a runtime (reactor, timer wheel) per input would dominate each run.
#pragma once

#include <kov/runtime.hpp>

namespace kov_fuzz {

inline kov::runtime& runtime() {
  static kov::runtime rt;
  return rt;
}

}  // namespace kov_fuzz
