// Thread parking on a 32-bit word (Linux futex), with an optional absolute deadline.
#pragma once

#include <flume_lock/export.hpp>

#include <cstdint>
#include <ctime>

namespace flume_lock::detail {

/// Blocks while `*word == expected`, until woken or until `deadline` (CLOCK_MONOTONIC, absolute;
/// null = no deadline). May return spuriously. Returns false only when the deadline passed.
FLUME_LOCK_API bool futex_wait(const std::uint32_t* word, std::uint32_t expected,
                               const timespec* deadline) noexcept;

/// Wakes every thread blocked in futex_wait on `word`.
FLUME_LOCK_API void futex_wake_all(const std::uint32_t* word) noexcept;

/// Wakes at most one thread blocked in futex_wait on `word`.
FLUME_LOCK_API void futex_wake_one(const std::uint32_t* word) noexcept;

}  // namespace flume_lock::detail
