// kov-bench: task, timer, channel, sync-primitive, blocking-pool, DNS and buffered-I/O scenarios,
// one JSON object per line on stdout:
//   {"suite":"kov","scenario":...,"impl":"kov","metric":...,"unit":...,"value":...,"round":...}
// Usage: kov-bench [--quick] [--rounds N] [--round R] [--scenario NAME] [--list]
//   --list prints "kov <scenario>" per line; --scenario runs one; --round R runs one round
//   numbered R (what a driver that interleaves runs wants).
// A benchmark reports; it asserts nothing about speed. Allocation counts come from a replaced
// global operator new.

#include <kov/blocking.hpp>
#include <kov/bounded_mpsc.hpp>
#include <kov/io/buf_reader.hpp>
#include <kov/join_set.hpp>
#include <kov/mpsc.hpp>
#include <kov/net/dns.hpp>
#include <kov/net/unix.hpp>
#include <kov/notify.hpp>
#include <kov/oneshot.hpp>
#include <kov/runtime.hpp>
#include <kov/semaphore.hpp>
#include <kov/sync/broadcast.hpp>
#include <kov/sync/rwlock.hpp>
#include <kov/sync/watch.hpp>
#include <kov/time.hpp>

#include "counting_new.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using bench_clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct config {
  bool quick = false;
  int rounds = 5;
  std::string only;
};

void emit(const char* scenario, const char* metric, const char* unit, double value, int round) {
  if (round < 0) return;  // warm-up
  std::printf(
      "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"kov\",\"metric\":\"%s\",\"unit\":\"%s\","
      "\"value\":%.3f,\"round\":%d}\n",
      scenario, metric, unit, value, round);
  std::fflush(stdout);
}

// Times `body` (which performs `ops` operations) and reports ns_per_op and allocs_per_op.
template <class F>
void measure(const char* scenario, long ops, int round, F&& body) {
  const long allocs_before = kov_support::allocation_count.load();
  const auto start = bench_clock::now();
  body();
  const auto elapsed = bench_clock::now() - start;
  const long allocs = kov_support::allocation_count.load() - allocs_before;
  const double ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  emit(scenario, "ns_per_op", "ns", ns / static_cast<double>(ops), round);
  emit(scenario, "allocs_per_op", "allocs", static_cast<double>(allocs) / static_cast<double>(ops),
       round);
}

kov::task<void> trivial() {
  co_return;
}

// spawn_many: spawn N trivial tasks, then join them all.
void spawn_many(kov::runtime& rt, long n, int round) {
  std::vector<kov::join_handle<void>> handles;
  handles.reserve(static_cast<std::size_t>(n));
  auto body = [&]() -> kov::task<void> {
    for (long i = 0; i < n; ++i) handles.push_back(kov::spawn(trivial()));
    for (auto& h : handles) (void)co_await h;
  };
  measure("spawn_many", n, round, [&] { rt.block_on(body()); });
}

kov::task<void> chain_link(long left, kov::event& done) {
  if (left == 0) {
    done.set();
    co_return;
  }
  kov::spawn(chain_link(left - 1, done)).detach();
}

// chained_spawn: each task spawns the next one, N deep.
void chained_spawn(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    kov::event done;
    kov::spawn(chain_link(n, done)).detach();
    co_await done.wait();
  };
  measure("chained_spawn", n, round, [&] { rt.block_on(body()); });
}

kov::task<void> yielder(long times) {
  for (long i = 0; i < times; ++i) co_await kov::yield_now();
}

// yield_many: T tasks each yield Y times (ns per yield).
void yield_many(kov::runtime& rt, long tasks, long yields, int round) {
  std::vector<kov::join_handle<void>> handles;
  handles.reserve(static_cast<std::size_t>(tasks));
  auto body = [&]() -> kov::task<void> {
    for (long i = 0; i < tasks; ++i) handles.push_back(kov::spawn(yielder(yields)));
    for (auto& h : handles) (void)co_await h;
  };
  measure("yield_many", tasks * yields, round, [&] { rt.block_on(body()); });
}

// ping_pong: two tasks hand a turn back and forth through two notify objects.
void ping_pong(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    kov::notify ping;
    kov::notify pong;
    auto ponger = [](kov::notify& in, kov::notify& out, long count) -> kov::task<void> {
      for (long i = 0; i < count; ++i) {
        co_await in.notified();
        out.notify_one();
      }
    };
    auto h = kov::spawn(ponger(ping, pong, n));
    for (long i = 0; i < n; ++i) {
      ping.notify_one();
      co_await pong.notified();
    }
    (void)co_await h;
  };
  measure("ping_pong", n, round, [&] { rt.block_on(body()); });
}

