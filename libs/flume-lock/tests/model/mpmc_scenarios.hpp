// Relacy scenarios of the MPMC flavour (included by model_tests.cpp after the code under test).
// Receivers record what they got per thread; after() checks that every message sent was
// received exactly once (or destroyed with the channel, which Relacy's leak check covers).
#pragma once

namespace mpmc_model {

using flume_lock::status;

// Opens an MPMC channel (capacity 0: unbounded) into heap handles: one sender, two receivers.
inline void open_two_receivers(std::size_t capacity, flume_lock::mpmc::sender<int>*& tx,
                               flume_lock::mpmc::receiver<int>* (&rx)[2]) {
  auto [s, r] = flume_lock::mpmc::make_channel<int>(capacity);
  tx = new flume_lock::mpmc::sender<int>(std::move(s));
  rx[0] = new flume_lock::mpmc::receiver<int>(std::move(r));
  rx[1] = new flume_lock::mpmc::receiver<int>(*rx[0]);
}

// The same for the sharded flavour (its own sender type).
inline void open_two_receivers(flume_lock::mpmc::sharded_sender<int>*& tx,
                               flume_lock::mpmc::receiver<int>* (&rx)[2]) {
  auto [s, r] = flume_lock::mpmc::sharded_channel<int>();
  tx = new flume_lock::mpmc::sharded_sender<int>(std::move(s));
  rx[0] = new flume_lock::mpmc::receiver<int>(std::move(r));
  rx[1] = new flume_lock::mpmc::receiver<int>(*rx[0]);
}

// Per-receiver-thread record of the messages taken (each row written by one thread only).
struct deliveries {
  int got[2][8] = {};
  int count[2] = {0, 0};
  void take(unsigned receiver, int v) {
    RL_ASSERT(count[receiver] < 8);
    got[receiver][count[receiver]++] = v;
  }
  // Every message in [0, sent) exactly once, in increasing order per receiver (one producer
  // each, FIFO: a receiver never sees a producer's messages out of order).
  void expect_exactly_once(int sent_per_producer, int producers) const {
    int seen[4][8] = {};
    for (int r = 0; r < 2; ++r) {
      int last[4] = {-1, -1, -1, -1};
      for (int k = 0; k < count[r]; ++k) {
        const int producer = got[r][k] / 100;
        const int seq = got[r][k] % 100;
        RL_ASSERT(producer < producers && seq < sent_per_producer);
        RL_ASSERT(seq > last[producer]);
        last[producer] = seq;
        ++seen[producer][seq];
      }
    }
    for (int p = 0; p < producers; ++p)
      for (int s = 0; s < sent_per_producer; ++s) RL_ASSERT(seen[p][s] == 1);
  }
};

// Threads 0 .. Senders-1 send PerSender messages each and drop their sender (the last drop
// closes); the two receiver threads after them receive until disconnected. Unbounded (Capacity
// 0, 3-slot blocks: the run crosses blocks) or a small ring (both receivers race over a ring
// that is full and empty in turn; the sender parks on full, the receivers on empty).
template <std::size_t Capacity, unsigned Senders, int PerSender>
struct two_receivers_close
    : rl::test_suite<two_receivers_close<Capacity, Senders, PerSender>, Senders + 2> {
  flume_lock::mpmc::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  deliveries d;
  void before() {
    auto [s, r] = flume_lock::mpmc::make_channel<int>(Capacity);
    tx[0] = new flume_lock::mpmc::sender<int>(std::move(s));
    if (Senders > 1) tx[1] = new flume_lock::mpmc::sender<int>(*tx[0]);
    rx[0] = new flume_lock::mpmc::receiver<int>(std::move(r));
    rx[1] = new flume_lock::mpmc::receiver<int>(*rx[0]);
  }
  void after() {
    d.expect_exactly_once(PerSender, static_cast<int>(Senders));
    delete rx[0];
    delete rx[1];
  }
  void thread(unsigned i) {
    if (i < Senders) {
      for (int s = 0; s < PerSender; ++s) RL_ASSERT(tx[i]->send(i * 100 + s) == status::ok);
      delete tx[i];
      return;
    }
    const unsigned r = i - Senders;
    int v = 0;
    status s;
    while ((s = rx[r]->recv(v)) == status::ok) d.take(r, v);
    RL_ASSERT(s == status::disconnected);  // both receivers: only after the drain
    RL_ASSERT(rx[r]->try_recv(v) == status::disconnected);
  }
};

// Both receivers go away while the sender is sending: the sender sees disconnected from then
// on, each message is received at most once, and the rest are freed exactly once (Relacy
// reports leaks and double frees). Whichever handle goes last frees the channel's state.
template <std::size_t Capacity>
struct receivers_drop : rl::test_suite<receivers_drop<Capacity>, 3> {
  flume_lock::mpmc::sender<int>* tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  deliveries d;
  void before() { open_two_receivers(Capacity, tx, rx); }
  void after() {
    for (int r = 0; r < 2; ++r) RL_ASSERT(d.count[r] <= 1);
    if (d.count[0] == 1 && d.count[1] == 1) RL_ASSERT(d.got[0][0] != d.got[1][0]);
  }
  void thread(unsigned i) {
    if (i == 0) {
      bool refused = false;
      for (int s = 0; s < 4; ++s) {
        const status st = Capacity == 0 ? tx->send(s) : tx->try_send(s);
        if (st == status::disconnected) refused = true;
        RL_ASSERT(!refused || st == status::disconnected);  // once closed, always closed
      }
      delete tx;  // every handle dies on a test thread: the last one frees the state
      return;
    }
    const unsigned r = i - 1;
    int v = 0;
    if (rx[r]->try_recv(v) == status::ok) d.take(r, v);
    delete rx[r];
  }
};

// A sender parked on a full ring is woken with `disconnected` when the last receiver goes.
struct park_full_receivers_gone : rl::test_suite<park_full_receivers_gone, 3> {
  flume_lock::mpmc::sender<int>* tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  void before() {
    auto [s, r] = flume_lock::mpmc::make_channel<int>(1);
    tx = new flume_lock::mpmc::sender<int>(std::move(s));
    rx[0] = new flume_lock::mpmc::receiver<int>(std::move(r));
    rx[1] = new flume_lock::mpmc::receiver<int>(*rx[0]);
  }
  void after() { delete tx; }
  void thread(unsigned i) {
    if (i == 0) {
      const status first = tx->send(0);
      RL_ASSERT(first == status::ok || first == status::disconnected);
      RL_ASSERT(tx->send(1) == status::disconnected);  // full until the receivers go
      return;
    }
    delete rx[i - 1];
  }
};

}  // namespace mpmc_model

