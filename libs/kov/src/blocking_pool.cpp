// The blocking pool: job hand-over on a flume-lock channel, the threads' idle/exit protocol,
// and shutdown.
//
// The runtime's thread is the only sender. A pool thread takes jobs off the receiving end
// only while it holds `mu`, so the single-consumer channel sees one receiver at a time, and the
// idle count that decides whether a submit wakes a thread or starts one is exact.
#include <flume_lock/channel.hpp>
#include <kov/detail/blocking_pool.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace kov::detail {

using job_ptr = std::unique_ptr<blocking_job>;

// Shared by the pool and its threads (each thread holds a reference until its last step, so
// the pool's destructor never frees what a thread still touches).
//
// Invariant (under mu): threads counts live pool threads, idle those waiting on wake_cv;
// notified counts wakes handed to idle threads and not yet taken (each took one off idle);
// once shutting_down is set no job is started and the queue is empty.
struct blocking_pool_state {
  blocking_pool_state(std::size_t max, std::chrono::nanoseconds keep)
      : max_threads(std::max<std::size_t>(max, 1)), keep_alive(keep) {
    auto [t, r] = flume_lock::channel<job_ptr>();
    tx = std::move(t);
    rx = std::move(r);
  }

  const std::size_t max_threads;
  const std::chrono::nanoseconds keep_alive;
  std::optional<flume_lock::sender<job_ptr>> tx;    // the runtime's thread only
  std::optional<flume_lock::receiver<job_ptr>> rx;  // under mu only

  mutable std::mutex mu;
  std::condition_variable wake_cv;  // idle threads wait here for a job or shutdown
  std::condition_variable exit_cv;  // shutdown waits here for the last thread
  std::size_t threads = 0;
  std::size_t idle = 0;
  std::size_t notified = 0;
  bool shutting_down = false;

  // Under mu: the next queued job, or null.
  job_ptr take() {
    job_ptr job;
    if (rx->try_recv(job) != flume_lock::status::ok) return nullptr;
    return job;
  }
};

namespace {

// A pool thread: run jobs while there are any, wait up to the keep-alive for the next one,
// exit on timeout or shutdown.
void work(std::shared_ptr<blocking_pool_state> s) {
  std::unique_lock lock(s->mu);
  while (!s->shutting_down) {
    if (job_ptr job = s->take()) {
      lock.unlock();
      job->run();
      job.reset();  // the job's captures go before this thread looks for more work
      lock.lock();
      continue;
    }
    ++s->idle;
    const auto deadline = std::chrono::steady_clock::now() + s->keep_alive;
    s->wake_cv.wait_until(lock, deadline, [&] { return s->notified > 0 || s->shutting_down; });
    if (s->notified > 0) {
      --s->notified;  // the submitter already took this thread off `idle`
      continue;
    }
    --s->idle;  // timed out, or shutting down: either way this thread ends
    break;
  }
  if (--s->threads == 0) s->exit_cv.notify_all();
}

}  // namespace

blocking_pool::blocking_pool(std::size_t max_threads, std::chrono::nanoseconds keep_alive)
    : state_(std::make_shared<blocking_pool_state>(max_threads, keep_alive)) {}

blocking_pool::~blocking_pool() {
  std::vector<job_ptr> dropped;
  {
    std::unique_lock lock(state_->mu);
    state_->shutting_down = true;
    while (job_ptr job = state_->take()) dropped.push_back(std::move(job));
    state_->wake_cv.notify_all();
    state_->exit_cv.wait(lock, [&] { return state_->threads == 0; });
  }
  // Unstarted jobs are destroyed here, on the runtime's thread, outside the lock.
  dropped.clear();
}

void blocking_pool::submit(job_ptr job) {
  blocking_pool_state& s = *state_;
  // The receiver lives as long as the pool: the send cannot find the channel closed.
  (void)s.tx->send(std::move(job));
  std::unique_lock lock(s.mu);
  if (s.idle > 0) {
    --s.idle;
    ++s.notified;
    lock.unlock();
    s.wake_cv.notify_one();
    return;
  }
  // Every thread is busy: a new one if the limit allows, else a busy one takes the job when
  // it finishes its own.
  if (s.threads >= s.max_threads) return;
  ++s.threads;
  try {
    std::thread(work, state_).detach();
  } catch (...) {
    if (--s.threads > 0) return;  // the threads alive will run the job
    // No thread to run it: take it back (this thread is the only sender, and with no pool
    // thread alive the queue holds just this job) and report the failure.
    job_ptr lost = s.take();
    lock.unlock();
    throw;
  }
}

std::size_t blocking_pool::thread_count() const {
  std::lock_guard lock(state_->mu);
  return state_->threads;
}

}  // namespace kov::detail