// oneshot_roundtrip: a spawned task answers over a fresh oneshot, N times.
void oneshot_roundtrip(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    auto answer = [](kov::oneshot_sender<long> tx, long v) -> kov::task<void> {
      (void)tx.send(v);
      co_return;
    };
    long sum = 0;
    for (long i = 0; i < n; ++i) {
      auto [tx, rx] = kov::oneshot<long>();
      kov::spawn(answer(std::move(tx), i)).detach();
      sum += (co_await rx).value();
    }
    if (sum < 0) std::abort();
  };
  measure("oneshot_roundtrip", n, round, [&] { rt.block_on(body()); });
}

// mpsc_roundtrip: two tasks bounce a message over two mpsc channels, N round trips.
void mpsc_roundtrip(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    auto [to_echo, echo_in] = kov::mpsc<long>();
    auto [to_main, main_in] = kov::mpsc<long>();
    auto echo = [](kov::mpsc_receiver<long>& in, kov::mpsc_sender<long> out) -> kov::task<void> {
      while (auto m = co_await in.recv()) (void)out.send(*m + 1);
    };
    auto h = kov::spawn(echo(echo_in, to_main));
    long v = 0;
    for (long i = 0; i < n; ++i) {
      (void)to_echo.send(v);
      v = (co_await main_in.recv()).value();
    }
    to_echo.close();
    (void)co_await h;
    if (v != n) std::abort();
  };
  measure("mpsc_roundtrip", n, round, [&] { rt.block_on(body()); });
}

// spawn_blocking_roundtrip: N jobs, one at a time, each handed to the blocking pool and its
// result awaited (a pool thread woken, the runtime woken back).
void spawn_blocking_roundtrip(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    long sum = 0;
    for (long i = 0; i < n; ++i) {
      auto job = kov::spawn_blocking([i] { return i; });
      sum += (co_await job).value();
    }
    if (sum != n * (n - 1) / 2) std::abort();
  };
  measure("spawn_blocking_roundtrip", n, round, [&] { rt.block_on(body()); });
}

// timer_insert_cancel_<live>: with `live` timers already armed, arm and cancel one more.
void timer_insert_cancel(const char* scenario, long live, long n, int round) {
  kov::detail::timer_wheel wheel;
  std::vector<kov::detail::timer_entry> resident(static_cast<std::size_t>(live));
  std::uint64_t seed = 88172645463325252ull;
  auto next_random = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  auto noop = [](kov::detail::timer_entry&) noexcept {};
  for (auto& e : resident) {
    e.fire_ = noop;
    e.deadline_ = 1 + next_random() % 3'600'000;  // within an hour of 1 ms ticks
    wheel.insert(e);
  }
  kov::detail::timer_entry probe(noop);
  measure(scenario, n, round, [&] {
    for (long i = 0; i < n; ++i) {
      probe.deadline_ = 1 + next_random() % 3'600'000;
      wheel.insert(probe);
      wheel.cancel(probe);
    }
  });
  for (auto& e : resident) wheel.cancel(e);
}

// timer_insert_fire_<live>: arm `live` timers over the next 10 s of ticks and fire them all.
void timer_insert_fire(const char* scenario, long live, int round) {
  std::vector<kov::detail::timer_entry> entries(static_cast<std::size_t>(live));
  long fired = 0;
  static long* counter = nullptr;
  counter = &fired;
  auto count = [](kov::detail::timer_entry&) noexcept { ++*counter; };
  std::uint64_t seed = 0x9E3779B97F4A7C15ull;
  measure(scenario, live, round, [&] {
    kov::detail::timer_wheel wheel;
    for (auto& e : entries) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      e.fire_ = count;
      e.deadline_ = 1 + (seed >> 33) % 10'000;
      wheel.insert(e);
    }
    for (std::uint64_t t = 0; t <= 10'000; t += 16) wheel.advance(t);
  });
  if (fired != live) std::abort();
}

