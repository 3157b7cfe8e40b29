// What the C API's source files share: status conversion and the no-exception guard.
#pragma once

#include <flume_lock.h>
#include <flume_lock/status.hpp>

#include <new>

namespace flume_lock::c_api {

inline flume_lock_status to_c(flume_lock::status s) {
  switch (s) {
    case flume_lock::status::ok:
      return FLUME_LOCK_OK;
    case flume_lock::status::empty:
      return FLUME_LOCK_EMPTY;
    case flume_lock::status::full:
      return FLUME_LOCK_FULL;
    case flume_lock::status::disconnected:
      return FLUME_LOCK_DISCONNECTED;
    case flume_lock::status::timeout:
      return FLUME_LOCK_TIMEOUT;
  }
  return FLUME_LOCK_INVALID;
}

// Runs `f` (returning a flume_lock_status) so that no exception crosses into C: an allocation
// failure (a new segment, a new handle) becomes FLUME_LOCK_NO_MEMORY.
template <class F>
flume_lock_status no_memory_guard(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return FLUME_LOCK_NO_MEMORY;
  }
}

}  // namespace flume_lock::c_api
