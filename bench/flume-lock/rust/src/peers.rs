//! The Rust peers behind one small interface, so the runners are written once:
//! `channel(capacity)` (0 = unbounded, `RENDEZVOUS` = zero capacity) gives a cloneable sender
//! and the receiver; both sides use the blocking operations, the intended use of both libraries.

use crate::scenarios::RENDEZVOUS;

pub trait Peer {
    const NAME: &'static str;
    type Tx: Clone + Send + 'static;
    type Rx: Send + 'static;
    fn channel(capacity: usize) -> (Self::Tx, Self::Rx);
    fn send(tx: &Self::Tx, v: u64);
    fn recv(rx: &Self::Rx) -> u64;
    /// Whether select_recv_n works.
    const SELECT: bool = false;
    /// Receives `n` messages from whichever of `rxs` is ready (one select per message, the
    /// selection built once), passing each to `take`.
    fn select_recv_n<F: FnMut(u64)>(_rxs: &[Self::Rx], _n: u64, _take: F) {
        // main.rs runs select scenarios only for peers whose SELECT is true.
        panic!("{} has no select", Self::NAME)
    }
    /// Another receiver of the same channel, for the mpmc scenarios (None: single consumer).
    fn clone_rx(_rx: &Self::Rx) -> Option<Self::Rx> {
        None
    }
}

pub struct Crossbeam;

impl Peer for Crossbeam {
    const NAME: &'static str = "crossbeam";
    type Tx = crossbeam_channel::Sender<u64>;
    type Rx = crossbeam_channel::Receiver<u64>;
    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        if capacity == 0 {
            crossbeam_channel::unbounded()
        } else if capacity == RENDEZVOUS {
            crossbeam_channel::bounded(0)
        } else {
            crossbeam_channel::bounded(capacity)
        }
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("crossbeam send: receiver gone");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv().expect("crossbeam recv: all senders gone")
    }
    const SELECT: bool = true;
    fn select_recv_n<F: FnMut(u64)>(rxs: &[Self::Rx], n: u64, mut take: F) {
        let mut sel = crossbeam_channel::Select::new();
        for rx in rxs {
            sel.recv(rx);
        }
        for _ in 0..n {
            let op = sel.select();
            let index = op.index();
            take(op.recv(&rxs[index]).expect("crossbeam select: all senders gone"));
        }
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
}

pub struct StdMpsc;

/// std::sync::mpsc has two sender types; one enum keeps the interface uniform. The branch is
/// perfectly predictable within a run.
pub enum StdTx {
    Unbounded(std::sync::mpsc::Sender<u64>),
    Bounded(std::sync::mpsc::SyncSender<u64>),
}

impl Clone for StdTx {
    fn clone(&self) -> Self {
        match self {
            StdTx::Unbounded(t) => StdTx::Unbounded(t.clone()),
            StdTx::Bounded(t) => StdTx::Bounded(t.clone()),
        }
    }
}

impl Peer for StdMpsc {
    const NAME: &'static str = "std-mpsc";
    type Tx = StdTx;
    type Rx = std::sync::mpsc::Receiver<u64>;
    fn channel(capacity: usize) -> (Self::Tx, Self::Rx) {
        if capacity == 0 {
            let (t, r) = std::sync::mpsc::channel();
            (StdTx::Unbounded(t), r)
        } else {
            let bound = if capacity == RENDEZVOUS { 0 } else { capacity };
            let (t, r) = std::sync::mpsc::sync_channel(bound);
            (StdTx::Bounded(t), r)
        }
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        let sent = match tx {
            StdTx::Unbounded(t) => t.send(v).is_ok(),
            StdTx::Bounded(t) => t.send(v).is_ok(),
        };
        assert!(sent, "std-mpsc send: receiver gone");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv().expect("std-mpsc recv: all senders gone")
    }
}
