// Relacy model test of kov's cross-thread wake path: the real protocol functions
// (kov/detail/wake_protocol.hpp) and flume-lock's real unbounded queue, under Relacy's scheduler
// (FLUME_LOCK_MODEL=1 maps the atomics facade to Relacy). The eventfd is modelled as a counter
// the runtime parks on.
//
// Checked in every explored interleaving: no wake is lost (the runtime never parks with work
// pending and no eventfd signal to wake it), no slot is queued twice, and what a waker wrote
// before waking is visible to the woken task (Relacy reports a DATA RACE otherwise). Wakes race
// with each other, with the runtime draining, and with the runtime going idle.
//
// Usage: kov_wake_model_test [iterations]

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <source_location>
#include <type_traits>
#include <utility>
#include <variant>

#include <relacy/relacy.hpp>

#pragma push_macro("delete")
#undef delete
#include "flume_lock/unbounded_queue.hpp"
#include "kov/detail/wake_protocol.hpp"
#pragma pop_macro("delete")

namespace {

constexpr unsigned wakers = 2;

// Two tasks, each woken by its own thread twice (the second wake coalesces or re-queues); the
// runtime thread polls, drains and parks exactly as runtime_core::turn does.
struct wake_race : rl::test_suite<wake_race, wakers + 1> {
  kov::detail::atomic<bool> queued[wakers];
  kov::detail::atomic<bool> notified;
  rl::atomic<int> eventfd;          // the kernel object: writes add, the parked read takes all
  rl::atomic<int> finished_wakers;  // for the lost-wake check only
  rl::atomic<int> on_queue[wakers];  // how often each slot sits on the queue (must stay <= 1)
  rl::var<int> payload[wakers];     // written by the waker before it wakes, read by the task
  flume_lock::unbounded_queue<unsigned, 2>* inject;

  void before() {
    for (unsigned i = 0; i < wakers; ++i) {
      queued[i].store(false, kov::detail::order::relaxed);
      on_queue[i]($).store(0, rl::mo_relaxed);
      payload[i]($) = 0;
    }
    notified.store(false, kov::detail::order::relaxed);
    eventfd($).store(0, rl::mo_relaxed);
    finished_wakers($).store(0, rl::mo_relaxed);
    inject = new flume_lock::unbounded_queue<unsigned, 2>();
  }
  void after() { delete inject; }

  // remote_wake's cross-thread path.
  void wake(unsigned slot) {
    if (!kov::detail::claim_slot(queued[slot])) return;
    RL_ASSERT(on_queue[slot]($).fetch_add(1, rl::mo_relaxed) == 0);
    RL_ASSERT(inject->push(slot) == flume_lock::status::ok);
    if (kov::detail::need_signal(notified)) eventfd($).fetch_add(1, rl::mo_seq_cst);
  }

  // runtime_core::drain_remote, then the woken task runs.
  int drain(bool (&seen)[wakers]) {
    int newly = 0;
    if (!kov::detail::take_notification(notified)) return 0;
    while (inject->try_consume([&](unsigned&& slot) {
      RL_ASSERT(on_queue[slot]($).fetch_sub(1, rl::mo_relaxed) == 1);
      kov::detail::release_slot(queued[slot]);
      // The task: it was woken, so what its waker wrote first must be there.
      RL_ASSERT(payload[slot]($) == 1);
      if (!seen[slot]) {
        seen[slot] = true;
        ++newly;
      }
    }) == flume_lock::status::ok) {
    }
    return newly;
  }

  void thread(unsigned index) {
    if (index < wakers) {
      payload[index]($) = 1;
      wake(index);
      wake(index);
      finished_wakers($).fetch_add(1, rl::mo_seq_cst);
      return;
    }
    bool seen[wakers] = {};
    int done = 0;
    while (done < static_cast<int>(wakers)) {
      done += drain(seen);  // a busy turn: look without parking
      if (done == static_cast<int>(wakers)) break;
      // Park: block until the eventfd is readable. With every waker finished and nothing to
      // read, the real runtime would sleep forever: that is a lost wake.
      while (eventfd($).load(rl::mo_seq_cst) == 0) {
        const bool all_done = finished_wakers($).load(rl::mo_seq_cst) == static_cast<int>(wakers);
        if (all_done && eventfd($).load(rl::mo_seq_cst) == 0) {
          RL_ASSERT(!"lost wake: runtime parked with a task still to wake");
          return;
        }
        rl::yield(1, $);
      }
      eventfd($).exchange(0, rl::mo_seq_cst);
      done += drain(seen);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  rl::test_params params;
  params.iteration_count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  params.search_type = rl::sched_random;
  const bool ok = rl::simulate<wake_race>(params);
  if (!ok) {
    std::printf("wake_race: FAILED\n");
    return 1;
  }
  std::printf("wake_race passed: explored %lu executions\n",
              static_cast<unsigned long>(params.stop_iteration));
  return 0;
}
