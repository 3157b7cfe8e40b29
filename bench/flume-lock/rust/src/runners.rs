//! The scenario shapes, the same as bench/flume-lock/cpp/runners.hpp: threads and their
//! sender clones are made before the clock starts; the clock stops when the consumer has every
//! message and every producer has returned.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use crate::delivery_check::{message_value, share_of, DeliveryCheck};
use crate::measure::{cpu_seconds, peak_rss_bytes};
use crate::peers::Peer;
use crate::scenarios::{Kind, Scenario};
use crate::Label;

pub struct Options {
    pub n: u64,
    pub round_trips: u64,
}

fn wait_for_start(go: &AtomicBool) {
    while !go.load(Ordering::Acquire) {
        thread::yield_now();
    }
}

fn emit_common(at: &Label, wall: f64, cpu: f64) {
    at.emit("wall_time", "s", wall);
    at.emit("cpu_time", "s", cpu);
    let peak = peak_rss_bytes();
    at.emit("peak_rss", "bytes", peak as f64);
    at.emit("peak_rss_growth", "bytes", peak.saturating_sub(at.baseline_rss) as f64);
}

fn report_verdict(at: &Label, check: &DeliveryCheck) {
    if let Some(why) = check.verdict() {
        at.fail(&format!("exactly-once check: {why}"));
    }
}

