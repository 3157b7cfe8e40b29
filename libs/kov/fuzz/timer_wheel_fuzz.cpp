// Differential fuzzing of kov's timer wheel (kov/detail/timer_wheel.hpp) against a
// std::multimap of deadlines: a fuzzer-chosen sequence of insert, cancel and advance (deadlines
// spread over every level of the wheel and past its block, into the overflow list). After every
// step both agree on which timers are pending; each advance fires exactly the timers due by
// then, in deadline order, each once, with elapsed() already at the advance's time, and timers
// of one deadline fire in the order they were inserted. next_expiration() never lies: it is at
// or before the earliest deadline, and nothing fires before it.
#include <kov/detail/timer_wheel.hpp>

#include "fuzz_check.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

namespace {

using kov_fuzz::require;

using kov::detail::timer_entry;
using kov::detail::timer_wheel;

constexpr std::size_t timer_count = 64;

struct fired_record {
  std::size_t id;
  std::uint64_t deadline;
  std::uint64_t elapsed;
};

struct harness;

struct fuzz_timer : timer_entry {
  fuzz_timer() noexcept : timer_entry(&fuzz_timer::on_fire) {}
  std::size_t id = 0;
  harness* owner = nullptr;

  static void on_fire(timer_entry& e) noexcept;
};

struct harness {
  timer_wheel wheel;
  std::array<fuzz_timer, timer_count> timers;
  // deadline -> id, in insertion order among equal deadlines (multimap keeps it).
  std::multimap<std::uint64_t, std::size_t> model;
  std::vector<fired_record> fired;

  explicit harness(std::uint64_t start) : wheel(start) {
    for (std::size_t i = 0; i < timer_count; ++i) {
      timers[i].id = i;
      timers[i].owner = this;
    }
  }

  void forget(std::size_t id) {
    for (auto it = model.begin(); it != model.end(); ++it) {
      if (it->second == id) {
        model.erase(it);
        return;
      }
    }
  }
};

void fuzz_timer::on_fire(timer_entry& e) noexcept {
  // Safety: every entry handed to the wheel is a fuzz_timer.
  auto& t = static_cast<fuzz_timer&>(e);
  t.owner->fired.push_back({t.id, e.deadline_, t.owner->wheel.elapsed()});
}

// A distance in ticks of a fuzzer-chosen magnitude: within a slot, a level, or beyond the
// wheel's 64^6-tick block.
std::uint64_t distance(FuzzedDataProvider& in) {
  const unsigned bits = in.ConsumeIntegralInRange<unsigned>(0, 40);
  const std::uint64_t span = std::uint64_t{1} << bits;
  return in.ConsumeIntegralInRange<std::uint64_t>(0, span);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::uint64_t start = in.ConsumeBool() ? 0 : distance(in);
  auto h = std::make_unique<harness>(start);
  timer_wheel& wheel = h->wheel;
  while (in.remaining_bytes() > 0) {
    const int what = in.ConsumeIntegralInRange<int>(0, 3);
    const std::size_t id = in.ConsumeIntegralInRange<std::size_t>(0, timer_count - 1);
    timer_entry& e = h->timers[id];
    switch (what) {
      case 0:
      case 1: {  // insert, or cancel then insert (a reschedule)
        if (what == 1 || e.linked()) {
          wheel.cancel(e);
          h->forget(id);
        }
        e.deadline_ = wheel.elapsed() + distance(in);
        const bool linked = wheel.insert(e);
        require(linked == (e.deadline_ > wheel.elapsed()) && linked == e.linked());
        if (linked) h->model.emplace(e.deadline_, id);
        break;
      }
      case 2: {
        wheel.cancel(e);
        require(!e.linked());
        h->forget(id);
        break;
      }
      case 3: {
        const std::uint64_t now = wheel.elapsed() + distance(in);
        const auto next = wheel.next_expiration();
        if (!h->model.empty()) {
          require(next && *next > wheel.elapsed() && *next <= h->model.begin()->first);
        }
        h->fired.clear();
        const std::size_t count = wheel.advance(now);
        require(wheel.elapsed() == now && count == h->fired.size());
        if (next && *next > now) require(count == 0);
        for (const fired_record& f : h->fired) {
          require(!h->model.empty());
          const auto first = h->model.begin();
          require(first->first <= now && f.deadline == first->first && f.id == first->second);
          require(f.elapsed == now && !h->timers[f.id].linked());
          h->model.erase(first);
        }
        require(h->model.empty() || h->model.begin()->first > now);
        break;
      }
      default:
        break;
    }
    require(wheel.size() == h->model.size());
  }
  return 0;
}
