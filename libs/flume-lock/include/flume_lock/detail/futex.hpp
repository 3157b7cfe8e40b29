// Thread parking on a 32-bit word (Linux futex), with an optional absolute deadline.
#pragma once

#include <flume_lock/export.hpp>

#include <chrono>
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

/// The word under a lock-free 32-bit atomic, for the futex calls.
template <class Atomic32>
const std::uint32_t* futex_word(const Atomic32& a) noexcept {
  static_assert(sizeof(Atomic32) == sizeof(std::uint32_t) && Atomic32::is_always_lock_free);
  // Safety: a lock-free std::atomic<uint32_t> has the size and representation of uint32_t;
  // the kernel only compares and queues on the address, it never writes it.
  return reinterpret_cast<const std::uint32_t*>(&a);
}

/// futex_wait with a steady_clock deadline (null = none): steady_clock is CLOCK_MONOTONIC.
inline bool futex_wait_until(const std::uint32_t* word, std::uint32_t expected,
                             const std::chrono::steady_clock::time_point* until) noexcept {
  if (until == nullptr) return futex_wait(word, expected, nullptr);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(until->time_since_epoch()).count();
  if (ns < 0) ns = 0;
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return futex_wait(word, expected, &ts);
}

}  // namespace flume_lock::detail
