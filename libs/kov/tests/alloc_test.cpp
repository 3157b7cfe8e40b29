// After warm-up, spawning, awaiting and joining tasks allocate nothing: frames and task headers
// come from the per-thread size-class pool. Counted with a replaced global operator new.

#include <kov/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that these pair with the malloc above and flags the free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace {

kov::task<int> leaf(int v) { co_return v; }

kov::task<int> child(int v) {
  int a = co_await leaf(v);
  co_await kov::yield_now();
  co_return a + co_await leaf(1);
}

kov::task<long> workload(int rounds) {
  long sum = 0;
  for (int i = 0; i < rounds; ++i) {
    auto h1 = kov::spawn(child(i));
    auto h2 = kov::spawn(child(i));
    sum += (co_await h1).value();
    sum += (co_await h2).value();
  }
  co_return sum;
}

TEST(alloc, spawn_and_await_allocate_nothing_after_warm_up) {
  kov::runtime rt;
  (void)rt.block_on(workload(100));  // warm-up: fills the pool
  const long before = allocations.load();
  const long sum = rt.block_on(workload(1000));
  const long after = allocations.load();
  EXPECT_GT(sum, 0);
  EXPECT_EQ(after - before, 0) << "allocations during 2000 spawn+join and 6000 awaits";
}

}  // namespace
