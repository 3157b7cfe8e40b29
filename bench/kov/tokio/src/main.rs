// kov-bench's tokio peer: tokio's current_thread runtime running the same scenario shapes as
// bench/kov/kov_bench.cpp, printing the same JSON lines with impl "tokio".
// Usage: kov_bench_tokio [--quick] [--rounds N] [--round R] [--scenario NAME] [--list]

use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{broadcast, mpsc, oneshot, watch, Notify, RwLock, Semaphore};
use tokio::task::JoinSet;

const SCENARIOS: &[&str] = &[
    "spawn_many",
    "chained_spawn",
    "yield_many",
    "ping_pong",
    "oneshot_roundtrip",
    "mpsc_roundtrip",
    "resolve_hosts",
    "lines_1m",
    "spawn_blocking_roundtrip",
    "broadcast_fanout_16",
    "watch_changed",
    "rwlock_read_contended",
    "semaphore_acquire",
    "join_set_10k",
    "bounded_mpsc_c1",
    "bounded_mpsc_c1024",
];

fn emit(scenario: &str, ns_per_op: f64, round: i64) {
    if round < 0 {
        return;
    }
    println!(
        "{{\"suite\":\"kov\",\"scenario\":\"{}\",\"impl\":\"tokio\",\"metric\":\"ns_per_op\",\"unit\":\"ns\",\"value\":{:.3},\"round\":{}}}",
        scenario, ns_per_op, round
    );
}

fn measure<F: FnOnce()>(scenario: &str, ops: u64, round: i64, body: F) {
    let start = Instant::now();
    body();
    let ns = start.elapsed().as_nanos() as f64;
    emit(scenario, ns / ops as f64, round);
}

fn spawn_many(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("spawn_many", n, round, || {
        rt.block_on(async {
            let mut handles = Vec::with_capacity(n as usize);
            for _ in 0..n {
                handles.push(tokio::spawn(async {}));
            }
            for h in handles {
                h.await.unwrap();
            }
        })
    });
}

fn chain_link(left: u64, done: Arc<Notify>) {
    if left == 0 {
        done.notify_one();
        return;
    }
    tokio::spawn(async move { chain_link(left - 1, done) });
}

fn chained_spawn(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("chained_spawn", n, round, || {
        rt.block_on(async {
            let done = Arc::new(Notify::new());
            let d = done.clone();
            tokio::spawn(async move { chain_link(n, d) });
            done.notified().await;
        })
    });
}

fn yield_many(rt: &tokio::runtime::Runtime, tasks: u64, yields: u64, round: i64) {
    measure("yield_many", tasks * yields, round, || {
        rt.block_on(async {
            let mut handles = Vec::with_capacity(tasks as usize);
            for _ in 0..tasks {
                handles.push(tokio::spawn(async move {
                    for _ in 0..yields {
                        tokio::task::yield_now().await;
                    }
                }));
            }
            for h in handles {
                h.await.unwrap();
            }
        })
    });
}

fn ping_pong(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("ping_pong", n, round, || {
        rt.block_on(async {
            let ping = Arc::new(Notify::new());
            let pong = Arc::new(Notify::new());
            let (pi, po) = (ping.clone(), pong.clone());
            let h = tokio::spawn(async move {
                for _ in 0..n {
                    pi.notified().await;
                    po.notify_one();
                }
            });
            for _ in 0..n {
                ping.notify_one();
                pong.notified().await;
            }
            h.await.unwrap();
        })
    });
}

fn oneshot_roundtrip(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("oneshot_roundtrip", n, round, || {
        rt.block_on(async {
            let mut sum = 0u64;
            for i in 0..n {
                let (tx, rx) = oneshot::channel::<u64>();
                tokio::spawn(async move {
                    let _ = tx.send(i);
                });
                sum += rx.await.unwrap();
            }
            assert!(sum > 0 || n <= 1);
        })
    });
}

fn mpsc_roundtrip(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("mpsc_roundtrip", n, round, || {
        rt.block_on(async {
            let (to_echo, mut echo_in) = mpsc::unbounded_channel::<u64>();
            let (to_main, mut main_in) = mpsc::unbounded_channel::<u64>();
            let h = tokio::spawn(async move {
                while let Some(m) = echo_in.recv().await {
                    let _ = to_main.send(m + 1);
                }
            });
            let mut v = 0u64;
            for _ in 0..n {
                to_echo.send(v).unwrap();
                v = main_in.recv().await.unwrap();
            }
            drop(to_echo);
            h.await.unwrap();
            assert_eq!(v, n);
        })
    });
}

// resolve_hosts: resolve "localhost" (from /etc/hosts) n times, one lookup after the other.
// tokio::net::lookup_host runs getaddrinfo on the blocking pool.
fn resolve_hosts(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("resolve_hosts", n, round, || {
        rt.block_on(async {
            for _ in 0..n {
                let addrs = tokio::net::lookup_host("localhost:80").await.unwrap();
                assert!(addrs.count() > 0);
            }
        })
    });
}

