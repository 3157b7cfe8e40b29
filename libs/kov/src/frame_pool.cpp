// The per-thread pool of coroutine frames, by size class.
#include <kov/detail/frame_pool.hpp>

#include <new>

namespace kov::detail {
namespace {

constexpr std::size_t class_count = max_pooled_size / size_class_step;

struct free_block {
  free_block* next;
};

// Invariant: heads[c] lists blocks of exactly (c + 1) * size_class_step bytes owned by this
// thread's cache; `retired` is set once the thread's cache has been torn down, after which
// releases go to the global allocator (thread-exit destructors may still free frames).
// Trivially destructible on purpose: it stays usable during other thread_local destructors.
struct thread_cache {
  free_block* heads[class_count];
  std::size_t cached;
  bool retired;
};

thread_local thread_cache cache{};

// Tears the cache down at thread exit.
struct cache_reaper {
  ~cache_reaper() {
    for (auto*& head : cache.heads) {
      while (head != nullptr) {
        free_block* next = head->next;
        ::operator delete(head);
        head = next;
      }
    }
    cache.cached = 0;
    cache.retired = true;
  }
};

thread_local cache_reaper reaper;

std::size_t class_of(std::size_t size) noexcept {
  return (size + size_class_step - 1) / size_class_step - 1;
}

}  // namespace

void* pool_allocate(std::size_t size) {
  if (size == 0) size = 1;
  if (size > max_pooled_size) return ::operator new(size);
  const std::size_t c = class_of(size);
  if (free_block* block = cache.heads[c]; block != nullptr) {
    cache.heads[c] = block->next;
    --cache.cached;
    return block;
  }
  // Touch the reaper so its destructor is registered for this thread before the first block
  // can land on a list.
  (void)&reaper;
  return ::operator new((c + 1) * size_class_step);
}

void pool_deallocate(void* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  if (size == 0) size = 1;
  if (size > max_pooled_size || cache.retired) {
    ::operator delete(block);
    return;
  }
  (void)&reaper;
  const std::size_t c = class_of(size);
  // Safety: the block is at least sizeof(free_block) bytes (size classes start at 32) and is
  // no longer used by its owner, so its first bytes can hold the list link.
  auto* node = ::new (block) free_block{cache.heads[c]};
  cache.heads[c] = node;
  ++cache.cached;
}

std::size_t pool_cached_blocks() noexcept {
  return cache.cached;
}

}  // namespace kov::detail
