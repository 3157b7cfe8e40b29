// A hierarchical timing wheel: 6 levels of 64 slots over integer ticks, O(1) insert and cancel.
//
// Level L slot S holds the entries whose deadline agrees with the wheel's current tick in every
// base-64 digit above L and has digit S at L. Finding the next expiry is a count-trailing-zeros
// per level; an expiry at level L > 0 moves its entries down (cascades). Deadlines beyond the
// current 64^6-tick block wait on an overflow list that is re-sorted once per block.
#pragma once

#include <kov/detail/intrusive_list.hpp>
#include <kov/export.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace kov::detail {

// One timer, embedded in whatever waits on it (no allocation).
//
// Invariant: `where_ == where::nowhere` <=> the entry is in no list; otherwise it is in exactly
// the list named by (where_, level_, slot_), linked through link_.
struct timer_entry {
  using fire_fn = void (*)(timer_entry&) noexcept;

  explicit timer_entry(fire_fn fire = nullptr) noexcept : fire_(fire) {}
  timer_entry(const timer_entry&) = delete;
  timer_entry& operator=(const timer_entry&) = delete;

  bool linked() const noexcept { return where_ != where::nowhere; }

  std::uint64_t deadline_ = 0;  // in ticks
  fire_fn fire_;

  enum class where : std::uint8_t { nowhere, wheel, overflow, due };
  where where_ = where::nowhere;
  std::uint8_t level_ = 0;
  std::uint8_t slot_ = 0;
  list_link<timer_entry> link_;
};

class KOV_API timer_wheel {
 public:
  static constexpr unsigned levels = 6;
  static constexpr unsigned slots = 64;
  static constexpr unsigned slot_bits = 6;
  static constexpr std::uint64_t block_ticks = std::uint64_t{1} << (levels * slot_bits);

  explicit timer_wheel(std::uint64_t start_tick = 0) noexcept : elapsed_(start_tick) {}
  timer_wheel(const timer_wheel&) = delete;
  timer_wheel& operator=(const timer_wheel&) = delete;

  // Links `e` (not yet linked) to fire at tick e.deadline_. Returns false, leaving it unlinked,
  // when that tick has already been reached: the caller treats it as expired.
  bool insert(timer_entry& e) noexcept;

  // Unlinks `e` wherever it is (no-op when unlinked). O(1).
  void cancel(timer_entry& e) noexcept;

  // The earliest tick at which advance() will have something to do.
  std::optional<std::uint64_t> next_expiration() const noexcept;

  // Moves time to `now` (ticks never go back) and fires every entry due by then, earliest slot
  // first. A fire callback may insert or cancel entries, including ones due in this call.
  // Returns how many fired.
  std::size_t advance(std::uint64_t now) noexcept;

  std::uint64_t elapsed() const noexcept { return elapsed_; }
  std::size_t size() const noexcept { return count_; }

 private:
  // FIFO: entries of one slot fire in the order they were placed there.
  using list = intrusive_list<timer_entry, member_link<&timer_entry::link_>>;
  struct expiry {
    unsigned level;
    unsigned slot;
    std::uint64_t deadline;
  };

  void sort_out(list taken) noexcept;  // every entry of `taken` to due_ or a lower slot
  std::optional<expiry> next_slot() const noexcept;
  void place(timer_entry& e) noexcept;  // e is due later than elapsed_
  std::uint64_t block_end() const noexcept { return elapsed_ | (block_ticks - 1); }

  // Invariant: bit S of occupied_[L] <=> wheel_[L][S] is non-empty; every wheel entry's
  // deadline is > elapsed_ and <= block_end(); overflow_ entries are due after block_end();
  // due_ holds entries being fired by advance(); count_ counts all linked entries.
  list wheel_[levels][slots]{};
  std::uint64_t occupied_[levels]{};
  list overflow_;
  list due_;
  std::uint64_t elapsed_;
  std::size_t count_ = 0;
};

}  // namespace kov::detail