/// The clocked fan-in shared by throughput and select: producer p sends its share on txs[p];
/// `consume(n, check)` receives all n into the check.
fn run_fan_in<P: Peer, C: FnOnce(u64, &mut DeliveryCheck)>(
    o: &Options,
    at: &Label,
    txs: Vec<P::Tx>,
    consume: C,
) {
    let producers = txs.len() as u64;
    let go = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for (p, tx) in (0..producers).zip(txs) {
        let go = go.clone();
        let ready = ready.clone();
        let count = share_of(o.n, producers, p);
        threads.push(thread::spawn(move || {
            ready.fetch_add(1, Ordering::SeqCst);
            wait_for_start(&go);
            for i in 1..=count {
                P::send(&tx, message_value(p, i));
            }
        }));
    }
    let mut check = DeliveryCheck::new(o.n, producers);
    while ready.load(Ordering::SeqCst) != producers {
        thread::yield_now();
    }

    let t0 = Instant::now();
    let c0 = cpu_seconds();
    go.store(true, Ordering::Release);
    consume(o.n, &mut check);
    for t in threads {
        t.join().expect("producer panicked");
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - c0;

    report_verdict(at, &check);
    at.emit("throughput", "msg/s", o.n as f64 / wall);
    emit_common(at, wall, cpu);
}

fn run_throughput<P: Peer>(s: &Scenario, o: &Options, at: &Label) {
    let (tx, rx) = P::channel(s.capacity);
    let txs = (0..s.producers).map(|_| tx.clone()).collect();
    drop(tx);
    run_fan_in::<P, _>(o, at, txs, |n, check| {
        for _ in 0..n {
            let v = P::recv(&rx);
            if !check.see(v) {
                report_verdict(at, check);
            }
        }
    });
}

/// One consumer selecting over one channel per producer.
fn run_select<P: Peer>(s: &Scenario, o: &Options, at: &Label) {
    let (txs, rxs): (Vec<P::Tx>, Vec<_>) =
        (0..s.producers).map(|_| P::channel(s.capacity)).unzip();
    // A producer that finishes early must not disconnect its channel: a disconnected channel is
    // always ready, and select would report it instead of the others' messages.
    let _keep_open = txs.clone();
    run_fan_in::<P, _>(o, at, txs, |n, check| {
        P::select_recv_n(&rxs, n, |v| {
            if !check.see(v) {
                report_verdict(at, check);
            }
        });
    });
}

/// One thread sends all N, then receives all N.
fn run_seq<P: Peer>(o: &Options, at: &Label) {
    let (tx, rx) = P::channel(0);
    let mut check = DeliveryCheck::new(o.n, 1);

    let t0 = Instant::now();
    let c0 = cpu_seconds();
    for i in 1..=o.n {
        P::send(&tx, message_value(0, i));
    }
    for _ in 0..o.n {
        let v = P::recv(&rx);
        if !check.see(v) {
            report_verdict(at, &check);
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - c0;

    report_verdict(at, &check);
    at.emit("throughput", "msg/s", o.n as f64 / wall);
    emit_common(at, wall, cpu);
}

fn percentile(samples: &mut [f64], q: f64) -> f64 {
    let k = (q * (samples.len() - 1) as f64).floor() as usize;
    let (_, v, _) = samples.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
    *v
}

/// Round trip between two threads over two unbounded channels.
fn run_pingpong<P: Peer>(o: &Options, at: &Label) {
    const WARMUP: u64 = 1000; // not measured, as in the C++ program
    let total = o.round_trips + WARMUP;
    let (there_tx, there_rx) = P::channel(0);
    let (back_tx, back_rx) = P::channel(0);
    let go = Arc::new(AtomicBool::new(false));
    let echo_go = go.clone();
    let echo = thread::spawn(move || {
        wait_for_start(&echo_go);
        for _ in 0..total {
            let v = P::recv(&there_rx);
            P::send(&back_tx, v);
        }
    });
    let mut samples = Vec::with_capacity(o.round_trips as usize);

    let c0 = cpu_seconds();
    let t0 = Instant::now();
    go.store(true, Ordering::Release);
    for i in 1..=total {
        let start = Instant::now();
        P::send(&there_tx, i);
        let v = P::recv(&back_rx);
        let stop = Instant::now();
        if v != i {
            at.fail(&format!("pingpong got {v}, expected {i}"));
        }
        if i > WARMUP {
            samples.push((stop - start).as_nanos() as f64);
        }
    }
    echo.join().expect("echo thread panicked");
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - c0;

    at.emit("latency_p50", "ns", percentile(&mut samples, 0.50));
    at.emit("latency_p99", "ns", percentile(&mut samples, 0.99));
    emit_common(at, wall, cpu);
}

/// Several producers and consumers on one channel: consumer c receives its share of the N
/// messages (as crossbeam's `mpmc` bench), with its own tally, merged after the clock stops.
fn run_mpmc<P: Peer>(s: &Scenario, o: &Options, at: &Label) {
    let (producers, consumers) = (s.producers, s.consumers);
    let (tx, rx) = P::channel(s.capacity);
    let go = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(AtomicU64::new(0));
    let expected = DeliveryCheck::new(o.n, producers);
    let mut producer_threads = Vec::new();
    for p in 0..producers {
        let (tx, go, ready) = (tx.clone(), go.clone(), ready.clone());
        let count = share_of(o.n, producers, p);
        producer_threads.push(thread::spawn(move || {
            ready.fetch_add(1, Ordering::SeqCst);
            wait_for_start(&go);
            for i in 1..=count {
                P::send(&tx, message_value(p, i));
            }
        }));
    }
    drop(tx);
    let mut consumer_threads = Vec::new();
    for c in 0..consumers {
        let rx = P::clone_rx(&rx).unwrap_or_else(|| at.fail("no MPMC receiver"));
        let (go, ready) = (go.clone(), ready.clone());
        let mut tally = expected.clone();
        let count = share_of(o.n, consumers, c);
        consumer_threads.push(thread::spawn(move || {
            ready.fetch_add(1, Ordering::SeqCst);
            wait_for_start(&go);
            for _ in 0..count {
                tally.see(P::recv(&rx));
            }
            tally
        }));
    }
    while ready.load(Ordering::SeqCst) != producers + consumers {
        thread::yield_now();
    }

    let t0 = Instant::now();
    let c0 = cpu_seconds();
    go.store(true, Ordering::Release);
    for t in producer_threads {
        t.join().expect("producer panicked");
    }
    let tallies: Vec<DeliveryCheck> =
        consumer_threads.into_iter().map(|t| t.join().expect("consumer panicked")).collect();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - c0;

    let mut check = expected;
    for t in &tallies {
        check.absorb(t);
    }
    drop(rx);
    report_verdict(at, &check);
    at.emit("throughput", "msg/s", o.n as f64 / wall);
    emit_common(at, wall, cpu);
}

pub fn run_scenario<P: Peer>(s: &Scenario, o: &Options, at: &Label) {
    match s.kind {
        Kind::Seq => run_seq::<P>(o, at),
        Kind::Throughput => run_throughput::<P>(s, o, at),
        Kind::Pingpong => run_pingpong::<P>(o, at),
        Kind::Select => run_select::<P>(s, o, at),
        Kind::Mpmc => run_mpmc::<P>(s, o, at),
    }
}
