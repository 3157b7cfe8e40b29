// bench_flume_lock: runs one (implementation, scenario) of the flume-lock suite per process and
// prints contract JSON lines (bench/README.md). One process per run keeps peak RSS per
// implementation honest and lets the driver interleave runs.
//
//   bench_flume_lock --list
//   bench_flume_lock --impl moodycamel --scenario mpsc_t4 [--n 5000000] [--round-trips 100000]
//                    [--round 0]
#include "peers/atomic_queue.hpp"
#include "peers/boost_lockfree.hpp"
#include "peers/moodycamel.hpp"
#include "peers/mutex_deque.hpp"
#include "peers/tbb.hpp"
#include "peers/xenium.hpp"
#include "runners.hpp"
#include "scenarios.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#if TRIO_BENCH_HAVE_FLUME_LOCK
#include "peers/flume_lock.hpp"
#endif

namespace {

using namespace bench;

struct impl_entry {
  const char* name;
  bool unbounded;
  bool bounded;
  bool select;
  bool mpmc;        // has a many-consumer form (Q::mpmc_queue) for the mpmc scenarios
  bool rendezvous;  // a zero-capacity flavour (Q::rendezvous)
  bool only_mpmc;   // listed for the mpmc scenarios only (Q::only_mpmc)
  void (*run)(const scenario&, const run_options&, const run_label&);
};

template <class Q>
constexpr impl_entry entry_for() {
  constexpr bool has_mpmc = requires {
    typename Q::mpmc_queue;
  };
  constexpr bool has_rendezvous = requires {
    requires Q::rendezvous;
  };
  constexpr bool only_mpmc = requires {
    requires Q::only_mpmc;
  };
  return {Q::name,  Q::unbounded,   Q::bounded, selectable_queue<Q>,
          has_mpmc, has_rendezvous, only_mpmc,  &run_scenario<Q>};
}

constexpr impl_entry all_impls[] = {
#if TRIO_BENCH_HAVE_FLUME_LOCK
    entry_for<flume_lock_queue>(),
    entry_for<flume_lock_sharded_queue>(),
#endif
    entry_for<moodycamel_queue>(),
    entry_for<boost_lockfree_queue>(),
    entry_for<tbb_queue>(),
    entry_for<xenium_ramalhete_queue>(),
    entry_for<xenium_michael_scott_queue>(),
    entry_for<atomic_queue_queue>(),
    entry_for<mutex_deque_queue>(),
};

bool supports(const impl_entry& impl, const scenario& s) {
  if (s.kind == scenario_kind::select && !impl.select) return false;
  if (s.kind == scenario_kind::mpmc && !impl.mpmc) return false;
  if (s.kind != scenario_kind::mpmc && impl.only_mpmc) return false;
  if (s.capacity == rendezvous_capacity) return impl.rendezvous;
  return s.capacity == 0 ? impl.unbounded : impl.bounded;
}

const impl_entry* find_impl(std::string_view name) {
  for (const auto& impl : all_impls) {
    if (name == impl.name) return &impl;
  }
  return nullptr;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_flume_lock: %s\n"
               "usage: bench_flume_lock --list\n"
               "       bench_flume_lock --impl NAME --scenario NAME [--n N] [--round-trips R] "
               "[--round K]\n",
               why);
  std::exit(64);
}

}  // namespace

int main(int argc, char** argv) {
  std::string impl_name;
  std::string scenario_name;
  run_options options{5'000'000, 100'000};
  long round = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (arg == "--list") {
      for (const auto& impl : all_impls) {
        for (const auto& s : all_scenarios) {
          if (supports(impl, s))
            std::printf("%s %.*s\n", impl.name, static_cast<int>(s.name.size()), s.name.data());
        }
      }
      return 0;
    } else if (arg == "--impl") {
      impl_name = value();
    } else if (arg == "--scenario") {
      scenario_name = value();
    } else if (arg == "--n") {
      options.n = std::stoull(value());
    } else if (arg == "--round-trips") {
      options.round_trips = std::stoull(value());
    } else if (arg == "--round") {
      round = std::stol(value());
    } else {
      usage("unknown argument");
    }
  }
  const impl_entry* impl = find_impl(impl_name);
  if (impl == nullptr) usage("unknown --impl");
  const auto s = find_scenario(scenario_name);
  if (!s) usage("unknown --scenario");
  if (!supports(*impl, *s)) usage("this implementation has no queue of that kind");
  if (options.n == 0 || options.round_trips == 0) usage("--n and --round-trips must be positive");

  current_run_name() = impl_name + " " + scenario_name;
  baseline_rss_bytes() = current_rss_bytes();
  const std::uint64_t n = s->kind == scenario_kind::pingpong ? options.round_trips : options.n;
  impl->run(*s, options, run_label{scenario_name, impl_name, round, n});
  return 0;
}
