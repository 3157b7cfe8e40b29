// Asymmetric fences, for a store-buffering handshake whose one side runs all the time (a sharded
// sender's every push) and whose other side runs rarely (a receiver about to park, a close).
// Each side stores, fences, then loads what the other side stores; as with two seq_cst fences,
// at least one of the two loads sees the other side's store.
//   light_fence(): the frequent side. A compiler barrier only: no instruction.
//   heavy_fence(): the rare side. Linux membarrier(2) with MEMBARRIER_CMD_PRIVATE_EXPEDITED:
//     every thread of the process that runs at that moment executes a full memory barrier
//     before the call returns, and a thread that does not run has been through a context
//     switch, which is one. So the light side's stores before its compiler barrier are visible
//     to the heavy side's loads after the call, or the light side's loads after the barrier see
//     the heavy side's stores before it (the pairing the kernel documents for membarrier).
// Where membarrier is missing (kernels before 4.14, seccomp filters), the light fence is a real
// seq_cst fence and the heavy one too. Model builds use seq_cst fences on both sides: that is
// exactly the guarantee of the pair, so the models check the protocols built on it.
#pragma once

#include <flume_lock/detail/atomic.hpp>

#if !FLUME_LOCK_MODEL
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#endif

namespace flume_lock::detail {

#if FLUME_LOCK_MODEL

inline void light_fence(std::source_location w = std::source_location::current()) {
  rl::atomic_thread_fence(order::seq_cst, model_site(w));
}

inline void heavy_fence(std::source_location w = std::source_location::current()) {
  rl::atomic_thread_fence(order::seq_cst, model_site(w));
}

#else

/// Whether this process may use MEMBARRIER_CMD_PRIVATE_EXPEDITED (registered on first use).
/// A function-local static: every fence that reads `true` runs after the registration.
inline bool membarrier_registered() noexcept {
  static const bool registered = [] {
    const long commands = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (commands < 0 || (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return false;
    return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
  }();
  return registered;
}

inline void light_fence() noexcept {
  if (membarrier_registered()) [[likely]] {
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the compiler keeps program order
  } else {
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
}

inline void heavy_fence() noexcept {
  if (membarrier_registered()) {
    // Once registered, none of the command's errors (membarrier(2)) can occur.
    syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
  } else {
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
}

#endif

}  // namespace flume_lock::detail
