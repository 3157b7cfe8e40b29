// The runtime's pool of threads for blocking work (kov::spawn_blocking): jobs travel on a
// flume-lock channel; threads start on demand up to a limit and exit after a keep-alive idle
// (the protocol is described in src/blocking_pool.cpp).
#pragma once

#include <kov/export.hpp>

#include <chrono>
#include <cstddef>
#include <memory>

namespace kov::detail {

// One unit of blocking work. run() is called at most once, on a pool thread; a job dropped
// unrun (the pool shut down first) is only destroyed.
class blocking_job {
 public:
  blocking_job() = default;
  virtual ~blocking_job() = default;
  blocking_job(const blocking_job&) = delete;
  blocking_job& operator=(const blocking_job&) = delete;
  virtual void run() noexcept = 0;
};

struct blocking_pool_state;

// Owned by a runtime_core and used only on its thread; the threads share its state.
//
// Invariant: state_ is never null; every job submitted is run by exactly one pool thread or,
// at shutdown, dropped unrun.
class KOV_API blocking_pool {
 public:
  blocking_pool(std::size_t max_threads, std::chrono::nanoseconds keep_alive);
  // Drops the jobs no thread has started yet, then waits for the running ones to return.
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  // Queues `job`, waking an idle thread or starting one if the limit allows. Throws
  // std::system_error (the job dropped) when the pool has no thread and cannot start one.
  void submit(std::unique_ptr<blocking_job> job);

  // Threads alive now (running a job or idle).
  std::size_t thread_count() const;

  // Whether a submitted job has not yet returned from run(): a hint (it may be stale by the
  // time it is read) that a result may arrive at any moment.
  bool has_unfinished_jobs() const noexcept;

 private:
  std::shared_ptr<blocking_pool_state> state_;
};

}  // namespace kov::detail
