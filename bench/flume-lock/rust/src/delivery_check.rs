//! Exactly-once delivery check; the same scheme as bench/flume-lock/cpp/delivery_check.hpp:
//! producer p sends (p << 40) | i for i = 1..share, the consumer checks ranges, the count, the sum
//! and the sum of squares (wrapping).

pub const PRODUCER_SHIFT: u32 = 40;
const INDEX_MASK: u64 = (1u64 << PRODUCER_SHIFT) - 1;

/// Messages producer p of `producers` sends when n are split between them.
pub fn share_of(n: u64, producers: u64, p: u64) -> u64 {
    n / producers + u64::from(p < n % producers)
}

pub fn message_value(producer: u64, index_from_1: u64) -> u64 {
    (producer << PRODUCER_SHIFT) | index_from_1
}

#[derive(Clone)]
pub struct DeliveryCheck {
    n: u64,
    shares: Vec<u64>,
    received: u64,
    bad_value: u64,
    sum: u64,
    squares: u64,
    expected_sum: u64,
    expected_squares: u64,
}

impl DeliveryCheck {
    pub fn new(n: u64, producers: u64) -> Self {
        let mut c = DeliveryCheck {
            n,
            shares: Vec::new(),
            received: 0,
            bad_value: 0,
            sum: 0,
            squares: 0,
            expected_sum: 0,
            expected_squares: 0,
        };
        for p in 0..producers {
            let count = share_of(n, producers, p);
            c.shares.push(count);
            for i in 1..=count {
                let v = message_value(p, i);
                c.expected_sum = c.expected_sum.wrapping_add(v);
                c.expected_squares = c.expected_squares.wrapping_add(v.wrapping_mul(v));
            }
        }
        c
    }

    /// Records one received value; false on a value no producer sends.
    #[inline]
    pub fn see(&mut self, v: u64) -> bool {
        let p = (v >> PRODUCER_SHIFT) as usize;
        let i = v & INDEX_MASK;
        if p >= self.shares.len() || i == 0 || i > self.shares[p] {
            if self.bad_value == 0 {
                self.bad_value = v;
            }
            return false;
        }
        self.received += 1;
        self.sum = self.sum.wrapping_add(v);
        self.squares = self.squares.wrapping_add(v.wrapping_mul(v));
        true
    }

    /// Adds what another consumer's check (a clone of this one) saw: several consumers keep
    /// their own tallies in the measured loop and merge them afterwards.
    pub fn absorb(&mut self, other: &DeliveryCheck) {
        self.received += other.received;
        self.sum = self.sum.wrapping_add(other.sum);
        self.squares = self.squares.wrapping_add(other.squares);
        if self.bad_value == 0 {
            self.bad_value = other.bad_value;
        }
    }

    /// None when every message arrived exactly once, else what went wrong.
    pub fn verdict(&self) -> Option<String> {
        if self.bad_value != 0 {
            return Some(format!("received value {}, never sent", self.bad_value));
        }
        if self.received != self.n {
            return Some(format!("received {} of {} messages", self.received, self.n));
        }
        if self.sum != self.expected_sum || self.squares != self.expected_squares {
            return Some("checksums differ: messages lost and duplicated".to_string());
        }
        None
    }
}