// lines_1m: N lines ("line <i>") read with BufReader::lines over a Unix socket pair, written by
// another task in 64 KiB writes (ns per line).
fn lines_1m(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    // Built once per process (outside the timing either way), so that instruction counts over
    // several rounds differ by exactly the measured work.
    static PAYLOAD: std::sync::OnceLock<Arc<Vec<u8>>> = std::sync::OnceLock::new();
    let payload = PAYLOAD.get_or_init(|| {
        let mut p = Vec::new();
        for i in 0..n {
            p.extend_from_slice(format!("line {}\n", i).as_bytes());
        }
        Arc::new(p)
    });
    measure("lines_1m", n, round, || {
        rt.block_on(async {
            let (rd, mut wr) = tokio::net::UnixStream::pair().unwrap();
            let p = payload.clone();
            let writer = tokio::spawn(async move {
                for chunk in p.chunks(64 * 1024) {
                    wr.write_all(chunk).await.unwrap();
                }
                wr.shutdown().await.unwrap();
            });
            let mut lines = BufReader::new(rd).lines();
            let mut count = 0u64;
            while let Some(line) = lines.next_line().await.unwrap() {
                if !line.is_empty() {
                    count += 1;
                }
            }
            assert_eq!(count, n);
            writer.await.unwrap();
        })
    });
}

// spawn_blocking_roundtrip: N jobs, one at a time, each handed to the blocking pool and its
// result awaited (ns per job).
fn spawn_blocking_roundtrip(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("spawn_blocking_roundtrip", n, round, || {
        rt.block_on(async {
            let mut sum = 0u64;
            for i in 0..n {
                sum += tokio::task::spawn_blocking(move || i).await.unwrap();
            }
            assert_eq!(sum, n * (n - 1) / 2);
        })
    });
}

// broadcast_fanout_16: one sender, 16 receiver tasks; bursts of 64 into a ring of 128, a yield
// between bursts (ns per message sent).
fn broadcast_fanout_16(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("broadcast_fanout_16", n, round, || {
        rt.block_on(async {
            let (tx, rx) = broadcast::channel::<u64>(128);
            let mut receivers = vec![rx];
            for _ in 0..15 {
                receivers.push(tx.subscribe());
            }
            let mut handles = Vec::with_capacity(16);
            for mut r in receivers {
                handles.push(tokio::spawn(async move {
                    let mut got = 0u64;
                    while r.recv().await.is_ok() {
                        got += 1;
                    }
                    assert_eq!(got, n);
                }));
            }
            for i in 0..n {
                tx.send(i).unwrap();
                if i % 64 == 63 {
                    tokio::task::yield_now().await;
                }
            }
            drop(tx);
            for h in handles {
                h.await.unwrap();
            }
        })
    });
}

// watch_changed: 16 tasks wait in changed() while one sender sends N values, yielding after each.
fn watch_changed(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("watch_changed", n, round, || {
        rt.block_on(async {
            let (tx, rx) = watch::channel::<u64>(0);
            let mut handles = Vec::with_capacity(16);
            for _ in 0..16 {
                let mut r = rx.clone();
                handles.push(tokio::spawn(async move {
                    let mut last = 0u64;
                    while r.changed().await.is_ok() {
                        last = *r.borrow_and_update();
                    }
                    assert!(last <= n);
                }));
            }
            drop(rx);
            for i in 1..=n {
                tx.send(i).unwrap();
                tokio::task::yield_now().await;
            }
            drop(tx);
            for h in handles {
                h.await.unwrap();
            }
        })
    });
}

// rwlock_read_contended: take the write lock, spawn 5 readers, release it, join them (tokio's
// read_concurrent_contended), N times (ns per round).
fn rwlock_read_contended(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("rwlock_read_contended", n, round, || {
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(()));
            for _ in 0..n {
                let w = lock.write().await;
                let mut handles = Vec::with_capacity(5);
                for _ in 0..5 {
                    let l = lock.clone();
                    handles.push(tokio::spawn(async move {
                        let _r = l.read().await;
                    }));
                }
                drop(w);
                for h in handles {
                    h.await.unwrap();
                }
            }
        })
    });
}

// semaphore_acquire: 6 tasks share 5 permits, each acquiring and holding across a yield N / 6
// times (ns per acquire).
fn semaphore_acquire(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("semaphore_acquire", n / 6 * 6, round, || {
        rt.block_on(async {
            let sem = Arc::new(Semaphore::new(5));
            let mut handles = Vec::with_capacity(6);
            for _ in 0..6 {
                let s = sem.clone();
                handles.push(tokio::spawn(async move {
                    for _ in 0..n / 6 {
                        let _p = s.acquire().await.unwrap();
                        tokio::task::yield_now().await;
                    }
                }));
            }
            for h in handles {
                h.await.unwrap();
            }
        })
    });
}

