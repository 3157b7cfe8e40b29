//! The flume-lock suite's scenarios; the same names and shapes as the C++ program's
//! bench/flume-lock/cpp/scenarios.hpp.

#[derive(Clone, Copy)]
pub enum Kind {
    Seq,
    Throughput,
    Pingpong,
    /// One consumer selects over `producers` channels, one producer per channel (crossbeam's
    /// benches/crossbeam.rs select_rx).
    Select,
    /// Several consumers share the queue, each message to exactly one (crossbeam's `mpmc`).
    Mpmc,
}

#[derive(Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub kind: Kind,
    pub producers: u64,
    /// 0: unbounded; RENDEZVOUS: zero capacity (`bounded(0)`).
    pub capacity: usize,
    pub consumers: u64,
}

pub const RENDEZVOUS: usize = usize::MAX;

pub const ALL: &[Scenario] = &[
    Scenario { name: "seq", kind: Kind::Seq, producers: 1, capacity: 0, consumers: 1 },
    Scenario { name: "spsc", kind: Kind::Throughput, producers: 1, capacity: 0, consumers: 1 },
    Scenario { name: "mpsc_t2", kind: Kind::Throughput, producers: 2, capacity: 0, consumers: 1 },
    Scenario { name: "mpsc_t4", kind: Kind::Throughput, producers: 4, capacity: 0, consumers: 1 },
    Scenario { name: "mpsc_t8", kind: Kind::Throughput, producers: 8, capacity: 0, consumers: 1 },
    Scenario { name: "bounded1_spsc", kind: Kind::Throughput, producers: 1, capacity: 1, consumers: 1 },
    Scenario { name: "bounded1_mpsc_t4", kind: Kind::Throughput, producers: 4, capacity: 1, consumers: 1 },
    Scenario { name: "bounded1024_spsc", kind: Kind::Throughput, producers: 1, capacity: 1024, consumers: 1 },
    Scenario { name: "bounded1024_mpsc_t4", kind: Kind::Throughput, producers: 4, capacity: 1024, consumers: 1 },
    Scenario { name: "pingpong", kind: Kind::Pingpong, producers: 1, capacity: 0, consumers: 1 },
    Scenario { name: "rendezvous_spsc", kind: Kind::Throughput, producers: 1, capacity: RENDEZVOUS, consumers: 1 },
    Scenario { name: "select_rx4", kind: Kind::Select, producers: 4, capacity: 0, consumers: 1 },
    Scenario { name: "mpmc_t4x4", kind: Kind::Mpmc, producers: 4, capacity: 0, consumers: 4 },
    Scenario {
        name: "mpmc_bounded1024_t4x4",
        kind: Kind::Mpmc,
        producers: 4,
        capacity: 1024,
        consumers: 4,
    },
];

pub fn find(name: &str) -> Option<Scenario> {
    ALL.iter().copied().find(|s| s.name == name)
}
