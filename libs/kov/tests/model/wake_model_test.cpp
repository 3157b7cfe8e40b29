// Relacy model test of kov's cross-thread wake path, running the real code: remote_wake
// (src/remote.cpp), the wake protocol (kov/detail/wake_protocol.hpp), drain_wakes and the wake
// hub (src/inject.hpp) and flume-lock's real channel, with KOV_MODEL=1 and FLUME_LOCK_MODEL=1
// mapping both atomics facades to Relacy (model_runtime.hpp).
//
// Checked in every explored interleaving: no wake is lost (the runtime never parks with a wake
// pending and no eventfd write to end the park), a slot is delivered at most once per wake,
// what a waker wrote before waking is visible to the woken task (Relacy reports a DATA RACE
// otherwise), and every slot, queued reference and the hub are freed exactly once (Relacy
// reports leaks, double frees and use after free). Wakes race with each other, with the runtime
// draining, going idle and finishing the tasks; each waker holds its own
// reference to its task's slot (as a kov::remote_waker does) and drops it when done. Scenarios:
// wake_race, coalesced_wake (a wake merging into a queued slot), last_reference (the slot and
// the hub freed by either thread).
//
// Usage: kov_wake_model_test [iterations]

#include "model_runtime.hpp"

namespace {

constexpr unsigned wakers = 2;

// Two tasks, each woken twice by its own thread (the second wake coalesces or queues again);
// the runtime thread drains and parks as runtime_core::turn does.
struct wake_race : rl::test_suite<wake_race, wakers + 1> {
  static constexpr const char* name = "wake_race";
  kov_model::model_runtime rt;
  kov::detail::remote_slot* slot[wakers];
  rl::var<int> payload[wakers];     // written by the waker before it wakes, read by the task
  rl::atomic<int> finished_wakers;  // for the lost-wake check only

  void before() {
    rt.open();
    for (unsigned i = 0; i < wakers; ++i) {
      slot[i] = rt.add_task();
      kov::detail::retain(*slot[i]);  // the waker's reference
      payload[i]($) = 0;
    }
    finished_wakers($).store(0, rl::mo_relaxed);
  }
  void after() { rt.close(); }

  void thread(unsigned index) {
    if (index < wakers) {
      payload[index]($) = 1;
      kov::detail::remote_wake(*slot[index]);
      kov::detail::remote_wake(*slot[index]);
      finished_wakers($).fetch_add(1, rl::mo_seq_cst);
      kov::detail::release(*slot[index]);
      return;
    }
    int deliveries[wakers] = {};
    int seen = 0;
    const auto woken = [&](kov::detail::remote_slot& s) {
      const unsigned i = &s == slot[0] ? 0 : 1;
      RL_ASSERT(&s == slot[i]);
      RL_ASSERT(++deliveries[i] <= 2);  // never more deliveries than wakes
      // The task runs: it was woken, so what its waker wrote first must be there.
      RL_ASSERT(payload[i]($) == 1);
      if (deliveries[i] == 1) ++seen;
    };
    const auto all_wakers_done = [&] {
      return finished_wakers($).load(rl::mo_seq_cst) == static_cast<int>(wakers);
    };
    rt.drain(woken);  // a busy turn: look without parking
    while (seen < static_cast<int>(wakers)) {
      rt.park(all_wakers_done);
      rt.drain(woken);
    }
    for (auto* s : slot) kov_model::model_runtime::finish_task(s);
  }
};

// Two wakers share one task: the second wake may merge into the slot the first queued, and
// then only claim_slot's release and release_slot's acquire carry what it wrote to the task
// (the channel orders only the waker that enqueued). The runtime looks at which wakes have
// returned (relaxed, so that look orders nothing) before each drain; a task woken after a
// wake returned must see what that waker wrote before it. The runtime stays busy (no park:
// once both wakes are delivered nothing would end it; wake_race checks parking).
struct coalesced_wake : rl::test_suite<coalesced_wake, wakers + 1> {
  static constexpr const char* name = "coalesced_wake";
  kov_model::model_runtime rt;
  kov::detail::remote_slot* slot = nullptr;
  rl::var<int> payload[wakers];
  rl::atomic<int> returned[wakers];  // the waker's remote_wake has returned