// join_set_10k: spawn 10,000 tasks into a JoinSet and join them all (ns per task).
fn join_set_10k(rt: &tokio::runtime::Runtime, n: u64, round: i64) {
    measure("join_set_10k", n, round, || {
        rt.block_on(async {
            let mut set = JoinSet::new();
            for i in 0..n {
                set.spawn(async move { i });
            }
            let mut sum = 0u64;
            while let Some(r) = set.join_next().await {
                sum += r.unwrap();
            }
            assert_eq!(sum, n * (n - 1) / 2);
        })
    });
}

// bounded_mpsc_c<capacity>: 10 producer tasks each send N / 10 values into one bounded channel
// while one task receives them all (the shape of tokio's benches/sync_mpsc.rs
// contention_bounded). ns per message.
fn bounded_mpsc(rt: &tokio::runtime::Runtime, scenario: &str, capacity: usize, n: u64, round: i64) {
    const PRODUCERS: u64 = 10;
    let per = n / PRODUCERS;
    measure(scenario, per * PRODUCERS, round, || {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel::<u64>(capacity);
            let mut handles = Vec::with_capacity(PRODUCERS as usize);
            for _ in 0..PRODUCERS {
                let tx = tx.clone();
                handles.push(tokio::spawn(async move {
                    for i in 0..per {
                        tx.send(i).await.unwrap();
                    }
                }));
            }
            drop(tx);
            let mut got = 0u64;
            while let Some(_v) = rx.recv().await {
                got += 1;
            }
            assert_eq!(got, per * PRODUCERS);
            for h in handles {
                h.await.unwrap();
            }
        })
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mut quick, mut rounds, mut first_round, mut single, mut only) = (false, 5i64, 0i64, false, String::new());
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => {
                quick = true;
                rounds = 2;
            }
            "--rounds" => {
                i += 1;
                rounds = args[i].parse().unwrap();
            }
            "--round" => {
                i += 1;
                first_round = args[i].parse().unwrap();
                single = true;
            }
            "--scenario" | "--only" => {
                i += 1;
                only = args[i].clone();
            }
            "--list" => {
                for s in SCENARIOS {
                    println!("tokio {}", s);
                }
                return;
            }
            other => {
                eprintln!("kov_bench_tokio: unknown argument {}", other);
                std::process::exit(2);
            }
        }
        i += 1;
    }
    if single {
        rounds = 1;
    }
    if !only.is_empty() && !SCENARIOS.contains(&only.as_str()) {
        eprintln!("kov_bench_tokio: no scenario '{}' (--list)", only);
        std::process::exit(2);
    }
    let scale: u64 = if quick { 10 } else { 1 };
    let wanted = |s: &str| only.is_empty() || only == s;
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    // The I/O scenario gets a runtime with the I/O driver; the others keep theirs without it.
    let io_rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Round -1 is an unreported warm-up of every wanted scenario, as in kov-bench.
    for round in std::iter::once(-1).chain(first_round..first_round + rounds) {
        if wanted("spawn_many") { spawn_many(&rt, 100_000 / scale, round); }
        if wanted("chained_spawn") { chained_spawn(&rt, 100_000 / scale, round); }
        if wanted("yield_many") { yield_many(&rt, 200, 1000 / scale, round); }
        if wanted("ping_pong") { ping_pong(&rt, 1_000_000 / scale, round); }
        if wanted("oneshot_roundtrip") { oneshot_roundtrip(&rt, 100_000 / scale, round); }
        if wanted("mpsc_roundtrip") { mpsc_roundtrip(&rt, 1_000_000 / scale, round); }
        if wanted("resolve_hosts") { resolve_hosts(&rt, 10_000 / scale, round); }
        if wanted("lines_1m") { lines_1m(&io_rt, 1_000_000 / scale, round); }
        if wanted("spawn_blocking_roundtrip") { spawn_blocking_roundtrip(&rt, 100_000 / scale, round); }
        if wanted("broadcast_fanout_16") { broadcast_fanout_16(&rt, 100_000 / scale, round); }
        if wanted("watch_changed") { watch_changed(&rt, 100_000 / scale, round); }
        if wanted("rwlock_read_contended") { rwlock_read_contended(&rt, 100_000 / scale, round); }
        if wanted("semaphore_acquire") { semaphore_acquire(&rt, 600_000 / scale, round); }
        if wanted("join_set_10k") { join_set_10k(&rt, 10_000, round); }
        if wanted("bounded_mpsc_c1") { bounded_mpsc(&rt, "bounded_mpsc_c1", 1, 100_000 / scale, round); }
        if wanted("bounded_mpsc_c1024") { bounded_mpsc(&rt, "bounded_mpsc_c1024", 1024, 1_000_000 / scale, round); }
    }
}
