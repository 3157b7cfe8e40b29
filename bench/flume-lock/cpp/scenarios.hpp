// The flume-lock suite's scenarios (docs: shared benchmarks.md), shared by name with the Rust
// peer program (bench/flume-lock/rust/src/scenarios.rs): same names, same shapes.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>

namespace bench {

// select: one consumer selects over `producers` channels, one producer per channel (the shape
// of crossbeam's benches/crossbeam.rs select_rx).
enum class scenario_kind { seq, throughput, pingpong, select, mpmc };

struct scenario {
  std::string_view name;
  scenario_kind kind;
  std::size_t producers;
  std::size_t capacity;  // 0: unbounded; rendezvous_capacity: crossbeam's bounded(0)
  std::size_t consumers = 1;
};

inline constexpr std::size_t rendezvous_capacity = std::numeric_limits<std::size_t>::max();

inline constexpr scenario all_scenarios[] = {
    {"seq", scenario_kind::seq, 1, 0},
    {"spsc", scenario_kind::throughput, 1, 0},
    {"mpsc_t2", scenario_kind::throughput, 2, 0},
    {"mpsc_t4", scenario_kind::throughput, 4, 0},
    {"mpsc_t8", scenario_kind::throughput, 8, 0},
    {"bounded1_spsc", scenario_kind::throughput, 1, 1},
    {"bounded1_mpsc_t4", scenario_kind::throughput, 4, 1},
    {"bounded1024_spsc", scenario_kind::throughput, 1, 1024},
    {"bounded1024_mpsc_t4", scenario_kind::throughput, 4, 1024},
    {"pingpong", scenario_kind::pingpong, 1, 0},
    {"select_rx4", scenario_kind::select, 4, 0},
    // Several consumers share one queue, each message to exactly one (crossbeam's `mpmc`).
    {"mpmc_t4x4", scenario_kind::mpmc, 4, 0, 4},
    {"mpmc_bounded1024_t4x4", scenario_kind::mpmc, 4, 1024, 4},
    {"rendezvous_spsc", scenario_kind::throughput, 1, rendezvous_capacity},
};

inline std::optional<scenario> find_scenario(std::string_view name) {
  for (const auto& s : all_scenarios) {
    if (s.name == name) return s;
  }
  return std::nullopt;
}

}  // namespace bench