// timer_precision_<tick>: how late sleep_for wakes, for a spread of durations.
void timer_precision(const char* scenario, std::chrono::nanoseconds tick, int samples, int round) {
  kov::runtime_options opts;
  opts.timer_tick = tick;
  kov::runtime rt(opts);
  std::vector<double> late_us;
  late_us.reserve(static_cast<std::size_t>(samples));
  auto body = [&]() -> kov::task<void> {
    for (int i = 0; i < samples; ++i) {
      const auto d = std::chrono::microseconds(150 + (i * 977) % 4850);  // 0.15 .. 5 ms
      const auto deadline = kov::clock::now() + d;
      co_await kov::sleep_until(deadline);
      const auto late = kov::clock::now() - deadline;
      late_us.push_back(
          static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(late).count()) /
          1000.0);
    }
  };
  rt.block_on(body());
  std::sort(late_us.begin(), late_us.end());
  auto pct = [&](double p) {
    return late_us[static_cast<std::size_t>(p * static_cast<double>(late_us.size() - 1))];
  };
  emit(scenario, "latency_p50", "us", pct(0.50), round);
  emit(scenario, "latency_p99", "us", pct(0.99), round);
  emit(scenario, "latency_min", "us", late_us.front(), round);
}

// resolve_hosts: resolve "localhost" (from /etc/hosts) n times, one lookup after the other.
void resolve_hosts(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    for (long i = 0; i < n; ++i) {
      auto addrs = co_await kov::net::resolve("localhost", "80");
      if (!addrs || addrs->empty()) std::abort();
    }
  };
  measure("resolve_hosts", n, round, [&] { rt.block_on(body()); });
}

kov::task<void> write_payload(kov::net::unix_stream& s, const std::string& payload) {
  constexpr std::size_t chunk = 64 * 1024;
  for (std::size_t at = 0; at < payload.size(); at += chunk) {
    if (!co_await s.write_all(std::string_view(payload).substr(at, chunk))) std::abort();
  }
  if (!s.shutdown()) std::abort();
}

// lines_1m: N lines ("line <i>") read through a buf_reader's lines loop over a Unix socket
// pair, written by another task in 64 KiB writes (ns per line). The same work as the tokio
// peer: the same bytes, an 8 KiB buffer on both sides (tokio's BufReader default), the same
// count of non-empty lines checked; tokio's lines() also builds a String per line, which is
// what its API costs.
void lines_1m(kov::runtime& rt, long n, int round) {
  // Built once per process (outside the timing either way), so that instruction counts over
  // several rounds differ by exactly the measured work.
  static std::string payload;
  if (payload.empty()) {
    for (long i = 0; i < n; ++i) payload += "line " + std::to_string(i) + "\n";
  }
  auto body = [&]() -> kov::task<void> {
    auto p = kov::net::unix_stream::pair();
    if (!p) std::abort();
    auto writer = kov::spawn(write_payload(p->first, payload));
    kov::buf_reader reader(p->second);
    auto lines = reader.lines();
    long count = 0;
    while (auto line = co_await lines.next()) count += line->empty() ? 0 : 1;
    if (lines.error() || count != n) std::abort();
    (void)co_await writer;
  };
  measure("lines_1m", n, round, [&] { rt.block_on(body()); });
}

// broadcast_fanout_16: one sender, 16 receiver tasks; the sender sends in bursts of 64 (the ring
// holds 128, so nobody lags) and yields between bursts (ns per message sent).
void broadcast_fanout_16(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::broadcast::channel<long>(128).value();
    auto drain = [](kov::broadcast::receiver<long> r, long expect) -> kov::task<void> {
      long got = 0;
      while (auto m = co_await r.recv()) got += *m >= 0 ? 1 : 0;
      if (got != expect) std::abort();
    };
    std::vector<kov::join_handle<void>> hs;
    for (int i = 0; i < 15; ++i) hs.push_back(kov::spawn(drain(tx.subscribe(), n)));
    hs.push_back(kov::spawn(drain(std::move(rx), n)));
    for (long i = 0; i < n; ++i) {
      if (!tx.send(i)) std::abort();
      if (i % 64 == 63) co_await kov::yield_now();
    }
    { auto gone = std::move(tx); }
    for (auto& h : hs) (void)co_await h;
  };
  measure("broadcast_fanout_16", n, round, [&] { rt.block_on(body()); });
}

// watch_changed: 16 tasks wait in changed() while one sender sends N values, yielding after
// each so every receiver sees every value (ns per value sent).
void watch_changed(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::watch::channel<long>(0);
    auto follow = [](kov::watch::receiver<long> r) -> kov::task<void> {
      long last = 0;
      while (co_await r.changed()) last = r.borrow_and_update();
      if (last < 0) std::abort();
    };
    std::vector<kov::join_handle<void>> hs;
    for (int i = 0; i < 16; ++i) hs.push_back(kov::spawn(follow(rx)));
    for (long i = 1; i <= n; ++i) {
      tx.send(i);
      co_await kov::yield_now();
    }
    { auto gone = std::move(tx); }
    for (auto& h : hs) (void)co_await h;
  };
  measure("watch_changed", n, round, [&] { rt.block_on(body()); });
}

