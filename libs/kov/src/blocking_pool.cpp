// The blocking pool: job hand-over on a flume-lock channel, the threads' listen/follow/exit
// protocol, and shutdown.
//
// The runtime's thread is the only sender. The channel has one receiver, so one idle thread at a
// time is the listener: it waits in the channel's own blocking receive (a short adaptive spin,
// then a futex park that the send wakes), and a submit to a listening pool costs a send and a
// short critical section, no condition variable. The other idle threads follow: they wait on
// `follow_cv` until the listener takes a job and hands the role on, or their keep-alive ends.
#include <flume_lock/channel.hpp>
#include <kov/detail/atomic.hpp>
#include <kov/detail/blocking_pool.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace kov::detail {

using job_ptr = std::unique_ptr<blocking_job>;
using steady = std::chrono::steady_clock;

// Shared by the pool and its threads (each thread holds a reference until its last step, so
// the pool's destructor never frees what a thread still touches).
//
// Invariant (under mu): threads counts live pool threads (a thread being started included),
// idle those not running a job; pending counts jobs counted by submit (before their send) and
// not yet taken; `listening` is true while one thread owns the receiving end (only that thread
// touches rx, outside mu; with no thread alive the runtime's thread may); followers counts the
// threads waiting on follow_cv. Once shutting_down is set no job is started.
struct blocking_pool_state {
  blocking_pool_state(std::size_t max, std::chrono::nanoseconds keep)
      : max_threads(std::max<std::size_t>(max, 1)), keep_alive(keep) {
    auto [t, r] = flume_lock::channel<job_ptr>();
    tx.emplace(std::move(t));
    rx.emplace(std::move(r));
  }

  const std::size_t max_threads;
  const std::chrono::nanoseconds keep_alive;
  std::optional<flume_lock::sender<job_ptr>> tx;    // the runtime's thread only
  std::optional<flume_lock::receiver<job_ptr>> rx;  // the listener only (see the invariant)

  std::mutex mu;
  std::condition_variable follow_cv;  // followers wait here for the listener's role
  std::condition_variable exit_cv;    // shutdown waits here for the last thread
  std::size_t threads = 0;
  std::size_t idle = 0;
  std::size_t pending = 0;
  std::size_t followers = 0;
  bool listening = false;
  bool shutting_down = false;
  // Jobs submitted and not yet returned from run() (outside mu: read by the runtime's thread
  // on every idle turn, see runtime_core::turn).
  atomic<std::size_t> unfinished{0};

  // Under mu, on leaving the listener's role: a follower takes it over.
  void hand_over() {
    listening = false;
    if (followers > 0) follow_cv.notify_one();
  }
};

namespace {

// Listens for one job (the caller is the listener, `lock` released meanwhile). Returns the
// job to run, or null with `exit` set when this thread should end.
job_ptr listen(blocking_pool_state& s, std::unique_lock<std::mutex>& lock, bool& exit) {
  lock.unlock();
  job_ptr job;
  const flume_lock::status got = s.rx->recv_until(job, steady::now() + s.keep_alive);
  lock.lock();
  s.hand_over();
  if (got == flume_lock::status::ok) {
    --s.pending;
    exit = s.shutting_down;  // then the caller drops the job unrun
    return job;
  }
  // Timed out, or the channel was closed at shutdown. A job counted but not yet sent keeps
  // this thread listening: nobody else may be left to take it.
  exit = got != flume_lock::status::timeout || s.pending == 0 || s.shutting_down;
  return nullptr;
}

// A pool thread: listens or follows while idle, runs what it gets, ends after a keep-alive
// without work or at shutdown.
void work(std::shared_ptr<blocking_pool_state> state) {
  // This thread's own reference, held to its last step (after the pool may be gone).
  const std::shared_ptr<blocking_pool_state> keep = std::move(state);
  blocking_pool_state& s = *keep;
  std::unique_lock lock(s.mu);
  for (;;) {
    if (s.shutting_down) break;
    if (s.listening) {
      ++s.followers;
      const bool turn =
          s.follow_cv.wait_for(lock, s.keep_alive, [&] { return !s.listening || s.shutting_down; });
      --s.followers;
      if (!turn) break;  // idle for the keep-alive while another thread listened
      continue;
    }
    s.listening = true;
    bool exit = false;
    job_ptr job = listen(s, lock, exit);
    if (exit) {
      lock.unlock();
      job.reset();  // a job taken at shutdown is dropped unrun
      lock.lock();
      break;
    }
    if (!job) continue;
    --s.idle;
    lock.unlock();
    job->run();
    job.reset();  // the job's captures go before this thread looks for more work
    // Ordering: relaxed: a hint for the runtime's idle spin, which orders nothing by it.
    s.unfinished.fetch_sub(1, order::relaxed);
    lock.lock();
    ++s.idle;
  }
  --s.idle;
  if (--s.threads == 0) s.exit_cv.notify_all();
}

}  // namespace

blocking_pool::blocking_pool(std::size_t max_threads, std::chrono::nanoseconds keep_alive)
    : state_(std::make_shared<blocking_pool_state>(max_threads, keep_alive)) {}

blocking_pool::~blocking_pool() {
  blocking_pool_state& s = *state_;
  {
    std::unique_lock lock(s.mu);
    s.shutting_down = true;
    s.follow_cv.notify_all();
  }
  // Wakes the listener; it drops what it takes from now on.
  s.tx->close();
  {
    std::unique_lock lock(s.mu);
    s.exit_cv.wait(lock, [&] { return s.threads == 0; });
  }
  // No thread is left: what is still queued is dropped here, unrun.
  job_ptr job;
  while (s.rx->try_recv(job) == flume_lock::status::ok) job.reset();
}

void blocking_pool::submit(job_ptr job) {
  blocking_pool_state& s = *state_;
  bool start = false;
  {
    std::lock_guard lock(s.mu);
    ++s.pending;
    // Ordering: relaxed: as the decrement in work().
    s.unfinished.fetch_add(1, order::relaxed);
    // More jobs than idle threads to take them: one more thread if the limit allows, else a
    // busy thread takes the job when it finishes its own.
    if (s.pending > s.idle && s.threads < s.max_threads) {
      ++s.threads;
      ++s.idle;  // counted as idle from now, so a burst does not start a thread per job
      start = true;
    }
  }
  // Counted before the send, so a listener whose wait ends meanwhile stays for it. The
  // receiver lives as long as the pool: the send cannot find the channel closed.
  (void)s.tx->send(std::move(job));
  if (!start) return;
  try {
    std::thread(work, state_).detach();
  } catch (...) {
    std::unique_lock lock(s.mu);
    --s.idle;
    if (--s.threads > 0) return;  // the threads alive will run the job
    // No thread alive, so nobody listens and rx is this thread's to use: with the runtime's
    // thread the only sender, the queue holds just this job. Take it back and report.
    job_ptr lost;
    if (s.rx->try_recv(lost) == flume_lock::status::ok) {
      --s.pending;
      // Ordering: relaxed: as the decrement in work().
      s.unfinished.fetch_sub(1, order::relaxed);
    }
    lock.unlock();
    throw;
  }
}

bool blocking_pool::has_unfinished_jobs() const noexcept {
  // Ordering: relaxed: a hint; a stale answer costs one short spin or one park, nothing else.
  return state_->unfinished.load(order::relaxed) != 0;
}

std::size_t blocking_pool::thread_count() const {
  std::lock_guard lock(state_->mu);
  return state_->threads;
}

}  // namespace kov::detail
