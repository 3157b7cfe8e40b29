// kov's atomics facade: every atomic operation in kov goes through these names, so the same code
// compiles against std::atomic (normal builds) or Relacy's model-checked atomics (KOV_MODEL=1,
// tests/model). Model builds include <relacy/relacy.hpp> first; there each operation records
// the caller's source line, so Relacy's traces name kov's code, not this file.
//
//   detail::atomic<bool> flag{false};
//   // Ordering: release: pairs with the reader's acquire load.
//   flag.store(true, detail::order::release);
#pragma once

#if KOV_MODEL
#include <source_location>
#else
#include <atomic>
#include <mutex>
#include <thread>
#endif

namespace kov::detail {

#if KOV_MODEL

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

// std::atomic's interface (the part kov uses) over rl::atomic.
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
  T fetch_and(T v, memory_order mo, here w = here::current()) {
    return value_.fetch_and(v, mo, model_site(w));
  }

 private:
  mutable rl::atomic<T> value_;
};

// Marks the accesses of a plain field that an ordering hands from one thread to another, so
// Relacy reports a DATA RACE when that ordering is too weak. Empty outside model builds.
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

// A mutex for state that several threads change together (cancellation_token's tree). Relacy's
// in model builds, so the lock's hand-over is part of what the model explores.
class mutex {
 public:
  using here = std::source_location;
  void lock(here w = here::current()) { m_.lock(model_site(w)); }
  void unlock(here w = here::current()) { m_.unlock(model_site(w)); }

 private:
  rl::mutex m_;
};

// Which thread this is, and a pause in a wait loop: Relacy's threads are fibers of one OS thread,
// so the model has its own answers.
using thread_id = unsigned;
inline thread_id this_thread_id() {
  return rl::thread_index();
}
inline void wait_a_moment(std::source_location w = std::source_location::current()) {
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
  void on_write() noexcept {}
  void on_read() const noexcept {}
};

using mutex = std::mutex;

using thread_id = std::thread::id;
inline thread_id this_thread_id() noexcept {
  return std::this_thread::get_id();
}
inline void wait_a_moment() noexcept {
  std::this_thread::yield();
}

#endif

}  // namespace kov::detail
