// The timing wheel declared in timer_wheel.hpp: placing entries in slots, cascading them down
// as time advances, and firing them in deadline order.
#include <kov/detail/timer_wheel.hpp>

#include <bit>

namespace kov::detail {

void timer_wheel::place(timer_entry& e) noexcept {
  if (e.deadline_ > block_end()) {
    e.where_ = timer_entry::where::overflow;
    overflow_.push_back(e);
    return;
  }
  // The highest base-64 digit in which the deadline differs from now picks the level.
  const std::uint64_t differing = (elapsed_ ^ e.deadline_) | (slots - 1);
  const unsigned level = static_cast<unsigned>(63 - std::countl_zero(differing)) / slot_bits;
  const unsigned slot = static_cast<unsigned>(e.deadline_ >> (level * slot_bits)) & (slots - 1);
  e.where_ = timer_entry::where::wheel;
  e.level_ = static_cast<std::uint8_t>(level);
  e.slot_ = static_cast<std::uint8_t>(slot);
  wheel_[level][slot].push_back(e);
  occupied_[level] |= std::uint64_t{1} << slot;
}

void timer_wheel::sort_out(list taken) noexcept {
  while (timer_entry* e = taken.pop_front()) {
    if (e->deadline_ <= elapsed_) {
      e->where_ = timer_entry::where::due;
      due_.push_back(*e);
    } else {
      place(*e);
    }
  }
}

bool timer_wheel::insert(timer_entry& e) noexcept {
  if (e.deadline_ <= elapsed_) return false;
  place(e);
  ++count_;
  return true;
}

void timer_wheel::cancel(timer_entry& e) noexcept {
  switch (e.where_) {
    case timer_entry::where::nowhere:
      return;
    case timer_entry::where::wheel: {
      list& l = wheel_[e.level_][e.slot_];
      l.erase(e);
      if (l.empty()) occupied_[e.level_] &= ~(std::uint64_t{1} << e.slot_);
      break;
    }
    case timer_entry::where::overflow:
      overflow_.erase(e);
      break;
    case timer_entry::where::due:
      due_.erase(e);
      break;
  }
  e.where_ = timer_entry::where::nowhere;
  --count_;
}

std::optional<timer_wheel::expiry> timer_wheel::next_slot() const noexcept {
  for (unsigned level = 0; level < levels; ++level) {
    const std::uint64_t occupied = occupied_[level];
    if (occupied == 0) continue;
    const unsigned shift = level * slot_bits;
    const auto pos = static_cast<unsigned>((elapsed_ >> shift) & (slots - 1));
    // Occupied slots are never behind the current position (see the invariant), so the first
    // set bit at or after `pos` is the earliest. Rotated by hand: std::rotr's count is an int
    // in the standard but an unsigned in libc++ 16, so neither type converts cleanly on both.
    const std::uint64_t from_pos =
        pos == 0 ? occupied : (occupied >> pos) | (occupied << (64 - pos));
    const auto slot =
        static_cast<unsigned>(pos + static_cast<unsigned>(std::countr_zero(from_pos))) &
        (slots - 1);
    const std::uint64_t level_span = std::uint64_t{1} << (shift + slot_bits);
    const std::uint64_t level_start = elapsed_ & ~(level_span - 1);
    return expiry{level, slot, level_start + (std::uint64_t{slot} << shift)};
  }
  return std::nullopt;
}

std::optional<std::uint64_t> timer_wheel::next_expiration() const noexcept {
  if (auto e = next_slot()) return e->deadline;
  if (!overflow_.empty()) return block_end() + 1;
  return std::nullopt;
}

std::size_t timer_wheel::advance(std::uint64_t now) noexcept {
  std::size_t fired = 0;
  for (;;) {
    // Collect everything due by `now` into due_, slot by slot in time order.
    for (;;) {
      const auto next = next_slot();
      if (next && next->deadline <= now) {
        occupied_[next->level] &= ~(std::uint64_t{1} << next->slot);
        elapsed_ = next->deadline;
        sort_out(wheel_[next->level][next->slot].take_all());  // cascades to lower levels
        continue;
      }
      if (!next && !overflow_.empty() && block_end() < now) {
        // Enter the next block and sort the far-future entries into it.
        elapsed_ = block_end() + 1;
        sort_out(overflow_.take_all());
        continue;
      }
      break;
    }
    if (now > elapsed_) elapsed_ = now;
    if (due_.empty()) return fired;
    // Fire one at a time: a callback may cancel or re-insert any entry, including due ones.
    while (timer_entry* e = due_.pop_front()) {
      e->where_ = timer_entry::where::nowhere;
      --count_;
      ++fired;
      e->fire_(*e);
    }
  }
}

}  // namespace kov::detail
