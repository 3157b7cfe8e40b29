// The scenario shapes, written once against the queue adapter interface every
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
#include <memory>
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

// Starts `producers` threads: producer p makes its sender with make_producer(p), counts itself
// in `ready`, waits for `go` and sends its share of the n messages.
template <class MakeProducer>
void start_producers(std::uint64_t producers, std::uint64_t n, MakeProducer make_producer,
                     const std::atomic<bool>& go, std::atomic<std::uint64_t>& ready,
                     std::vector<std::thread>& threads) {
  for (std::uint64_t p = 0; p < producers; ++p) {
    threads.emplace_back([make_producer, &go, &ready, producers, n, p] {
      auto tx = make_producer(p);
      const std::uint64_t count = share_of(n, producers, p);
      ready.fetch_add(1);
      wait_for_start(go);
      for (std::uint64_t i = 1; i <= count; ++i) tx.send(message_value(p, i));
    });
  }
}

// The clocked fan-in shared by throughput and select: producer p (on its own thread) sends its
// share of n through make_producer(p); `rx` receives all n.
template <class MakeProducer, class Consumer>
void run_fan_in(std::uint64_t producers, const run_options& o, const run_label& at,
                MakeProducer make_producer, Consumer& rx) {
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> ready{0};
  std::vector<std::thread> threads;
  start_producers(producers, o.n, make_producer, go, ready, threads);
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

template <class Q>
void run_throughput(const scenario& s, const run_options& o, const run_label& at) {
  Q q(s.capacity);
  typename Q::consumer rx(q);
  run_fan_in(
      s.producers, o, at, [&](std::uint64_t) { return typename Q::producer(q); }, rx);
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

// Implementations that can select over several of their channels provide
//   typename Q::select_consumer rx(queues);  // queues: std::vector<std::unique_ptr<Q>>&
//   rx.recv(v);                               // the next message from whichever channel
template <class Q>
concept selectable_queue = requires {
  typename Q::select_consumer;
};

// One consumer selecting over one channel per producer.
template <class Q>
void run_select(const scenario& s, const run_options& o, const run_label& at) {
  if constexpr (selectable_queue<Q>) {
    std::vector<std::unique_ptr<Q>> queues;
    for (std::size_t p = 0; p < s.producers; ++p) queues.push_back(std::make_unique<Q>(s.capacity));
    typename Q::select_consumer rx(queues);
    run_fan_in(
        s.producers, o, at, [&](std::uint64_t p) { return typename Q::producer(*queues[p]); }, rx);
  } else {
    fail_run("this implementation has no select");
  }
}

// Several producers and several consumers on one queue: consumer c receives its share of the N
// messages (as crossbeam's `mpmc` bench), each with its own tally, merged after the clock stops.
// Q::consumer is made once per consuming thread.
template <class Q>
void run_mpmc(const scenario& s, const run_options& o, const run_label& at) {
  const std::uint64_t producers = s.producers;
  const std::uint64_t consumers = s.consumers;
  Q q(s.capacity);
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> ready{0};
  const delivery_check expected(o.n, producers);
  std::vector<delivery_check> tallies(consumers, expected);
  std::vector<std::thread> threads;
  start_producers(
      producers, o.n, [&q](std::uint64_t) { return typename Q::producer(q); }, go, ready, threads);
  for (std::uint64_t c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      typename Q::consumer rx(q);
      delivery_check& tally = tallies[c];
      const std::uint64_t count = share_of(o.n, consumers, c);
      ready.fetch_add(1);
      wait_for_start(go);
      for (std::uint64_t k = 0; k < count; ++k) {
        std::uint64_t v = 0;
        rx.recv(v);
        tally.see(v);
      }
    });
  }
  while (ready.load() != producers + consumers) std::this_thread::yield();

  const double t0 = wall_seconds();
  const double c0 = cpu_seconds();
  go.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  const double wall = wall_seconds() - t0;
  const double cpu = cpu_seconds() - c0;

  delivery_check check = expected;
  for (const delivery_check& t : tallies) check.absorb(t);
  report_verdict(check);
  emit(at, "throughput", "msg/s", static_cast<double>(o.n) / wall);
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
    case scenario_kind::select:
      run_select<Q>(s, o, at);
      break;
    case scenario_kind::mpmc:
      // The queue's many-consumer form (Q::mpmc_queue: itself, or another type of the same
      // implementation); main.cpp lists mpmc scenarios only for implementations that have one.
      if constexpr (requires { typename Q::mpmc_queue; })
        run_mpmc<typename Q::mpmc_queue>(s, o, at);
      break;
  }
}

}  // namespace bench
