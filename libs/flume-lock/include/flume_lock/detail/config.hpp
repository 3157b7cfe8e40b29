// Build-wide constants of flume-lock.
#pragma once

#include <cstddef>

namespace flume_lock::detail {

#if FLUME_LOCK_MODEL
// Model builds keep natural alignment: Relacy tracks plain new/delete only, and tiny segments
// make every run cross segment boundaries.
inline constexpr std::size_t cache_line = alignof(void*);
inline constexpr std::size_t default_segment_slots = 2;
#else
// One cache line (x86-64, most AArch64); keeps the producers' counters away from the
// consumer's cursor.
inline constexpr std::size_t cache_line = 64;
// 1024 slots per segment: allocation and linking amortised over many messages.
inline constexpr std::size_t default_segment_slots = 1024;
#endif

/// Bounded spin before parking: long enough to catch a message in flight on another core,
/// short enough not to steal the core from the producer when threads share it.
#if FLUME_LOCK_MODEL
// No spinning in the model: a yield there would make Relacy show the parked side the newest
// values, hiding exactly the store-buffering outcomes the eventcount must survive.
inline constexpr int spin_limit = 0;
#else
inline constexpr int spin_limit = 64;
#endif

}  // namespace flume_lock::detail
