// Per-thread recycling of coroutine frames and task headers by size class.
//
// Blocks of up to `max_pooled_size` bytes are rounded up to a multiple of `size_class_step`
// (32 bytes, so a task header or a small frame wastes little) and kept on a per-thread free
// list when released, so a steady state of spawn/await reuses memory without calling the global
// allocator. A block may be released on another thread
// than the one that allocated it: it then joins that thread's lists (the memory is generic).
// Larger blocks go straight to ::operator new.
#pragma once

#include <kov/export.hpp>

#include <cstddef>

namespace kov::detail {

inline constexpr std::size_t size_class_step = 32;
inline constexpr std::size_t max_pooled_size = 4096;

// Returns at least `size` bytes aligned to __STDCPP_DEFAULT_NEW_ALIGNMENT__; throws
// std::bad_alloc like operator new.
KOV_API void* pool_allocate(std::size_t size);

// Releases a block from pool_allocate; `size` must be the size it was allocated with.
KOV_API void pool_deallocate(void* block, std::size_t size) noexcept;

// Blocks cached on the calling thread (for tests and the task dump).
KOV_API std::size_t pool_cached_blocks() noexcept;

}  // namespace kov::detail
