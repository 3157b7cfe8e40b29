// kov::rwlock: a reader-writer lock for tasks of one runtime, FIFO-fair and so
// write-preferring: a waiting writer holds back every reader that comes after it, so a stream
// of readers cannot starve a writer (and a writer cannot jump ahead of readers queued first).
//
//   kov::rwlock lock;
//   { auto r = co_await lock.read(); ... }    // many readers at once
//   { auto w = co_await lock.write(); ... }   // alone
//
// Built on kov::semaphore, as tokio's RwLock: a reader takes one of max_readers permits, a
// writer takes them all; the semaphore's FIFO queue gives the fairness.
//
// Cancel-safety of read() and write(): abandoning the await loses nothing; a lock already handed
// to the abandoned waiter is released, and the next waiters get it.
#pragma once

#include <kov/semaphore.hpp>

#include <cstddef>
#include <optional>
#include <utility>

namespace kov {

/// A reader-writer lock for the tasks of one runtime, FIFO-fair and so write-preferring: a
/// waiting writer holds back every reader that comes after it, so a stream of readers cannot
/// starve it. Built on `semaphore`: a reader takes one of `max_readers` permits, a writer all.
class rwlock {
 public:
  /// How many readers may hold the lock at once.
  static constexpr std::size_t max_readers = std::size_t{1} << 30;

  /// An unlocked lock.
  rwlock() noexcept = default;
  rwlock(const rwlock&) = delete;
  rwlock& operator=(const rwlock&) = delete;

  /// Shared (read) or exclusive (write) ownership, released when the guard is destroyed or
  /// unlock() is called.
  template <bool Exclusive>
  class [[nodiscard]] basic_guard {
   public:
    /// A guard that owns nothing.
    basic_guard() noexcept = default;
    /// Takes ownership through the semaphore permits `p` (one for a reader, all for a writer).
    explicit basic_guard(semaphore::permit p) noexcept : p_(std::move(p)) {}
    /// Releases the lock early; does nothing if none is owned.
    void unlock() noexcept { p_ = semaphore::permit(); }
    /// True while this guard holds the lock.
    bool owns_lock() const noexcept { return p_.count() != 0; }

   private:
    semaphore::permit p_;
  };
  /// Shared ownership, given by `read()` and `try_read()`.
  using read_guard = basic_guard<false>;
  /// Exclusive ownership, given by `write()` and `try_write()`.
  using write_guard = basic_guard<true>;

  template <bool Exclusive>
  /// The awaitable returned by `read()` and `write()`; resumes with the guard. Cancel-safe: a lock
  /// already handed to an abandoned waiter is released, and the next waiters get it.
  class lock_awaitable {
   public:
    /// Prepares to take one permit of `s` (a reader) or all of them (a writer).
    explicit lock_awaitable(semaphore& s) noexcept : acquire_(s, Exclusive ? max_readers : 1) {}
    /// Awaitable protocol: takes the lock now if it is free and nobody is queued.
    bool await_ready() noexcept { return acquire_.await_ready(); }
    /// Awaitable protocol: queues the task in FIFO order until the lock is handed to it.
    void await_suspend(std::coroutine_handle<> h) noexcept { acquire_.await_suspend(h); }
    /// Awaitable protocol: gives the lock as a guard.
    basic_guard<Exclusive> await_resume() noexcept {
      return basic_guard<Exclusive>(acquire_.await_resume());
    }

   private:
    semaphore::acquire_awaitable acquire_;
  };

  /// Shared ownership: waits while a writer holds the lock or waits ahead of this call.
  lock_awaitable<false> read() noexcept { return lock_awaitable<false>(permits_); }
  /// Exclusive ownership: waits for every holder, and for everyone queued ahead.
  lock_awaitable<true> write() noexcept { return lock_awaitable<true>(permits_); }

  /// Shared ownership now if no writer holds the lock or is queued, else nullopt.
  std::optional<read_guard> try_read() noexcept { return try_lock<false>(1); }
  /// Exclusive ownership now if the lock is free and nobody is queued, else nullopt.
  std::optional<write_guard> try_write() noexcept { return try_lock<true>(max_readers); }

  /// Readers holding the lock now (0 while a writer holds it).
  std::size_t readers() const noexcept {
    const std::size_t held = max_readers - permits_.available_permits();
    return held == max_readers ? 0 : held;
  }
  /// True while a writer holds the lock.
  bool is_write_locked() const noexcept { return permits_.available_permits() == 0; }

 private:
  template <bool Exclusive>
  std::optional<basic_guard<Exclusive>> try_lock(std::size_t n) noexcept {
    std::optional<semaphore::permit> p = permits_.try_acquire(n);
    if (!p) return std::nullopt;
    return basic_guard<Exclusive>(std::move(*p));
  }

  semaphore permits_{max_readers};
};

}  // namespace kov
