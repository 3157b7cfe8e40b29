// The runtime's end of kov's cross-thread wake path, for the Relacy model tests: the real wake
// hub and inject channel (src/inject.hpp), the real remote_wake (src/remote.cpp, compiled into
// the test with KOV_MODEL=1 and FLUME_LOCK_MODEL=1) and the real drain (drain_wakes), over a
// real non-blocking eventfd. Model threads are fibers of one OS thread, so the eventfd's reads
// and writes happen in the explored order; the runtime "parks" by polling it.
//
// Include this first in a model test: it brings every standard header the code uses, then
// <relacy/relacy.hpp>, then kov's code (whose allocations Relacy then tracks).
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <compare>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <source_location>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

// After every standard header (above), before kov's code.
#include <relacy/relacy.hpp>

// Relacy's `delete` macro would also rewrite `= delete` (here and in the tests that include
// this); its global operator delete still tracks every free without it.
#undef delete

#include "../../src/remote.cpp"  // NOLINT(bugprone-suspicious-include): the real code, this build

namespace kov_model {

using kov::detail::remote_slot;
using kov::detail::slot_ref;

// A runtime's wake hub, inject channel and eventfd, opened in a test's before() and closed in
// its after() the way runtime_core's constructor and destructor do.
struct model_runtime {
  kov::detail::wake_hub* hub = nullptr;
  kov::detail::inject_channel* inject = nullptr;

  void open() {
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    RL_ASSERT(fd >= 0);
    auto [tx, rx] = flume_lock::channel<slot_ref>();
    hub = new kov::detail::wake_hub(std::move(tx), fd);
    inject = new kov::detail::inject_channel{std::move(rx)};
  }

  // A task's remote slot, as runtime_core::remote_slot_of makes it; the runtime holds the
  // task's reference until finish_task.
  remote_slot* add_task() {
    auto* s = new remote_slot;
    hub->refs_.fetch_add(1, kov::detail::order::relaxed);
    s->hub_ = hub;
    return s;
  }

  // One drain of the inject channel (runtime_core::drain_remote): `woken(remote_slot&)` for
  // each slot queued since the last drain.
  template <class Woken>
  void drain(Woken&& woken) {
    kov::detail::drain_wakes(*hub, *inject, woken);
  }

  // Blocks until the eventfd is readable (and empties it). `done()` says that no waker will
  // write it any more: parking then would sleep forever, which is a lost wake.
  template <class Done>
  void park(Done&& done) {
    for (;;) {
      if (take_eventfd()) return;
      if (done()) {
        // Looked at after `done()`, so a write made before the last waker finished is seen.
        if (take_eventfd()) return;
        RL_ASSERT(!"lost wake: the runtime parked with a task still to wake");
        return;
      }
      rl::yield(1, $);
    }
  }

  // Drains and parks until `task` is woken (the runtime of a model with one task); `done()` as
  // for park().
  template <class Done>
  void park_until_woken(remote_slot* task, Done&& done) {
    bool woken = false;
    const auto on_wake = [&](remote_slot& slot) {
      RL_ASSERT(&slot == task);
      woken = true;
    };
    drain(on_wake);
    while (!woken) {
      park(done);
      drain(on_wake);
    }
  }

  // The task has finished (runtime_core::finish): later wakes find no task.
  static void finish_task(remote_slot* s) {
    s->task_ = nullptr;
    kov::detail::release(*s);
  }

  // The runtime shuts down (runtime_core's destructor), at most once (after() may call it again).
  // Wakes may still be running on other threads (scenario shutdown_race).
  void close() {
    if (inject == nullptr) return;
    kov::detail::shutdown_wakes(*inject);
    delete inject;
    inject = nullptr;
    kov::detail::release(*hub);  // closes the eventfd once the last slot lets go
  }

 private:
  bool take_eventfd() {
    std::uint64_t count = 0;
    return ::read(hub->event_fd_, &count, sizeof count) == sizeof count;
  }
};

// Runs each scenario under Relacy's random scheduler for `iterations` executions (argv[1], or
// `fallback`) and prints `passed: explored N executions` only if every one passed (CTest's
// pass expression; it ignores the exit code).
template <class... Suites>
int run_scenarios(int argc, char** argv, unsigned long fallback) {
  const unsigned long iterations = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : fallback;
  unsigned long explored = 0;
  const auto explore = [&]<class Suite>(Suite*) {
    rl::test_params params;
    params.iteration_count = iterations;
    params.search_type = rl::sched_random;
    const bool ok = rl::simulate<Suite>(params);
    std::printf("%s: %s (%lu executions)\n", Suite::name, ok ? "ok" : "FAILED",
                static_cast<unsigned long>(params.stop_iteration));
    explored += params.stop_iteration;
    return ok;
  };
  if (!(explore(static_cast<Suites*>(nullptr)) && ...)) return 1;
  std::printf("passed: explored %lu executions\n", explored);
  return 0;
}

}  // namespace kov_model
