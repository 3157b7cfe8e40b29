// After warm-up, spawning, awaiting and joining tasks allocate nothing: frames and task headers
// come from the per-thread size-class pool. Counted with a replaced global operator new.

#include <kov/bounded_mpsc.hpp>
#include <kov/runtime.hpp>

#include "counting_new.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
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

// Three producers push `per_producer` values each through a bounded channel of `capacity` into
// this task: sends that find room and receives that find a message complete at once, the others
// wait (in a task from the pool). Returns the sum received.
kov::task<long> bounded_traffic(std::size_t capacity, long per_producer) {
  auto [tx, rx] = kov::bounded_mpsc<long>(capacity);
  auto produce = [](kov::bounded_mpsc_sender<long> t, long n) -> kov::task<void> {
    for (long i = 0; i < n; ++i) {
      if (!co_await t.send(i)) std::abort();
    }
  };
  auto h1 = kov::spawn(produce(tx, per_producer));
  auto h2 = kov::spawn(produce(tx, per_producer));
  auto h3 = kov::spawn(produce(tx, per_producer));
  { auto gone = std::move(tx); }
  long sum = 0;
  while (auto m = co_await rx.recv()) sum += *m;
  (void)co_await h1;
  (void)co_await h2;
  (void)co_await h3;
  co_return sum;
}

TEST(alloc, bounded_mpsc_send_and_recv_allocate_nothing_per_message_after_warm_up) {
  kov::runtime rt;
  for (const std::size_t capacity : {std::size_t{1}, std::size_t{64}}) {
    (void)rt.block_on(bounded_traffic(capacity, 2000));  // warm-up: fills the pool
    // The channel itself (its state and ring) is allocated once per run: a run of 600 messages
    // and one of 6000 must allocate the same.
    long counts[2] = {0, 0};
    const long sizes[2] = {200, 2000};
    for (int i = 0; i < 2; ++i) {
      const long before = kov_support::allocation_count.load();
      const long sum = rt.block_on(bounded_traffic(capacity, sizes[i]));
      counts[i] = kov_support::allocation_count.load() - before;
      EXPECT_EQ(sum, 3 * (sizes[i] * (sizes[i] - 1) / 2)) << "capacity " << capacity;
    }
    EXPECT_EQ(counts[1], counts[0]) << "capacity " << capacity << ": per-message allocations";
  }
}

}  // namespace
