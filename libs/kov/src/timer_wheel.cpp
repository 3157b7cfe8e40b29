#include <kov/detail/timer_wheel.hpp>

#include <bit>

namespace kov::detail {

void timer_wheel::push(list& l, timer_entry& e) noexcept {
  e.prev_ = l.tail;
  e.next_ = nullptr;
  if (l.tail != nullptr) {
    l.tail->next_ = &e;
  } else {
    l.head = &e;
  }
  l.tail = &e;
}

void timer_wheel::unlink(list& l, timer_entry& e) noexcept {
  if (e.prev_ != nullptr) {
    e.prev_->next_ = e.next_;
  } else {
    l.head = e.next_;
  }
  if (e.next_ != nullptr) {
    e.next_->prev_ = e.prev_;
  } else {
    l.tail = e.prev_;
  }
  e.prev_ = e.next_ = nullptr;
}

void timer_wheel::place(timer_entry& e) noexcept {
  if (e.deadline_ > block_end()) {
    e.where_ = timer_entry::where::overflow;
    push(overflow_, e);
    return;
  }
  // The highest base-64 digit in which the deadline differs from now picks the level.
  const std::uint64_t differing = (elapsed_ ^ e.deadline_) | (slots - 1);
  const unsigned level = static_cast<unsigned>(63 - std::countl_zero(differing)) / slot_bits;
  const unsigned slot = static_cast<unsigned>(e.deadline_ >> (level * slot_bits)) & (slots - 1);
  e.where_ = timer_entry::where::wheel;
  e.level_ = static_cast<std::uint8_t>(level);
  e.slot_ = static_cast<std::uint8_t>(slot);
  push(wheel_[level][slot], e);
  occupied_[level] |= std::uint64_t{1} << slot;
}

bool timer_wheel::insert(timer_entry& e) noexcept {
  if (e.deadline_ <= elapsed_) return false;
  place(e);
  ++count_;
  return true;
}

void timer_wheel::cancel(timer_entry& e) noexcept {
  switch (e.where_) {
    case timer_entry::where::nowhere: return;
    case timer_entry::where::wheel: {
      list& l = wheel_[e.level_][e.slot_];
      unlink(l, e);
      if (l.head == nullptr) occupied_[e.level_] &= ~(std::uint64_t{1} << e.slot_);
      break;
    }
    case timer_entry::where::overflow: unlink(overflow_, e); break;
    case timer_entry::where::due: unlink(due_, e); break;
  }
  e.where_ = timer_entry::where::nowhere;
  --count_;
}

std::optional<timer_wheel::expiry> timer_wheel::next_slot() const noexcept {
  for (unsigned level = 0; level < levels; ++level) {
    const std::uint64_t occupied = occupied_[level];
    if (occupied == 0) continue;
    const unsigned shift = level * slot_bits;
    const auto pos = static_cast<int>((elapsed_ >> shift) & (slots - 1));
    // Occupied slots are never behind the current position (see the invariant), so the first
    // set bit at or after `pos` is the earliest.
    const auto slot = static_cast<unsigned>(pos + std::countr_zero(std::rotr(occupied, pos))) &
                      (slots - 1);
    const std::uint64_t level_span = std::uint64_t{1} << (shift + slot_bits);
    const std::uint64_t level_start = elapsed_ & ~(level_span - 1);
    return expiry{level, slot, level_start + (std::uint64_t{slot} << shift)};
  }
  return std::nullopt;
}

std::optional<std::uint64_t> timer_wheel::next_expiration() const noexcept {
  if (auto e = next_slot()) return e->deadline;
  if (overflow_.head != nullptr) return block_end() + 1;
  return std::nullopt;
}

std::size_t timer_wheel::advance(std::uint64_t now) noexcept {
  std::size_t fired = 0;
  for (;;) {
    // Collect everything due by `now` into due_, slot by slot in time order.
    for (;;) {
      const auto next = next_slot();
      if (next && next->deadline <= now) {
        list& l = wheel_[next->level][next->slot];
        list taken = l;
        l = list{};
        occupied_[next->level] &= ~(std::uint64_t{1} << next->slot);
        elapsed_ = next->deadline;
        while (timer_entry* e = taken.head) {
          unlink(taken, *e);
          if (e->deadline_ <= elapsed_) {
            e->where_ = timer_entry::where::due;
            push(due_, *e);
          } else {
            place(*e);  // cascade to a lower level
          }
        }
        continue;
      }
      if (!next && overflow_.head != nullptr && block_end() < now) {
        // Enter the next block and sort the far-future entries into it.
        elapsed_ = block_end() + 1;
        list taken = overflow_;
        overflow_ = list{};
        while (timer_entry* e = taken.head) {
          unlink(taken, *e);
          if (e->deadline_ <= elapsed_) {
            e->where_ = timer_entry::where::due;
            push(due_, *e);
          } else {
            place(*e);
          }
        }
        continue;
      }
      break;
    }
    if (now > elapsed_) elapsed_ = now;
    if (due_.head == nullptr) return fired;
    // Fire one at a time: a callback may cancel or re-insert any entry, including due ones.
    while (timer_entry* e = due_.head) {
      unlink(due_, *e);
      e->where_ = timer_entry::where::nowhere;
      --count_;
      ++fired;
      e->fire_(*e);
    }
  }
}

}  // namespace kov::detail
