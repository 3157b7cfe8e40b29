// Counts every global operator new of the program that includes this header, for the
// allocation test and the benchmark's allocs_per_op. Include it in exactly one source file of
// a program: it replaces the global allocation functions.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace kov_support {
inline std::atomic<long> allocation_count{0};
}  // namespace kov_support

void* operator new(std::size_t n) {
  kov_support::allocation_count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that these pair with the malloc above and flags the free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