// rwlock_read_contended: take the write lock, spawn 5 readers (they queue behind it), release
// it, join them: tokio's read_concurrent_contended, N times (ns per round).
void rwlock_read_contended(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    kov::rwlock lock;
    auto reader = [](kov::rwlock& l) -> kov::task<void> { auto g = co_await l.read(); };
    std::vector<kov::join_handle<void>> hs;
    hs.reserve(5);
    for (long i = 0; i < n; ++i) {
      auto w = co_await lock.write();
      for (int j = 0; j < 5; ++j) hs.push_back(kov::spawn(reader(lock)));
      w.unlock();
      for (auto& h : hs) (void)co_await h;
      hs.clear();
    }
  };
  measure("rwlock_read_contended", n, round, [&] { rt.block_on(body()); });
}

// semaphore_acquire: 6 tasks share 5 permits, each acquiring and holding across a yield N / 6
// times: tokio's contended_concurrent_multi shape (ns per acquire).
void semaphore_acquire(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    kov::semaphore sem(5);
    auto worker = [](kov::semaphore& s, long times) -> kov::task<void> {
      for (long i = 0; i < times; ++i) {
        auto p = co_await s.acquire();
        co_await kov::yield_now();
      }
    };
    std::vector<kov::join_handle<void>> hs;
    for (int i = 0; i < 6; ++i) hs.push_back(kov::spawn(worker(sem, n / 6)));
    for (auto& h : hs) (void)co_await h;
  };
  measure("semaphore_acquire", n / 6 * 6, round, [&] { rt.block_on(body()); });
}

// bounded_mpsc_c<capacity>: 10 producer tasks each send N / 10 values into one bounded channel
// while one task receives them all (tokio's contention_bounded shape; capacity 1 makes every
// send wait, 1024 rarely). ns per message.
void bounded_mpsc(kov::runtime& rt, const char* scenario, std::size_t capacity, long n, int round) {
  constexpr long producers = 10;
  auto body = [&]() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<long>(capacity);
    auto produce = [](kov::bounded_mpsc_sender<long> t, long count) -> kov::task<void> {
      for (long i = 0; i < count; ++i) {
        if (!co_await t.send(i)) std::abort();
      }
    };
    std::vector<kov::join_handle<void>> hs;
    for (long p = 0; p < producers; ++p) hs.push_back(kov::spawn(produce(tx, n / producers)));
    { auto gone = std::move(tx); }
    long got = 0;
    while (auto m = co_await rx.recv()) got += *m >= 0 ? 1 : 0;
    if (got != n / producers * producers) std::abort();
    for (auto& h : hs) (void)co_await h;
  };
  measure(scenario, n / producers * producers, round, [&] { rt.block_on(body()); });
}

kov::task<long> echo_value(long v) {
  co_return v;
}

// join_set_10k: spawn 10,000 tasks into a join_set and join them all in completion order
// (ns per task).
void join_set_10k(kov::runtime& rt, long n, int round) {
  auto body = [&]() -> kov::task<void> {
    kov::join_set<long> set;
    for (long i = 0; i < n; ++i) set.spawn(echo_value(i));
    long sum = 0;
    while (auto r = co_await set.join_next()) sum += r->value();
    if (sum != n * (n - 1) / 2) std::abort();
  };
  measure("join_set_10k", n, round, [&] { rt.block_on(body()); });
}

constexpr const char* scenarios[] = {"spawn_many",
                                     "chained_spawn",
                                     "yield_many",
                                     "ping_pong",
                                     "oneshot_roundtrip",
                                     "mpsc_roundtrip",
                                     "spawn_blocking_roundtrip",
                                     "timer_insert_cancel_1k",
                                     "timer_insert_cancel_100k",
                                     "timer_insert_cancel_1m",
                                     "timer_insert_fire_1k",
                                     "timer_insert_fire_100k",
                                     "timer_insert_fire_1m",
                                     "timer_precision_1ms_tick",
                                     "timer_precision_100us_tick",
                                     "resolve_hosts",
                                     "lines_1m",
                                     "broadcast_fanout_16",
                                     "watch_changed",
                                     "rwlock_read_contended",
                                     "semaphore_acquire",
                                     "join_set_10k",
                                     "bounded_mpsc_c1",
                                     "bounded_mpsc_c1024"};

}  // namespace