namespace mpmc_model {

// Two threads: a sender parked on a full ring is woken with `disconnected` by a close().
struct park_full_close : rl::test_suite<park_full_close, 2> {
  flume_lock::mpmc::sender<int>* tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx = nullptr;
  void before() {
    auto [s, r] = flume_lock::mpmc::make_channel<int>(1);
    tx = new flume_lock::mpmc::sender<int>(std::move(s));
    rx = new flume_lock::mpmc::receiver<int>(std::move(r));
  }
  void after() {
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      const status first = tx->send(0);
      RL_ASSERT(first == status::ok || first == status::disconnected);
      RL_ASSERT(tx->send(1) == status::disconnected);  // full until the close, then refused
      return;
    }
    rx->close();
  }
};

}  // namespace mpmc_model

namespace mpmc_model {

// Wake-one parking: the sender sends two messages and keeps its sender (no close to rescue a
// lost wake); each receiver blocks in recv() for exactly one. A notify that wakes nobody while
// a receiver sleeps is a deadlock. Capacity 1: the sender also parks on full and is woken one
// pop at a time.
template <std::size_t Capacity>
struct parked_receivers_no_close : rl::test_suite<parked_receivers_no_close<Capacity>, 3> {
  flume_lock::mpmc::sender<int>* tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  deliveries d;
  void before() { open_two_receivers(Capacity, tx, rx); }
  void after() {
    RL_ASSERT(d.count[0] == 1 && d.count[1] == 1);
    d.expect_exactly_once(2, 1);
    delete tx;
    delete rx[0];
    delete rx[1];
  }
  void thread(unsigned i) {
    if (i == 0) {
      for (int s = 0; s < 2; ++s) RL_ASSERT(tx->send(s) == status::ok);
      return;
    }
    int v = 0;
    RL_ASSERT(rx[i - 1]->recv(v) == status::ok);
    d.take(i - 1, v);
  }
};

}  // namespace mpmc_model

