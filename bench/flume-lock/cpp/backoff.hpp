// The wait a spinning consumer or producer does when a non-blocking queue has nothing for it.
// Peers without a blocking operation are used the way their own examples use them: retry in a
// loop. A short burst of pause instructions keeps the latency low when the other side is running;
// after that the thread yields, because with 2 cores and up to 9 threads a pure spin would keep
// the thread that could make progress off the CPU.
#pragma once

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace bench {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class backoff {
 public:
  void wait() noexcept {
    if (spins_ < spin_limit_) {
      ++spins_;
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }

 private:
  static constexpr unsigned spin_limit_ = 64;
  unsigned spins_ = 0;
};

// Retries try_op until it succeeds, backing off in between.
template <class TryOp>
inline void retry_until(TryOp&& try_op) {
  if (try_op()) return;
  backoff b;
  do {
    b.wait();
  } while (!try_op());
}

}  // namespace bench
