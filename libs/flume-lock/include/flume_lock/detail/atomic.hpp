// The atomics facade: every atomic operation of flume-lock goes through these names, so the
// same queue code compiles against std::atomic (normal builds) or Relacy's model-checked atomics
// (FLUME_LOCK_MODEL=1, tests/model). Model builds include <relacy/relacy.hpp> first.
#pragma once

#if FLUME_LOCK_MODEL
#include <source_location>
#else
#include <atomic>
#include <thread>
#endif

namespace flume_lock::detail {

#if FLUME_LOCK_MODEL

using memory_order = rl::memory_order;
namespace order {
inline constexpr memory_order relaxed = rl::mo_relaxed;
inline constexpr memory_order acquire = rl::mo_acquire;
inline constexpr memory_order release = rl::mo_release;
inline constexpr memory_order acq_rel = rl::mo_acq_rel;
inline constexpr memory_order seq_cst = rl::mo_seq_cst;
}  // namespace order

inline rl::debug_info model_site(const std::source_location& where) {
  return rl::debug_info(where.function_name(), where.file_name(), where.line());
}

/// std::atomic's interface over rl::atomic; every call records the caller's source line so
/// Relacy's traces point at the queue code, not at this file.
template <class T>
class atomic {
 public:
  using here = std::source_location;
  atomic() : value_(T{}) {}
  explicit atomic(T v) : value_(v) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(memory_order mo, here w = here::current()) const { return value_.load(mo, model_site(w)); }
  void store(T v, memory_order mo, here w = here::current()) { value_.store(v, mo, model_site(w)); }
  T exchange(T v, memory_order mo, here w = here::current()) {
    return value_.exchange(v, mo, model_site(w));
  }
  T fetch_add(T v, memory_order mo, here w = here::current()) {
    return value_.fetch_add(v, mo, model_site(w));
  }
  T fetch_sub(T v, memory_order mo, here w = here::current()) {
    return value_.fetch_sub(v, mo, model_site(w));
  }
  T fetch_or(T v, memory_order mo, here w = here::current()) {
    return value_.fetch_or(v, mo, model_site(w));
  }
  bool compare_exchange_strong(T& expected, T desired, memory_order success, memory_order failure,
                               here w = here::current()) {
    if (fails_on_older_value(expected, failure, w)) return false;
    return value_.compare_exchange_strong(expected, desired, success, model_site(w), failure,
                                          model_site(w));
  }
  bool compare_exchange_weak(T& expected, T desired, memory_order success, memory_order failure,
                             here w = here::current()) {
    if (fails_on_older_value(expected, failure, w)) return false;
    return value_.compare_exchange_weak(expected, desired, success, model_site(w), failure,
                                        model_site(w));
  }

 private:
  // A failed compare-exchange is a load with the failure order, and like any load it may read
  // a value older than the newest one (within coherence). Relacy's compare-exchange always
  // reads the newest, so a failure order that is too weak could never show. In random search,
  // half the calls first load with the failure order: a value other than `expected` is the
  // failure, with that value. (A load that finds `expected` is followed by the real call.)
  bool fails_on_older_value(T& expected, memory_order failure, const here& w) {
    if (!rl::ctx().is_random_sched() || rl::rand(2) == 0) return false;
    const T seen = value_.load(failure, model_site(w));
    if (seen == expected) return false;
    expected = seen;
    return true;
  }

  mutable rl::atomic<T> value_;
};

/// Lets Relacy see the plain (non-atomic) payload accesses of a slot, so an ordering too weak to
/// publish a message shows up as a DATA RACE. Compiles to nothing outside model builds.
class race_probe {
 public:
  void on_write(std::source_location w = std::source_location::current()) {
    probe_(model_site(w)) = 1;
  }
  void on_read(std::source_location w = std::source_location::current()) const {
    (void)static_cast<int>(probe_(model_site(w)));
  }

 private:
  mutable rl::var<int> probe_{0};
};

/// Yield point for spin loops, so the model scheduler can run the thread being waited for.
inline void spin_pause(std::source_location w = std::source_location::current()) {
  rl::yield(1, model_site(w));
}

/// Waits for another thread a few instructions from done (see the real build's version).
inline void wait_a_moment(unsigned& /*spins*/,
                          std::source_location w = std::source_location::current()) {
  rl::yield(1, model_site(w));
}

#else

using memory_order = std::memory_order;
namespace order {
inline constexpr memory_order relaxed = std::memory_order_relaxed;
inline constexpr memory_order acquire = std::memory_order_acquire;
inline constexpr memory_order release = std::memory_order_release;
inline constexpr memory_order acq_rel = std::memory_order_acq_rel;
inline constexpr memory_order seq_cst = std::memory_order_seq_cst;
}  // namespace order

template <class T>
using atomic = std::atomic<T>;

class race_probe {
 public:
  void on_write() {}
  void on_read() const {}
};

inline void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Waits for another thread that is a few instructions from done (a claimed slot's store):
/// pauses at first, then gives the core away in case that thread was preempted mid-way.
/// `spins` counts the calls of one wait (start it at 0).
inline void wait_a_moment(unsigned& spins) {
  if (++spins < 64) {
    spin_pause();
  } else {
    std::this_thread::yield();
  }
}

#endif

}  // namespace flume_lock::detail
