// The three scenario shapes, written once against the queue adapter interface every
// implementation provides (see peers/*.hpp):
//
//   Q q(capacity);                  // capacity 0 = unbounded, rendezvous_capacity = zero
//   typename Q::producer tx(q);     // one per producing thread
//   tx.send(v);                     // returns when v is queued (bounded: waits for room)
//   typename Q::consumer rx(q);     // the single consumer
//   rx.recv(v);                     // returns with the next message (blocks or spins)
//
// Threads are started and their handles made before the clock starts; the clock stops when the
// consumer has every message and every producer has returned.
#pragma once

#include "delivery_check.hpp"
#include "failure.hpp"
#include "json_out.hpp"
#include "measure.hpp"
#include "scenarios.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace bench {

struct run_options {
  std::uint64_t n;            // messages per throughput run
  std::uint64_t round_trips;  // measured pingpong round trips
};

inline void wait_for_start(const std::atomic<bool>& go) {
  while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
}

inline void emit_common(const run_label& at, double wall, double cpu) {
  emit(at, "wall_time", "s", wall);
  emit(at, "cpu_time", "s", cpu);
  const std::uint64_t peak = peak_rss_bytes();
  emit(at, "peak_rss", "bytes", static_cast<double>(peak));
  emit(at, "peak_rss_growth", "bytes", static_cast<double>(peak - baseline_rss_bytes()));
}

inline void report_verdict(const delivery_check& check) {
  const auto why = check.verdict();
  if (!why.empty()) fail_run("exactly-once check: " + why);
}

template <class Q>
void run_throughput(const scenario& s, const run_options& o, const run_label& at) {
  const std::uint64_t producers = s.producers;
  Q q(s.capacity);
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> ready{0};
  std::vector<std::thread> threads;
  for (std::uint64_t p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      typename Q::producer tx(q);
      const std::uint64_t count = share_of(o.n, producers, p);
      ready.fetch_add(1);
      wait_for_start(go);
      for (std::uint64_t i = 1; i <= count; ++i) tx.send(message_value(p, i));
    });
  }
  typename Q::consumer rx(q);
  delivery_check check(o.n, producers);
  while (ready.load() != producers) std::this_thread::yield();

  const double t0 = wall_seconds();
  const double c0 = cpu_seconds();
  go.store(true, std::memory_order_release);
  for (std::uint64_t k = 0; k < o.n; ++k) {
    std::uint64_t v = 0;
    rx.recv(v);
    if (!check.see(v)) report_verdict(check);
  }
  for (auto& t : threads) t.join();
  const double wall = wall_seconds() - t0;
  const double cpu = cpu_seconds() - c0;

  report_verdict(check);
  emit(at, "throughput", "msg/s", static_cast<double>(o.n) / wall);
  emit_common(at, wall, cpu);
}

// One thread sends all N, then receives all N: the cost of the operations without contention.
template <class Q>
void run_seq(const scenario&, const run_options& o, const run_label& at) {
  Q q(0);
  typename Q::producer tx(q);
  typename Q::consumer rx(q);
  delivery_check check(o.n, 1);

  const double t0 = wall_seconds();
  const double c0 = cpu_seconds();
  for (std::uint64_t i = 1; i <= o.n; ++i) tx.send(message_value(0, i));
  for (std::uint64_t k = 0; k < o.n; ++k) {
    std::uint64_t v = 0;
    rx.recv(v);
    if (!check.see(v)) report_verdict(check);
  }
  const double wall = wall_seconds() - t0;
  const double cpu = cpu_seconds() - c0;

  report_verdict(check);
  emit(at, "throughput", "msg/s", static_cast<double>(o.n) / wall);
  emit_common(at, wall, cpu);
}

inline double percentile(std::vector<double>& samples, double q) {
  const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(samples.size() - 1)));
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k),
                   samples.end());
  return samples[k];
}

// Round trip between two threads over two unbounded channels: main sends i, the echo thread
// receives it and sends it back, main times send-to-receive of each round trip.
template <class Q>
void run_pingpong(const scenario&, const run_options& o, const run_label& at) {
  constexpr std::uint64_t warmup = 1000;  // not measured: first-touch and wake-path warmup
  const std::uint64_t total = o.round_trips + warmup;
  Q there(0);
  Q back(0);
  std::atomic<bool> go{false};
  std::thread echo([&] {
    typename Q::consumer rx(there);
    typename Q::producer tx(back);
    wait_for_start(go);
    for (std::uint64_t i = 0; i < total; ++i) {
      std::uint64_t v = 0;
      rx.recv(v);
      tx.send(v);
    }
  });
  typename Q::producer tx(there);
  typename Q::consumer rx(back);
  std::vector<double> samples;
  samples.reserve(o.round_trips);

  const double c0 = cpu_seconds();
  const double t0 = wall_seconds();
  go.store(true, std::memory_order_release);
  for (std::uint64_t i = 1; i <= total; ++i) {
    const auto start = std::chrono::steady_clock::now();
    tx.send(i);
    std::uint64_t v = 0;
    rx.recv(v);
    const auto stop = std::chrono::steady_clock::now();
    if (v != i) fail_run("pingpong got " + std::to_string(v) + ", expected " + std::to_string(i));
    if (i > warmup)
      samples.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
  }
  echo.join();
  const double wall = wall_seconds() - t0;
  const double cpu = cpu_seconds() - c0;

  emit(at, "latency_p50", "ns", percentile(samples, 0.50));
  emit(at, "latency_p99", "ns", percentile(samples, 0.99));
  emit_common(at, wall, cpu);
}

template <class Q>
void run_scenario(const scenario& s, const run_options& o, const run_label& at) {
  switch (s.kind) {
    case scenario_kind::seq:
      run_seq<Q>(s, o, at);
      break;
    case scenario_kind::throughput:
      run_throughput<Q>(s, o, at);
      break;
    case scenario_kind::pingpong:
      run_pingpong<Q>(s, o, at);
      break;
  }
}

}  // namespace bench