int main(int argc, char** argv) {
  config cfg;
  int first_round = 0;
  bool single_round = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      cfg.quick = true;
      cfg.rounds = 2;
    } else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      cfg.rounds = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--round") == 0 && i + 1 < argc) {
      first_round = std::atoi(argv[++i]);
      single_round = true;
    } else if ((std::strcmp(argv[i], "--scenario") == 0 || std::strcmp(argv[i], "--only") == 0) &&
               i + 1 < argc) {
      cfg.only = argv[++i];
    } else if (std::strcmp(argv[i], "--list") == 0) {
      for (const char* s : scenarios) std::printf("kov %s\n", s);
      return 0;
    } else {
      std::fprintf(stderr,
                   "usage: kov-bench [--quick] [--rounds N] [--round R] [--scenario NAME] "
                   "[--list]\n");
      return 2;
    }
  }
  if (single_round) cfg.rounds = 1;
  if (!cfg.only.empty()) {
    bool known = false;
    for (const char* s : scenarios) known = known || cfg.only == s;
    if (!known) {
      std::fprintf(stderr, "kov-bench: no scenario '%s' (--list)\n", cfg.only.c_str());
      return 2;
    }
  }
  const long scale = cfg.quick ? 10 : 1;
  auto wanted = [&](const char* name) { return cfg.only.empty() || cfg.only == name; };

  kov::runtime rt;
  // Round -1 is an unreported warm-up of every wanted scenario (its frame sizes, its live set),
  // so each reported round, even the only one of a process, measures the steady state.
  auto run_round = [&](int round) {
    if (wanted("spawn_many")) spawn_many(rt, 100'000 / scale, round);
    if (wanted("chained_spawn")) chained_spawn(rt, 100'000 / scale, round);
    if (wanted("yield_many")) yield_many(rt, 200, 1000 / scale, round);
    if (wanted("ping_pong")) ping_pong(rt, 1'000'000 / scale, round);
    if (wanted("oneshot_roundtrip")) oneshot_roundtrip(rt, 100'000 / scale, round);
    if (wanted("mpsc_roundtrip")) mpsc_roundtrip(rt, 1'000'000 / scale, round);
    if (wanted("spawn_blocking_roundtrip")) spawn_blocking_roundtrip(rt, 100'000 / scale, round);
    for (auto [name, live] : {std::pair{"timer_insert_cancel_1k", 1'000L},
                              std::pair{"timer_insert_cancel_100k", 100'000L},
                              std::pair{"timer_insert_cancel_1m", 1'000'000L}}) {
      if (wanted(name)) timer_insert_cancel(name, live, 1'000'000 / scale, round);
    }
    for (auto [name, live] :
         {std::pair{"timer_insert_fire_1k", 1'000L}, std::pair{"timer_insert_fire_100k", 100'000L},
          std::pair{"timer_insert_fire_1m", 1'000'000L}}) {
      if (wanted(name)) timer_insert_fire(name, live, round);
    }
    const int samples = cfg.quick ? 100 : 400;
    if (wanted("timer_precision_1ms_tick")) {
      timer_precision("timer_precision_1ms_tick", 1ms, samples, round);
    }
    if (wanted("timer_precision_100us_tick")) {
      timer_precision("timer_precision_100us_tick", 100us, samples, round);
    }
    if (wanted("resolve_hosts")) resolve_hosts(rt, 10'000 / scale, round);
    if (wanted("lines_1m")) lines_1m(rt, 1'000'000 / scale, round);
    if (wanted("broadcast_fanout_16")) broadcast_fanout_16(rt, 100'000 / scale, round);
    if (wanted("watch_changed")) watch_changed(rt, 100'000 / scale, round);
    if (wanted("rwlock_read_contended")) rwlock_read_contended(rt, 100'000 / scale, round);
    if (wanted("semaphore_acquire")) semaphore_acquire(rt, 600'000 / scale, round);
    if (wanted("join_set_10k")) join_set_10k(rt, 10'000, round);
    if (wanted("bounded_mpsc_c1")) bounded_mpsc(rt, "bounded_mpsc_c1", 1, 100'000 / scale, round);
    if (wanted("bounded_mpsc_c1024")) {
      bounded_mpsc(rt, "bounded_mpsc_c1024", 1024, 1'000'000 / scale, round);
    }
  };
  run_round(-1);
  for (int round = first_round; round < first_round + cfg.rounds; ++round) run_round(round);
  return 0;
}