  void before() {
    rt.open();
    slot = rt.add_task();
    for (unsigned i = 0; i < wakers; ++i) {
      kov::detail::retain(*slot);  // each waker's reference
      payload[i]($) = 0;
      returned[i]($).store(0, rl::mo_relaxed);
    }
  }
  void after() { rt.close(); }

  void thread(unsigned index) {
    if (index < wakers) {
      payload[index]($) = 1;
      kov::detail::remote_wake(*slot);
      returned[index]($).store(1, rl::mo_relaxed);
      kov::detail::release(*slot);
      return;
    }
    bool looked[wakers] = {};
    const auto woken = [&](kov::detail::remote_slot& s) {
      RL_ASSERT(&s == slot);
      for (unsigned i = 0; i < wakers; ++i) {
        if (looked[i]) RL_ASSERT(payload[i]($) == 1);
      }
    };
    const auto look = [&] {
      bool all = true;
      for (unsigned i = 0; i < wakers; ++i) {
        looked[i] = returned[i]($).load(rl::mo_relaxed) == 1;
        all = all && looked[i];
      }
      return all;
    };
    for (;;) {
      const bool all_returned = look();
      rt.drain(woken);
      if (all_returned) break;
      rl::yield(1, $);  // a busy runtime (wake_race checks parking)
    }
    kov_model::model_runtime::finish_task(slot);
  }
};

// The last reference to a slot, and to the hub, dropped on either side: the waker drops its
// slot reference after its wake while the runtime finishes the task and shuts down (after the
// wake has returned, so no send is in flight). Whichever thread frees the slot or the hub, the
// other's accesses must happen before the free (release()'s race probes show Relacy both).
struct last_reference : rl::test_suite<last_reference, 2> {
  static constexpr const char* name = "last_reference";
  kov_model::model_runtime rt;
  kov::detail::remote_slot* slot = nullptr;
  rl::atomic<int> woke;  // the wake has returned

  void before() {
    rt.open();
    slot = rt.add_task();
    kov::detail::retain(*slot);  // the waker's reference
    woke($).store(0, rl::mo_relaxed);
  }
  void after() { rt.close(); }

  void thread(unsigned index) {
    if (index == 0) {
      kov::detail::remote_wake(*slot);
      woke($).store(1, rl::mo_seq_cst);
      kov::detail::release(*slot);
      return;
    }
    int delivered = 0;
    const auto woken = [&](kov::detail::remote_slot& s) {
      RL_ASSERT(&s == slot);
      ++delivered;
    };
    const auto wake_returned = [&] { return woke($).load(rl::mo_seq_cst) == 1; };
    rt.drain(woken);
    while (delivered == 0) {
      rt.park(wake_returned);
      rt.drain(woken);
    }
    while (!wake_returned()) rl::yield(1, $);
    kov_model::model_runtime::finish_task(slot);
    rt.close();
  }
};

// The runtime shuts down while a wake is on its way, with no wait for the wake to return: the
// waker's send lands before the close, claims its place before the close and writes after it,
// or finds the channel closed. In each case the queued reference is dropped once (by the
// shutdown, which waits for a claimed write, or by the failed send) and the slot and the hub
// are freed; a message left in the channel would keep both alive, which Relacy reports as a leak.
struct shutdown_race : rl::test_suite<shutdown_race, 2> {
  static constexpr const char* name = "shutdown_race";
  kov_model::model_runtime rt;
  kov::detail::remote_slot* slot = nullptr;

  void before() {
    rt.open();
    slot = rt.add_task();
    kov::detail::retain(*slot);  // the waker's reference
  }
  void after() { rt.close(); }

  void thread(unsigned index) {
    if (index == 0) {
      kov::detail::remote_wake(*slot);
      kov::detail::release(*slot);
      return;
    }
    kov_model::model_runtime::finish_task(slot);
    rt.close();
  }
};

}  // namespace

int main(int argc, char** argv) {
  return kov_model::run_scenarios<wake_race, coalesced_wake, last_reference, shutdown_race>(
      argc, argv, 200000);
}
