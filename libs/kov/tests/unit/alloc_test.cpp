// After warm-up, spawning, awaiting and joining tasks allocate nothing: frames and task headers
// come from the per-thread size-class pool. Counted with a replaced global operator new.

#include <kov/runtime.hpp>

#include "counting_new.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

kov::task<int> leaf(int v) {
  co_return v;
}

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
  const long before = kov_support::allocation_count.load();
  const long sum = rt.block_on(workload(1000));
  const long after = kov_support::allocation_count.load();
  EXPECT_GT(sum, 0);
  EXPECT_EQ(after - before, 0) << "allocations during 2000 spawn+join and 6000 awaits";
}

}  // namespace
