// Knobs of a kov::runtime.
#pragma once

#include <chrono>
#include <cstdint>

namespace kov {

/// Which reactor drives I/O. `automatic` takes io_uring when the kernel offers it and epoll
/// otherwise; the environment variable KOV_IO_BACKEND (epoll, io_uring, auto) decides when the
/// option is left at `automatic`. Forcing io_uring where it is unavailable is an error.
enum class io_backend : std::uint8_t { automatic, epoll, io_uring };

/// Knobs of a kov::runtime; the defaults suit most programs.
struct runtime_options {
  /// Resolution of the timer wheel: a timer fires at the first tick at or after its deadline.
  /// At least 100 us (smaller values are raised to it).
  std::chrono::nanoseconds timer_tick = std::chrono::milliseconds(1);
  /// Tasks polled between two looks at the reactor (I/O, cross-thread wakes, timers), so those
  /// are serviced at a bounded interval however busy the run queue is.
  std::uint32_t event_interval = 61;
  /// Immediately-ready kov awaits one poll of a task may complete before it is sent to the back
  /// of the run queue (cooperative budget), so an always-ready task cannot starve the others.
  std::uint32_t task_budget = 128;
  /// Which reactor drives I/O (see io_backend).
  io_backend backend = io_backend::automatic;
  /// The blocking pool (kov::spawn_blocking): threads start on demand up to this many (at least
  /// 1), and one that has waited `blocking_keep_alive` without a job exits.
  std::uint32_t max_blocking_threads = 512;
  /// How long an idle blocking-pool thread waits for a job before it exits.
  std::chrono::nanoseconds blocking_keep_alive = std::chrono::seconds(10);
  /// Test clock (tokio's start_paused): kov::clock::now() on this runtime stands still and moves
  /// only by kov::time::advance(d), or, with auto_advance, by jumping to the next timer deadline
  /// whenever the runtime would otherwise wait for time to pass (see docs/kov.md, "Test clock").
  bool start_paused = false;
  bool auto_advance = true;  ///< only read when start_paused
};

}  // namespace kov
