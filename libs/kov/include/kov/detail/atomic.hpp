#pragma once
// kov's atomics go through flume-lock's facade: std::atomic in normal builds, Relacy's
// model-checked atomics when FLUME_LOCK_MODEL=1 (tests/model), so the model tests compile the
// real wake protocol.

#include <flume_lock/detail/atomic.hpp>

namespace kov::detail {

template <class T>
using atomic = flume_lock::detail::atomic<T>;
namespace order = flume_lock::detail::order;

}  // namespace kov::detail
