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

class rwlock {
 public:
  // How many readers may hold the lock at once.
  static constexpr std::size_t max_readers = std::size_t{1} << 30;

  rwlock() noexcept = default;
  rwlock(const rwlock&) = delete;
  rwlock& operator=(const rwlock&) = delete;

  // Shared (read) or exclusive (write) ownership, released when the guard is destroyed or
  // unlock() is called.
  template <bool Exclusive>
  class [[nodiscard]] basic_guard {
   public:
    basic_guard() noexcept = default;
    explicit basic_guard(semaphore::permit p) noexcept : p_(std::move(p)) {}
    void unlock() noexcept { p_ = semaphore::permit(); }
    bool owns_lock() const noexcept { return p_.count() != 0; }

   private:
    semaphore::permit p_;
  };
  using read_guard = basic_guard<false>;
  using write_guard = basic_guard<true>;

  template <bool Exclusive>
  class lock_awaitable {
   public:
    explicit lock_awaitable(semaphore& s) noexcept : acquire_(s, Exclusive ? max_readers : 1) {}
    bool await_ready() noexcept { return acquire_.await_ready(); }
    void await_suspend(std::coroutine_handle<> h) noexcept { acquire_.await_suspend(h); }
    basic_guard<Exclusive> await_resume() noexcept {
      return basic_guard<Exclusive>(acquire_.await_resume());
    }

   private:
    semaphore::acquire_awaitable acquire_;
  };

  // Shared ownership: waits while a writer holds the lock or waits ahead of this call.
  lock_awaitable<false> read() noexcept { return lock_awaitable<false>(permits_); }
  // Exclusive ownership: waits for every holder, and for everyone queued ahead.
  lock_awaitable<true> write() noexcept { return lock_awaitable<true>(permits_); }

  std::optional<read_guard> try_read() noexcept { return try_lock<false>(1); }
  std::optional<write_guard> try_write() noexcept { return try_lock<true>(max_readers); }

  // Readers holding the lock now (0 while a writer holds it).
  std::size_t readers() const noexcept {
    const std::size_t held = max_readers - permits_.available_permits();
    return held == max_readers ? 0 : held;
  }
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