namespace mpmc_model {

// The unbounded queue's block boundary under two senders. Two messages are queued first, so
// one racing send takes the first block's last slot and links the next block, while the other
// may find the tail at the position with no slot and wait for the link: it must then write
// into the new block, not the old one. The receiver gets all four, each once, in send order
// per sender.
struct senders_cross_block : rl::test_suite<senders_cross_block, 3> {
  flume_lock::mpmc::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::mpmc::receiver<int>* rx = nullptr;
  int got[4] = {};
  void before() {
    auto [s, r] = flume_lock::mpmc::make_channel<int>(0);
    tx[0] = new flume_lock::mpmc::sender<int>(std::move(s));
    tx[1] = new flume_lock::mpmc::sender<int>(*tx[0]);
    rx = new flume_lock::mpmc::receiver<int>(std::move(r));
    for (int v : {200, 201}) RL_ASSERT(tx[0]->send(v) == status::ok);
  }
  void after() {
    RL_ASSERT(got[0] == 200 && got[1] == 201);
    RL_ASSERT((got[2] == 0 && got[3] == 100) || (got[2] == 100 && got[3] == 0));
    delete tx[0];
    delete tx[1];
    delete rx;
  }
  void thread(unsigned i) {
    if (i < 2) {
      RL_ASSERT(tx[i]->send(static_cast<int>(i) * 100) == status::ok);
      return;
    }
    for (int& v : got) RL_ASSERT(rx->recv(v) == status::ok);
  }
};

// The same boundary under two receivers. Five messages are sent and two received first, so the
// first block holds one more message and the second block two: one racing receiver takes the
// first block's last slot and makes the next block the head block, while the other may find
// the head at the position with no slot and wait: it must then take from the new block. They
// get messages 2 and 3, one each; message 4 is left. On the ordered flavour, or on the sharded
// one (Sender = sharded_sender<int>: all five messages in the one shard).
template <class Sender>
struct receivers_cross_block : rl::test_suite<receivers_cross_block<Sender>, 2> {
  Sender* tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  int got[2] = {-1, -1};
  void before() {
    if constexpr (std::is_same_v<Sender, flume_lock::mpmc::sender<int>>) {
      open_two_receivers(0, tx, rx);
    } else {
      open_two_receivers(tx, rx);
    }
    for (int v = 0; v < 5; ++v) RL_ASSERT(tx->send(v) == status::ok);
    int v = 0;
    for (int k = 0; k < 2; ++k) RL_ASSERT(rx[0]->try_recv(v) == status::ok && v == k);
  }
  void after() {
    RL_ASSERT((got[0] == 2 && got[1] == 3) || (got[0] == 3 && got[1] == 2));
    int v = 0;
    RL_ASSERT(rx[0]->try_recv(v) == status::ok && v == 4);
    RL_ASSERT(rx[1]->try_recv(v) == status::empty);
    delete tx;
    delete rx[0];
    delete rx[1];
  }
  void thread(unsigned i) { RL_ASSERT(rx[i]->try_recv(got[i]) == status::ok); }
};

}  // namespace mpmc_model
