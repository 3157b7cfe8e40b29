// Relacy scenarios of the sharded MPMC flavour (included by model_tests.cpp after the code under
// test, after mpmc_scenarios.hpp, whose `deliveries` record they share). Blocks have 3 slots in
// model builds, so a shard of 7 messages links two blocks and reuses the first.
#pragma once

namespace sharded_model {

using flume_lock::status;
using sharded_sender = flume_lock::mpmc::sharded_sender<int>;
using receiver = flume_lock::mpmc::receiver<int>;

using mpmc_model::open_two_receivers;

// A sharded channel's first sender and its one receiver.
inline void open_one_receiver(sharded_sender*& tx, receiver*& rx) {
  auto [s, r] = flume_lock::mpmc::sharded_channel<int>();
  tx = new sharded_sender(std::move(s));
  rx = new receiver(std::move(r));
}

// Senders 0 .. Senders-1 send PerSender messages each (on a shard of their own) and drop their
// handle (the last drop closes); the two receivers receive until disconnected. Exactly once,
// in order per sender per receiver, and `disconnected` only after the drain. With one sender of
// 7 messages the producer reuses its first block while the receivers may still be in it.
template <unsigned Senders, int PerSender>
struct two_receivers_close : rl::test_suite<two_receivers_close<Senders, PerSender>, Senders + 2> {
  sharded_sender* tx[2] = {nullptr, nullptr};
  receiver* rx[2] = {nullptr, nullptr};
  mpmc_model::deliveries d;
  void before() {
    open_two_receivers(tx[0], rx);
    if (Senders > 1) tx[1] = new sharded_sender(*tx[0]);
  }
  void after() {
    d.expect_exactly_once(PerSender, static_cast<int>(Senders));
    delete rx[0];
    delete rx[1];
  }
  void thread(unsigned i) {
    if (i < Senders) {
      for (int s = 0; s < PerSender; ++s)
        RL_ASSERT(tx[i]->send(static_cast<int>(i) * 100 + s) == status::ok);
      delete tx[i];
      return;
    }
    const unsigned r = i - Senders;
    int v = 0;
    status s;
    while ((s = rx[r]->recv(v)) == status::ok) d.take(r, v);
    RL_ASSERT(s == status::disconnected);
    RL_ASSERT(rx[r]->try_recv(v) == status::disconnected);
  }
};

// Two receivers park on an empty channel and one sender sends two messages, with no close to
// wake anybody: each send's claim and notify must find a parked receiver (a lost wake is a
// DEADLOCK). The sender's handle lives on, so nothing else wakes them.
struct parked_receivers : rl::test_suite<parked_receivers, 3> {
  sharded_sender* tx = nullptr;
  receiver* rx[2] = {nullptr, nullptr};
  mpmc_model::deliveries d;
  void before() { open_two_receivers(tx, rx); }
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

// A new sender (a new shard, pushed onto the list) races close(): either its send is refused,
// or the receiver gets the message before it sees `disconnected`. Never accepted and lost.
struct new_sender_races_close : rl::test_suite<new_sender_races_close, 3> {
  sharded_sender* tx = nullptr;
  receiver* rx = nullptr;
  status sent = status::empty;
  int got = 0;
  void before() { open_one_receiver(tx, rx); }
  void after() {
    RL_ASSERT(got == (sent == status::ok ? 1 : 0));
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      sharded_sender copy(*tx);
      sent = copy.send(7);
      RL_ASSERT(sent == status::ok || sent == status::disconnected);
    } else if (i == 1) {
      tx->close();
    } else {
      int v = 0;
      status s;
      while ((s = rx->recv(v)) == status::ok) {
        RL_ASSERT(v == 7);
        ++got;
      }
      RL_ASSERT(rx->len() == 0);  // walks the shard list, the new shard perhaps among them
      RL_ASSERT(s == status::disconnected);
    }
  }
};

// Pushes on an existing shard race close() (the handshake of spmc_queue: the push announces
// itself and checks for a request, close() requests and waits for an announced push). Each
// send accepted is received before `disconnected`; after a refused send every later one is
// refused too.
struct sends_race_close : rl::test_suite<sends_race_close, 3> {
  sharded_sender* tx = nullptr;
  receiver* rx = nullptr;
  int accepted = 0;
  int got = 0;
  void before() { open_one_receiver(tx, rx); }
  void after() {
    RL_ASSERT(got == accepted);
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      bool refused = false;
      for (int k = 0; k < 3; ++k) {
        const status s = tx->send(k);
        RL_ASSERT(s == status::ok ? !refused : s == status::disconnected);
        if (s == status::ok) ++accepted;
        refused = refused || s != status::ok;
      }
    } else if (i == 1) {
      rx->close();
    } else {
      int v = 0;
      status s;
      while ((s = rx->recv(v)) == status::ok) {
        RL_ASSERT(v == got);  // one sender: in order
        ++got;
      }
      RL_ASSERT(s == status::disconnected);
    }
  }
};

// Two threads make a sender each at once: each pushes a new shard onto the list the other may
// be walking (looking for a free shard), and sends one message. The receiver gets both.
struct two_new_senders : rl::test_suite<two_new_senders, 3> {
  sharded_sender* tx = nullptr;
  receiver* rx = nullptr;
  int got[2] = {0, 0};
  void before() { open_one_receiver(tx, rx); }
  void after() {
    RL_ASSERT(got[0] == 1 && got[1] == 1);
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i < 2) {
      sharded_sender mine(*tx);
      RL_ASSERT(mine.send(static_cast<int>(i)) == status::ok);
      return;
    }
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      RL_ASSERT(rx->recv(v) == status::ok);
      ++got[v];
    }
  }
};

// A dropped sender's shard is taken over by a new sender on another thread: the new owner's
// pushes follow the old owner's (the ownership hand-over is a release/acquire pair), so both
// messages arrive, once each.
struct shard_handover : rl::test_suite<shard_handover, 3> {
  sharded_sender* tx[2] = {nullptr, nullptr};
  receiver* rx = nullptr;
  int got[2] = {0, 0};
  void before() {
    open_one_receiver(tx[0], rx);
    tx[1] = new sharded_sender(*tx[0]);
  }
  void after() {
    RL_ASSERT(got[0] == 1 && got[1] == 1);
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      RL_ASSERT(tx[0]->send(0) == status::ok);
      delete tx[0];
    } else if (i == 1) {
      {
        sharded_sender copy(*tx[1]);  // takes tx[0]'s shard if it is free by now
        RL_ASSERT(copy.send(1) == status::ok);
      }
      delete tx[1];
    } else {
      int v = 0;
      while (rx->recv(v) == status::ok) ++got[v];
    }
  }
};

}  // namespace sharded_model
