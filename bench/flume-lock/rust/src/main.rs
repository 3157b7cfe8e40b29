//! bench_flume_lock_rust: the Rust peers of the flume-lock suite, one (implementation, scenario)
//! per process, contract JSON lines on stdout; the same command line as the C++ program:
//!
//!   bench_flume_lock_rust --list
//!   bench_flume_lock_rust --impl crossbeam --scenario mpsc_t4 [--n 5000000]
//!                         [--round-trips 100000] [--round 0]

mod delivery_check;
mod measure;
mod peers;
mod runners;
mod scenarios;

use std::io::Write;
use std::process::exit;

use peers::{Crossbeam, Peer, StdMpsc};
use runners::{run_scenario, Options};

pub struct Label {
    scenario: String,
    impl_name: String,
    round: i64,
    /// Messages (round trips for pingpong) of this run.
    n: u64,
    /// Resident memory before the run made its channel (the program's own baseline).
    pub baseline_rss: u64,
}

impl Label {
    pub fn emit(&self, metric: &str, unit: &str, value: f64) {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{{\"suite\":\"flume-lock\",\"scenario\":\"{}\",\"impl\":\"{}\",\"metric\":\"{}\",\
             \"unit\":\"{}\",\"value\":{:e},\"round\":{},\"n\":{}}}",
            self.scenario, self.impl_name, metric, unit, value, self.round, self.n
        )
        .expect("stdout");
        out.flush().expect("stdout");
    }

    /// Ends the process loudly: a broken run must never look like a number.
    pub fn fail(&self, why: &str) -> ! {
        eprintln!("FAILED flume-lock {} {}: {}", self.impl_name, self.scenario, why);
        exit(2);
    }
}

type Runner = fn(&scenarios::Scenario, &Options, &Label);

/// Every implementation here has both unbounded and bounded channels; the bool says whether it
/// can select (Peer::SELECT), then whether it has several-consumer receivers (the mpmc scenarios).
const IMPLS: &[(&str, bool, Runner, bool)] = &[
    (Crossbeam::NAME, Crossbeam::SELECT, run_scenario::<Crossbeam>, true),
    (StdMpsc::NAME, StdMpsc::SELECT, run_scenario::<StdMpsc>, false),
];

fn supports(select: bool, mpmc: bool, s: &scenarios::Scenario) -> bool {
    match s.kind {
        scenarios::Kind::Select => select,
        scenarios::Kind::Mpmc => mpmc,
        _ => true,
    }
}

fn usage(why: &str) -> ! {
    eprintln!(
        "bench_flume_lock_rust: {why}\n\
         usage: bench_flume_lock_rust --list\n       \
         bench_flume_lock_rust --impl NAME --scenario NAME [--n N] [--round-trips R] [--round K]"
    );
    exit(64);
}

fn main() {
    let mut impl_name = String::new();
    let mut scenario_name = String::new();
    let mut options = Options { n: 5_000_000, round_trips: 100_000 };
    let mut round: i64 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage("missing value"));
        match arg.as_str() {
            "--list" => {
                for (name, select, _, mpmc) in IMPLS {
                    for s in scenarios::ALL.iter().filter(|s| supports(*select, *mpmc, s)) {
                        println!("{} {}", name, s.name);
                    }
                }
                return;
            }
            "--impl" => impl_name = value(),
            "--scenario" => scenario_name = value(),
            "--n" => options.n = value().parse().unwrap_or_else(|_| usage("bad --n")),
            "--round-trips" => {
                options.round_trips = value().parse().unwrap_or_else(|_| usage("bad --round-trips"))
            }
            "--round" => round = value().parse().unwrap_or_else(|_| usage("bad --round")),
            _ => usage("unknown argument"),
        }
    }
    let (select, runner, mpmc) = IMPLS
        .iter()
        .find(|(name, _, _, _)| *name == impl_name)
        .map(|(_, select, r, mpmc)| (*select, *r, *mpmc))
        .unwrap_or_else(|| usage("unknown --impl"));
    let scenario = scenarios::find(&scenario_name).unwrap_or_else(|| usage("unknown --scenario"));
    if !supports(select, mpmc, &scenario) {
        usage("this implementation has no such scenario");
    }
    if options.n == 0 || options.round_trips == 0 {
        usage("--n and --round-trips must be positive");
    }
    let n = match scenario.kind {
        scenarios::Kind::Pingpong => options.round_trips,
        _ => options.n,
    };
    let baseline_rss = measure::current_rss_bytes();
    let label = Label { scenario: scenario_name, impl_name, round, n, baseline_rss };
    runner(&scenario, &options, &label);
}
