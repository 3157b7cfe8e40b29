// Relacy model tests of the real flume-lock code (compiled with FLUME_LOCK_MODEL=1: the atomics
// facade maps every operation to Relacy, segments hold 2 slots, parking uses Relacy's condition
// variable). Relacy reports data races on message payloads, use-after-free, double free, leaks,
// deadlocks (lost wakeups) and failed asserts, with the full interleaving.
//
// Usage: flume_lock_model_tests <scenario|all> [iterations] [context-bound]   (no scenario: all)
// Most scenarios run `iterations` random executions; the stalled_hint ones search every schedule
// with up to `context-bound` preemptions (default 3) instead.

// Every standard header the library uses comes before relacy.hpp (it redefines new/delete).
#include <bit>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

// After every standard header (above), before the code under test (below).
#include <relacy/relacy.hpp>

// Relacy's `delete` macro would also rewrite `= delete`; its global operator delete still
// tracks every free without it.
#pragma push_macro("delete")
#undef delete
#include <flume_lock/bounded_queue.hpp>
#include <flume_lock/channel.hpp>
#include <flume_lock/mpmc/channel.hpp>
#include <flume_lock/mpmc/sharded_channel.hpp>
#include <flume_lock/select.hpp>
#include <flume_lock/unbounded_queue.hpp>

#include "mpmc_scenarios.hpp"
#include "sharded_scenarios.hpp"
#pragma pop_macro("delete")

namespace {

using flume_lock::status;

// Messages encode (producer, sequence) so the consumer can check exactly-once and FIFO.
constexpr int encode(unsigned producer, int seq) {
  return static_cast<int>(producer) * 100 + seq;
}

// Opens a channel (capacity 0: unbounded) into heap handles the test threads share.
template <class T>
void open_channel(flume_lock::sender<T>*& tx, flume_lock::receiver<T>*& rx,
                  std::size_t capacity = 0) {
  auto [s, r] = flume_lock::make_channel<T>(capacity == 0 ? std::optional<std::size_t>()
                                                          : std::optional<std::size_t>(capacity));
  tx = new flume_lock::sender<T>(std::move(s));
  rx = new flume_lock::receiver<T>(std::move(r));
}

// Opens a rendezvous (capacity 0) channel into heap handles.
template <class T>
void open_rendezvous(flume_lock::sender<T>*& tx, flume_lock::receiver<T>*& rx) {
  auto [s, r] = flume_lock::bounded<T>(0);
  tx = new flume_lock::sender<T>(std::move(s));
  rx = new flume_lock::receiver<T>(std::move(r));
}

struct fifo_checker {
  int next[4] = {0, 0, 0, 0};
  int received = 0;
  void take(int v) {
    const int producer = v / 100;
    RL_ASSERT(producer >= 0 && producer < 4);
    RL_ASSERT(v % 100 == next[producer]);  // in order, nothing lost, nothing twice
    ++next[producer];
    ++received;
  }
};

// Two producers (threads 0 and 1) and the consumer (thread 2) on 2-slot segments. A scenario
// says what each producer sends; the consumer takes `Consumed` messages, checking order and
// exactly-once, and the queue's destructor frees the rest (Relacy reports leaks and double
// frees).
template <class Scenario, int Consumed>
struct queue_scenario : rl::test_suite<Scenario, 3> {
  flume_lock::unbounded_queue<int, 2>* q;
  fifo_checker check;
  void before() { q = new flume_lock::unbounded_queue<int, 2>(); }
  void after() {
    RL_ASSERT(check.received == Consumed);
    delete q;
  }
  void thread(unsigned i) {
    if (i < 2) {
      static_cast<Scenario*>(this)->produce(i);
      return;
    }
    while (check.received < Consumed) {
      if (q->try_consume([&](int&& v) { check.take(v); }) != status::ok) rl::yield(1, $);
    }
  }
  void push_many(unsigned producer, int count) {
    for (int s = 0; s < count; ++s) RL_ASSERT(q->push(encode(producer, s)) == status::ok);
  }
};

// A sender thread and a receiver thread over a channel of int (capacity 0: unbounded). after()
// deletes the handles a scenario left alive; a scenario that drops one itself sets it to null.
template <class Scenario, std::size_t Capacity>
struct channel_scenario : rl::test_suite<Scenario, 2> {
  flume_lock::sender<int>* tx = nullptr;
  flume_lock::receiver<int>* rx = nullptr;
  void before() { open_channel(tx, rx, Capacity); }
  void after() {
    delete tx;
    delete rx;
  }
};

// ---- 1. Two producers and the consumer across segment boundaries -------------------------
struct segment_boundary : queue_scenario<segment_boundary, 6> {
  void produce(unsigned i) { push_many(i, 3); }
};

// ---- 2. Reclamation: segments recycled or freed while producers still walk the list -------
// The consumer stops early: the queue's destructor must free the rest exactly once.
struct reclamation : queue_scenario<reclamation, 4> {
  void produce(unsigned i) { push_many(i, i == 0 ? 5 : 2); }
};

// Long enough that reclaimed segments are recycled and producers write into them again.
struct recycling : queue_scenario<recycling, 12> {
  void produce(unsigned i) { push_many(i, i == 0 ? 9 : 3); }
};

// A producer that claimed its slot may stall before it reads the segment hint while another
// producer moves the hint and the consumer races ahead: the stamp must count the stalled claim
// (the seq_cst argument of the reclamation rule), or the hint's old segment is reused under it.
// Random search rarely stalls a producer that long; stalled_hint below searches for it.
struct stalled_claim : queue_scenario<stalled_claim, 4> {
  void produce(unsigned i) { push_many(i, i == 0 ? 1 : 3); }
};

// The observed-tail rule under a systematic search. Its proof is a store-buffering pattern (a
// producer's claim then hint load, against the mover's hint CAS then counter load). A break shows
// only when a producer holds a stale hint while the queue crosses two segment boundaries and the
// consumer recycles the hint's old segment, which random search does not reach. Here the roles
// are folded into two threads, so Relacy's context-bound search covers every schedule with a few
// preemptions (see run_bounded; two already make each weakened ordering of the rule fail):
// - before(): slots 0 and 1 (segment S) are sent and consumed; the hint is at S.
// - thread 0 claims slots 2-3 with one bulk claim, grows segment T and moves the hint S -> T
//   (stamping S with the claim count it reads next), sends slot 5 (grows U, moves the hint
//   T -> U), then consumes 2 to 5: stepping into U recycles S once S's stamp is at most 4.
// - thread 1 sends one message, claim 4, through push, or through push_bulk when Bulk (the two
//   claim sites).
// If thread 1 claimed 4 and read the hint S but the stamp missed claim 4, thread 0 relinks S while
// thread 1 still reads it: Relacy reports a DATA RACE on S's fields (segment::relink).
template <bool Bulk>
struct stalled_hint : rl::test_suite<stalled_hint<Bulk>, 2> {
  flume_lock::unbounded_queue<int, 2>* q;
  fifo_checker check;
  void before() {
    q = new flume_lock::unbounded_queue<int, 2>();
    for (int s = 0; s < 2; ++s) RL_ASSERT(q->push(encode(2, s)) == status::ok);
    for (int s = 0; s < 2; ++s) {
      RL_ASSERT(q->try_consume([&](int&& v) { check.take(v); }) == status::ok);
    }
  }
  void after() {
    RL_ASSERT(check.received == 6);
    delete q;
  }
  void thread(unsigned i) {
    if (i == 1) {
      const int one[1] = {encode(1, 0)};
      if (Bulk) {
        RL_ASSERT(q->push_bulk(one, 1) == 1);
      } else {
        RL_ASSERT(q->push(one[0]) == status::ok);
      }
      return;
    }
    const int two[2] = {encode(0, 0), encode(0, 1)};
    RL_ASSERT(q->push_bulk(two, 2) == 2);
    RL_ASSERT(q->push(encode(0, 2)) == status::ok);
    while (check.received < 6) {
      if (q->try_consume([&](int&& v) { check.take(v); }) != status::ok) rl::yield(1, $);
    }
  }
};

// Bulk sends claim several slots at once, across segment boundaries.
struct bulk_boundary : queue_scenario<bulk_boundary, 5> {
  void produce(unsigned i) {
    if (i == 1) return push_many(1, 2);
    const int batch[3] = {encode(0, 0), encode(0, 1), encode(0, 2)};
    RL_ASSERT(q->push_bulk(batch, 3) == 3);
  }
};

// ---- 3. Close and disconnect racing with send and recv -----------------------------------
// Every message whose send returned ok is received exactly once, then recv says disconnected.
struct close_races : rl::test_suite<close_races, 3> {
  flume_lock::sender<int>* tx[2];
  flume_lock::receiver<int>* rx;
  rl::var<int> sent_ok[2];
  rl::var<int> received;
  void before() {
    auto [s, r] = flume_lock::channel<int>();
    tx[0] = new flume_lock::sender<int>(s);
    tx[1] = new flume_lock::sender<int>(std::move(s));
    rx = new flume_lock::receiver<int>(std::move(r));
    sent_ok[0]($) = 0;
    sent_ok[1]($) = 0;
    received($) = 0;
  }
  void after() {
    RL_ASSERT(received($) == sent_ok[0]($) + sent_ok[1]($));
    delete rx;
  }
  void thread(unsigned i) {
    if (i < 2) {
      int ok = 0;
      for (int s = 0; s < 2; ++s) {
        if (tx[i]->send(encode(i, s)) == status::ok) ++ok;
      }
      if (i == 1) tx[i]->close();  // explicit close racing with the other sender
      sent_ok[i]($) = ok;
      delete tx[i];  // the last sender's drop disconnects
      return;
    }
    fifo_checker check;
    int v = 0;
    status s;
    while ((s = rx->recv(v)) == status::ok) check.take(v);
    RL_ASSERT(s == status::disconnected);
    received($) = check.received;
  }
};

// The receiver goes away while senders send: every message is destroyed exactly once.
struct receiver_drop : rl::test_suite<receiver_drop, 2> {
  struct tracked {
    rl::atomic<int>* live;
    explicit tracked(rl::atomic<int>* l) : live(l) { live->fetch_add(1, rl::mo_relaxed, $); }
    tracked(tracked&& o) noexcept : live(o.live) { live->fetch_add(1, rl::mo_relaxed, $); }
    tracked& operator=(tracked&&) noexcept = default;
    ~tracked() { live->fetch_sub(1, rl::mo_relaxed, $); }
  };
  flume_lock::sender<tracked>* tx;
  flume_lock::receiver<tracked>* rx;
  rl::atomic<int> live;
  void before() {
    live.store(0, rl::mo_relaxed, $);
    open_channel(tx, rx);
  }
  void after() { RL_ASSERT(live.load(rl::mo_relaxed, $) == 0); }
  void thread(unsigned i) {
    if (i == 0) {
      for (int s = 0; s < 3; ++s) {
        if (tx->send(tracked(&live)) == status::disconnected) break;
      }
      delete tx;
    } else {
      tracked one(&live);
      (void)rx->try_recv(one);
      delete rx;
    }
  }
};

// ---- 4. Bounded full/empty transitions ---------------------------------------------------
struct bounded_transitions : rl::test_suite<bounded_transitions, 3> {
  flume_lock::bounded_queue<int>* q;
  fifo_checker check;
  void before() { q = new flume_lock::bounded_queue<int>(1); }
  void after() {
    RL_ASSERT(check.received == 4);
    delete q;
  }
  void thread(unsigned i) {
    if (i < 2) {
      for (int s = 0; s < 2; ++s) {
        while (q->try_push(encode(i, s)) == status::full) rl::yield(1, $);
      }
      return;
    }
    while (check.received < 4) {
      if (q->try_consume([&](int&& v) { check.take(v); }) != status::ok) rl::yield(1, $);
    }
  }
};

// ---- 5. Park and wake: a lost wakeup shows up as a deadlock ------------------------------
struct park_wake_unbounded : channel_scenario<park_wake_unbounded, 0> {
  void thread(unsigned i) {
    if (i == 0) {
      RL_ASSERT(tx->send(1) == status::ok);
      RL_ASSERT(tx->send(2) == status::ok);
      return;  // the sender stays alive: only the messages can wake the receiver
    }
    int v = 0;
    RL_ASSERT(rx->recv(v) == status::ok && v == 1);
    RL_ASSERT(rx->recv(v) == status::ok && v == 2);
  }
};

// Two senders and the receiver. Unbounded, one message each: the receiver may park on the first
// sender's slot while the second one's is already published. Capacity 1, two each: both senders
// park on the full ring, and every one of them must be woken as slots free up (the model's wait
// has no poll timeout: a stranded sender is a deadlock here).
template <std::size_t Capacity, int PerSender>
struct park_wake_two_senders : rl::test_suite<park_wake_two_senders<Capacity, PerSender>, 3> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx = nullptr;
  fifo_checker check;
  void before() {
    open_channel(tx[0], rx, Capacity);
    tx[1] = new flume_lock::sender<int>(*tx[0]);
  }
  void after() {
    RL_ASSERT(check.received == 2 * PerSender);
    delete tx[0];
    delete tx[1];
    delete rx;
  }
  void thread(unsigned i) {
    if (i < 2) {
      for (int s = 0; s < PerSender; ++s) RL_ASSERT(tx[i]->send(encode(i, s)) == status::ok);
      return;  // senders stay alive: only the messages can wake the receiver
    }
    int v = 0;
    for (int k = 0; k < 2 * PerSender; ++k) {
      RL_ASSERT(rx->recv(v) == status::ok);
      check.take(v);
    }
  }
};

struct park_wake_bounded : channel_scenario<park_wake_bounded, 1> {
  void thread(unsigned i) {
    if (i == 0) {
      for (int s = 0; s < 3; ++s) RL_ASSERT(tx->send(s) == status::ok);  // parks when full
      return;
    }
    int v = 0;
    for (int s = 0; s < 3; ++s) RL_ASSERT(rx->recv(v) == status::ok && v == s);
  }
};

// Send permits: the receiver reaches a reserved slot and parks there (skip_holes); filling the
// permit, or dropping it (a hole), must wake it. The filled message comes first, then the
// message sent behind the dropped permit's hole.
struct park_wake_permit : channel_scenario<park_wake_permit, 2> {
  void thread(unsigned i) {
    if (i == 0) {
      flume_lock::send_permit<int> first;
      RL_ASSERT(tx->try_reserve(first) == status::ok);
      first.send(0);
      flume_lock::send_permit<int> dropped;
      RL_ASSERT(tx->try_reserve(dropped) == status::ok);
      dropped.reset();
      RL_ASSERT(tx->send(1) == status::ok);
      return;
    }
    int v = -1;
    RL_ASSERT(rx->recv(v) == status::ok && v == 0);
    RL_ASSERT(rx->recv(v) == status::ok && v == 1);
  }
};

// Batched wakes (bounded_queue::try_consume wakes parked senders once every capacity / 2 pops):
// with capacity 4 the sender parks on a full ring again and again, and the receiver must never
// find the ring empty while the sender still sleeps (the model's wait has no poll timeout, so
// a missed wake is a deadlock here).
struct park_wake_bounded_batched : channel_scenario<park_wake_bounded_batched, 4> {
  void thread(unsigned i) {
    if (i == 0) {
      for (int s = 0; s < 9; ++s) RL_ASSERT(tx->send(s) == status::ok);
      return;
    }
    int v = 0;
    for (int s = 0; s < 9; ++s) RL_ASSERT(rx->recv(v) == status::ok && v == s);
  }
};

// The receiver closing (without draining) wakes a sender parked on a full bounded channel.
struct park_close_bounded : channel_scenario<park_close_bounded, 1> {
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

// The last sender going away wakes the parked receiver (both flavours).
template <std::size_t Capacity>
struct park_close_receiver : channel_scenario<park_close_receiver<Capacity>, Capacity> {
  void thread(unsigned i) {
    if (i == 0) {
      delete this->tx;
      this->tx = nullptr;
      return;
    }
    int v = 0;
    RL_ASSERT(this->rx->recv(v) == status::disconnected);
  }
};

// ---- 6. The async waiter: a lost wake leaves the consumer waiting forever (deadlock) ------
struct async_waiter : rl::test_suite<async_waiter, 2> {
  flume_lock::sender<int>* tx;
  flume_lock::receiver<int>* rx;
  rl::mutex* m;
  rl::condition_variable* cv;
  rl::var<int> wakes;

  static void on_wake(void* ctx) {
    auto* self = static_cast<async_waiter*>(ctx);
    self->m->lock($);
    self->wakes($) = self->wakes($) + 1;
    self->cv->notify_one($);
    self->m->unlock($);
  }

  void before() {
    open_channel(tx, rx);
    m = new rl::mutex();
    cv = new rl::condition_variable();
    wakes($) = 0;
  }
  void after() {
    delete rx;
    delete cv;
    delete m;
  }
  void thread(unsigned i) {
    if (i == 0) {
      RL_ASSERT(tx->send(7) == status::ok);
      RL_ASSERT(tx->send(8) == status::ok);
      delete tx;
      return;
    }
    flume_lock::waiter w(&on_wake, this);
    int got = 0;
    int seen_wakes = 0;
    for (;;) {
      int v = 0;
      const status s = rx->poll_recv(v, w);
      if (s == status::ok) {
        RL_ASSERT(v == 7 + got);
        ++got;
        continue;
      }
      if (s == status::disconnected) break;
      // Registered: wait for the wake like an executor would.
      m->lock($);
      while (wakes($) == seen_wakes) cv->wait(*m, $);
      seen_wakes = wakes($);
      m->unlock($);
    }
    rx->cancel_wait(w);
    RL_ASSERT(got == 2);
  }
};

// ---- 7. Rendezvous (capacity 0) -------------------------------------------------------------
// One sender, one receiver, three values with blocking send and recv: each hand-over goes through
// the receiver's slot or the sender's offer, and each side parks on the other (a lost wakeup is a
// deadlock; a value read before it is published is a data race on its probe).
struct rendezvous_handoff : rl::test_suite<rendezvous_handoff, 2> {
  flume_lock::sender<int>* tx = nullptr;
  flume_lock::receiver<int>* rx = nullptr;
  void before() { open_rendezvous(tx, rx); }
  void after() {
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      for (int s = 0; s < 3; ++s) RL_ASSERT(tx->send(s) == status::ok);
      delete tx;  // wakes the receiver parked for a fourth value
      tx = nullptr;
      return;
    }
    int v = -1;
    for (int s = 0; s < 3; ++s) {
      RL_ASSERT(rx->recv(v) == status::ok);
      RL_ASSERT(v == s);
    }
    RL_ASSERT(rx->recv(v) == status::disconnected);
  }
};

// Two blocking senders, one value each, and a receiver taking both; the handles stay alive, so
// only the hand-overs can wake anyone: the second sender parks while the first one's offer is
// up and must be woken when it is taken.
struct rendezvous_two_senders : rl::test_suite<rendezvous_two_senders, 3> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx = nullptr;
  void before() {
    open_rendezvous(tx[0], rx);
    tx[1] = new flume_lock::sender<int>(*tx[0]);
  }
  void after() {
    delete tx[0];
    delete tx[1];
    delete rx;
  }
  void thread(unsigned i) {
    if (i < 2) {
      RL_ASSERT(tx[i]->send(10 + static_cast<int>(i)) == status::ok);
      return;
    }
    int a = 0;
    int b = 0;
    RL_ASSERT(rx->recv(a) == status::ok);
    RL_ASSERT(rx->recv(b) == status::ok);
    RL_ASSERT(a + b == 21 && a != b);
  }
};

// Two senders (sender 1 tries try_send first) and a receiver that takes one value with recv(),
// then waits asynchronously and aborts (cancel_wait), takes what is ready, and is dropped while a
// sender may still be blocked. Each value is received exactly once when its sender got `ok`, and
// never when it got `disconnected` (the value came back).
struct rendezvous_abort : rl::test_suite<rendezvous_abort, 3> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx = nullptr;
  status result[2] = {status::empty, status::empty};
  int received[2] = {0, 0};

  static void no_wake(void*) {}
  void take(int v) {
    RL_ASSERT(v == 10 || v == 11);
    ++received[v - 10];
  }
  void before() {
    open_rendezvous(tx[0], rx);
    tx[1] = new flume_lock::sender<int>(*tx[0]);
  }
  void after() {
    for (int i = 0; i < 2; ++i) {
      RL_ASSERT(result[i] == status::ok || result[i] == status::disconnected);
      RL_ASSERT(received[i] == (result[i] == status::ok ? 1 : 0));
      delete tx[i];
    }
  }
  void thread(unsigned i) {
    if (i < 2) {
      const int v = 10 + static_cast<int>(i);
      status st = i == 1 ? tx[i]->try_send(v) : status::full;
      if (st == status::full) st = tx[i]->send(v);
      result[i] = st;
      return;
    }
    int v = 0;
    RL_ASSERT(rx->recv(v) == status::ok);
    take(v);
    flume_lock::waiter w(&no_wake, nullptr);
    if (rx->poll_recv(v, w) == status::ok) {
      take(v);
    } else {
      rx->cancel_wait(w);  // the receiver gives up
    }
    if (rx->try_recv(v) == status::ok) take(v);
    delete rx;  // a sender still blocked gets its value back
    rx = nullptr;
  }
};

// A sender whose deadline passes (in the model: when it would park) withdraws its posted offer
// while a second sender waits behind that offer: the withdrawal must wake it (no close comes to
// rescue a lost wake). The receiver takes one value, and the timed sender's too when it got
// `ok`; a value whose send timed out is never received.
struct rendezvous_withdraw_wakes_sender : rl::test_suite<rendezvous_withdraw_wakes_sender, 3> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx = nullptr;
  status timed = status::empty;
  int received[2] = {0, 0};
  void before() {
    open_rendezvous(tx[0], rx);
    tx[1] = new flume_lock::sender<int>(*tx[0]);
  }
  void after() {
    RL_ASSERT(timed == status::ok || timed == status::timeout);
    RL_ASSERT(received[0] == (timed == status::ok ? 1 : 0));
    RL_ASSERT(received[1] == 1);
    delete tx[0];
    delete tx[1];
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      timed = tx[0]->send_until(10, std::chrono::steady_clock::now());
      return;
    }
    if (i == 1) {
      RL_ASSERT(tx[1]->send(11) == status::ok);
      return;
    }
    int v = 0;
    RL_ASSERT(rx->recv(v) == status::ok);
    ++received[v - 10];
    if (v == 10) {  // the timed send succeeded: the other one is still to come
      RL_ASSERT(rx->recv(v) == status::ok && v == 11);
      ++received[1];
    }
  }
};

// A close races the receiver taking a posted offer: the sender either sees its offer taken
// (`ok`, and the receiver got the value) or withdraws it (`disconnected`, never received), even
// when the receiver takes it just as the sender sees the close.
struct rendezvous_close_races_take : rl::test_suite<rendezvous_close_races_take, 3> {
  flume_lock::sender<int>* tx = nullptr;
  flume_lock::sender<int>* closer = nullptr;
  flume_lock::receiver<int>* rx = nullptr;
  status sent = status::empty;
  int received = 0;
  void before() {
    open_rendezvous(tx, rx);
    closer = new flume_lock::sender<int>(*tx);
  }
  void after() {
    RL_ASSERT(sent == status::ok || sent == status::disconnected);
    RL_ASSERT(received == (sent == status::ok ? 1 : 0));
    delete tx;
    delete closer;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      sent = tx->send(10);
    } else if (i == 1) {
      int v = 0;
      if (rx->try_recv(v) == status::ok) {
        RL_ASSERT(v == 10);
        ++received;
      }
    } else {
      closer->close();
    }
  }
};

#include "select_scenarios.hpp"

// ---- 8. Async senders on a full bounded channel (poll_send, the senders' waiter list) -------

// An async task's waiter, sleeping like an executor until the waiter is woken. Relacy reports a
// deadlock if a wake is lost (the task sleeps with nobody left to wake it).
struct async_task {
  rl::mutex m;
  rl::condition_variable cv;
  rl::var<int> wakes;
  flume_lock::waiter w{&on_wake, this};
  int seen = 0;

  async_task() { wakes($) = 0; }
  static void on_wake(void* ctx) {
    auto* self = static_cast<async_task*>(ctx);
    self->m.lock($);
    self->wakes($) = self->wakes($) + 1;
    self->cv.notify_one($);
    self->m.unlock($);
  }
  void sleep_until_woken() {
    m.lock($);
    while (wakes($) == seen) cv.wait(m, $);
    seen = wakes($);
    m.unlock($);
  }
};

// An async sender: poll_send until done.
struct async_sender : async_task {
  // Returns the final status; `value` is moved from only on ok.
  status send(const flume_lock::sender<int>& tx, int value) {
    for (;;) {
      const status s = tx.poll_send(value, w);
      if (s != status::full) {
        tx.cancel_send(w);
        return s;
      }
      sleep_until_woken();
    }
  }
};

// ---- 9. Async MPMC receivers (poll_recv through the receivers' waiter list) ------------------

// One sender sends 0, 1, 2 and drops its sender (closing the channel); two receivers take
// them with poll_recv only, sleeping between polls like an executor. Each message reaches
// exactly one of them (in order per receiver), and both end with disconnected: a wake lost on a
// send or on the close leaves a receiver asleep (deadlock). Unbounded (Capacity 0) or a
// capacity-1 ring on which the sender parks; or (Sharded) the sharded flavour, whose re-check
// after queueing the waiter passes the heavy fence.
template <std::size_t Capacity, bool Sharded = false>
struct mpmc_async_receivers_close
    : rl::test_suite<mpmc_async_receivers_close<Capacity, Sharded>, 3> {
  std::conditional_t<Sharded, flume_lock::mpmc::sharded_sender<int>, flume_lock::mpmc::sender<int>>*
      tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  mpmc_model::deliveries d;
  void before() {
    if constexpr (Sharded) {
      mpmc_model::open_two_receivers(tx, rx);
    } else {
      mpmc_model::open_two_receivers(Capacity, tx, rx);
    }
  }
  void after() {
    d.expect_exactly_once(3, 1);
    delete rx[0];
    delete rx[1];
  }
  void thread(unsigned i) {
    if (i == 0) {
      for (int v = 0; v < 3; ++v) RL_ASSERT(tx->send(v) == status::ok);
      delete tx;
      return;
    }
    async_task task;
    int v = -1;
    for (;;) {
      const status s = rx[i - 1]->poll_recv(v, task.w);
      if (s == status::empty) {
        task.sleep_until_woken();
        continue;
      }
      rx[i - 1]->cancel_wait(task.w);
      if (s == status::disconnected) return;
      RL_ASSERT(s == status::ok);
      d.take(i - 1, v);
    }
  }
};

// An async receiver of the sharded flavour polls an empty channel while the one sender sends a
// message and keeps its handle (no close to wake anybody): the send's notify must find the
// queued waiter, or the re-check after queueing must see the message (a lost wake is a
// DEADLOCK). The re-check passes the heavy fence, the push the light one.
struct mpmc_sharded_async_receiver_wake : rl::test_suite<mpmc_sharded_async_receiver_wake, 2> {
  flume_lock::mpmc::sharded_sender<int>* tx = nullptr;
  flume_lock::mpmc::receiver<int>* rx[2] = {nullptr, nullptr};
  void before() { mpmc_model::open_two_receivers(tx, rx); }
  void after() {
    delete tx;
    delete rx[0];
    delete rx[1];
  }
  void thread(unsigned i) {
    if (i == 0) {
      RL_ASSERT(tx->send(7) == status::ok);
      return;
    }
    async_task task;
    int v = -1;
    status s;
    while ((s = rx[0]->poll_recv(v, task.w)) == status::empty) task.sleep_until_woken();
    rx[0]->cancel_wait(task.w);
    RL_ASSERT(s == status::ok && v == 7);
  }
};

// Capacity 1, full from the start. Thread 0 sends 2 asynchronously (parks on the full ring);
// thread 1 receives the first message, freeing the slot; thread 2 closes the channel. The
// sender must be woken (by the freed slot or the close) and end with ok (then the receiver's
// side gets 2 exactly once) or disconnected (then 2 was never queued).
struct async_send_close : rl::test_suite<async_send_close, 3> {
  flume_lock::sender<int>* tx = nullptr;
  flume_lock::receiver<int>* rx = nullptr;
  async_sender* sender = nullptr;
  status outcome = status::empty;
  void before() {
    open_channel(tx, rx, 1);
    RL_ASSERT(tx->try_send(1) == status::ok);
    sender = new async_sender();
  }
  void after() {
    int v = 0;
    int twos = 0;
    while (rx->try_recv(v) == status::ok) {
      RL_ASSERT(v == 2);
      ++twos;
    }
    RL_ASSERT(outcome == status::ok || outcome == status::disconnected);
    RL_ASSERT(twos == (outcome == status::ok ? 1 : 0));
    delete sender;
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      outcome = sender->send(*tx, 2);
    } else if (i == 1) {
      int v = 0;
      RL_ASSERT(rx->try_recv(v) == status::ok && v == 1);
    } else {
      tx->close();
    }
  }
};

// Capacity 1, full from the start. Sender A (thread 0) polls once and, if it had to queue,
// gives up at once (an aborted task); sender B (thread 1) sends asynchronously; the receiver
// (thread 2) receives until it has B's message. If A was woken for the freed slot before its
// cancel, the cancel must pass the wake on to B, or B sleeps forever (a deadlock here).
struct async_send_abort : rl::test_suite<async_send_abort, 3> {
  flume_lock::sender<int>* tx = nullptr;
  flume_lock::receiver<int>* rx = nullptr;
  async_sender* a = nullptr;
  async_sender* b = nullptr;
  bool a_sent = false;
  int a_received = 0;
  void before() {
    open_channel(tx, rx, 1);
    RL_ASSERT(tx->try_send(1) == status::ok);
    a = new async_sender();
    b = new async_sender();
  }
  void after() {
    int v = 0;
    while (rx->try_recv(v) == status::ok) {
      RL_ASSERT(v == 10);
      ++a_received;
    }
    RL_ASSERT(a_received == (a_sent ? 1 : 0));
    delete a;
    delete b;
    delete tx;
    delete rx;
  }
  void thread(unsigned i) {
    if (i == 0) {
      const status s = tx->poll_send(10, a->w);
      RL_ASSERT(s == status::ok || s == status::full);
      a_sent = s == status::ok;
      tx->cancel_send(a->w);
    } else if (i == 1) {
      RL_ASSERT(b->send(*tx, 20) == status::ok);
    } else {
      int v = 0;
      bool first = false;
      for (;;) {
        RL_ASSERT(rx->recv(v) == status::ok);
        if (v == 1) {
          RL_ASSERT(!first);
          first = true;
        } else if (v == 10) {
          ++a_received;
        } else {
          RL_ASSERT(v == 20);
          break;
        }
      }
    }
  }
};

// What a run may spend: random scenarios run `iterations` executions; context-bound ones explore
// every schedule with at most `context_bound` preemptions.
struct budget {
  rl::iteration_t iterations;
  unsigned context_bound;
};

template <class Test>
bool run(const char* name, budget b) {
  rl::test_params params;
  params.iteration_count = b.iterations;
  params.search_type = rl::random_scheduler_type;
  const bool ok = rl::simulate<Test>(params);
  if (!ok) std::printf("model %s: %s\n", name, rl::test_result_str(params.test_result));
  std::printf("model %-22s %s: explored %llu executions (random scheduler)\n", name,
              ok ? "passed" : "FAILED", static_cast<unsigned long long>(params.stop_iteration));
  std::fflush(stdout);
  return ok;
}

// Relacy's context-bound search: every schedule with at most `context_bound` preemptions (a switch
// away from a thread that yields, blocks or finishes is free). In this search a load may read the
// newest value or the one before it, and every such choice is explored too.
template <class Test>
bool run_bounded(const char* name, budget b) {
  rl::test_params params;
  params.search_type = rl::sched_bound;
  params.context_bound = b.context_bound;
  const bool ok = rl::simulate<Test>(params);
  if (!ok) std::printf("model %s: %s\n", name, rl::test_result_str(params.test_result));
  std::printf("model %-22s %s: explored %llu executions (context bound %u)\n", name,
              ok ? "passed" : "FAILED", static_cast<unsigned long long>(params.stop_iteration),
              b.context_bound);
  std::fflush(stdout);
  return ok;
}

// The long MPMC scenarios (four threads, or a sender parking again and again) cost several times
// a short one per execution, so they run a tenth of the budget (30,000 executions by default).
template <class Test>
bool run_tenth(const char* name, budget b) {
  return run<Test>(name, budget{b.iterations / 10 > 0 ? b.iterations / 10 : 1, b.context_bound});
}

struct scenario {
  const char* name;
  bool (*fn)(const char*, budget);
};

const scenario scenarios[] = {
    // The MPMC flavour's first: a mutation of its code (make mutate) fails fast here.
    {"mpmc_two_receivers_close", &run_tenth<mpmc_model::two_receivers_close<0, 2, 2>>},
    {"mpmc_bounded_two_receivers", &run_tenth<mpmc_model::two_receivers_close<1, 1, 3>>},
    {"mpmc_bounded_two_senders", &run_tenth<mpmc_model::two_receivers_close<2, 2, 2>>},
    {"mpmc_receivers_drop", &run<mpmc_model::receivers_drop<0>>},
    {"mpmc_bounded_receivers_drop", &run<mpmc_model::receivers_drop<1>>},
    {"mpmc_park_full_receivers_gone", &run<mpmc_model::park_full_receivers_gone>},
    {"mpmc_park_full_close", &run<mpmc_model::park_full_close>},
    {"mpmc_parked_receivers", &run<mpmc_model::parked_receivers_no_close<0>>},
    {"mpmc_bounded_parked_receivers", &run<mpmc_model::parked_receivers_no_close<1>>},
    {"mpmc_senders_cross_block", &run<mpmc_model::senders_cross_block>},
    {"mpmc_receivers_cross_block",
     &run<mpmc_model::receivers_cross_block<flume_lock::mpmc::sender<int>>>},
    {"mpmc_sharded_two_senders", &run_tenth<sharded_model::two_receivers_close<2, 2>>},
    {"mpmc_sharded_block_reuse", &run_tenth<sharded_model::two_receivers_close<1, 7>>},
    {"mpmc_sharded_new_sender_close", &run<sharded_model::new_sender_races_close>},
    {"mpmc_sharded_sends_race_close", &run<sharded_model::sends_race_close>},
    {"mpmc_sharded_parked_receivers", &run<sharded_model::parked_receivers>},
    {"mpmc_sharded_two_new_senders", &run<sharded_model::two_new_senders>},
    {"mpmc_sharded_shard_handover", &run<sharded_model::shard_handover>},
    {"rendezvous_handoff", &run<rendezvous_handoff>},
    {"rendezvous_two_senders", &run<rendezvous_two_senders>},
    {"rendezvous_abort", &run<rendezvous_abort>},
    {"rendezvous_withdraw_wakes_sender", &run<rendezvous_withdraw_wakes_sender>},
    {"rendezvous_close_races_take", &run<rendezvous_close_races_take>},
    {"segment_boundary", &run<segment_boundary>},
    {"reclamation", &run<reclamation>},
    {"recycling", &run<recycling>},
    {"stalled_claim", &run<stalled_claim>},
    {"stalled_hint", &run_bounded<stalled_hint<false>>},
    {"stalled_hint_bulk", &run_bounded<stalled_hint<true>>},
    {"bulk_boundary", &run<bulk_boundary>},
    {"close_races", &run<close_races>},
    {"receiver_drop", &run<receiver_drop>},
    {"bounded_transitions", &run<bounded_transitions>},
    {"park_wake_unbounded", &run<park_wake_unbounded>},
    {"park_wake_hole", &run<park_wake_two_senders<0, 1>>},
    {"park_wake_two_senders", &run<park_wake_two_senders<1, 2>>},
    {"park_wake_bounded", &run<park_wake_bounded>},
    {"park_wake_bounded_batched", &run<park_wake_bounded_batched>},
    {"park_wake_permit", &run<park_wake_permit>},
    {"park_close_bounded", &run<park_close_bounded>},
    {"park_close_unbounded", &run<park_close_receiver<0>>},
    {"park_close_bounded_rx", &run<park_close_receiver<1>>},
    {"async_waiter", &run<async_waiter>},
    {"select_racing_senders", &run<select_racing_senders>},
    {"select_deadline_racing_send", &run<select_deadline_racing_send>},
    {"select_send_racing_receiver", &run<select_send_racing_receiver>},
    {"select_send_rendezvous", &run<select_send_rendezvous>},
    {"select_send_or_recv", &run<select_send_or_recv>},
    {"select_send_rendezvous_close", &run<select_send_rendezvous_close>},
    {"async_send_close", &run<async_send_close>},
    {"async_send_abort", &run<async_send_abort>},
    {"mpmc_async_receivers_close", &run<mpmc_async_receivers_close<0>>},
    {"mpmc_bounded_async_receivers_close", &run<mpmc_async_receivers_close<1>>},
    {"mpmc_sharded_async_receivers_close", &run<mpmc_async_receivers_close<0, true>>},
    {"mpmc_sharded_async_receiver_wake", &run<mpmc_sharded_async_receiver_wake>},
    {"mpmc_sharded_receivers_cross_block",
     &run<mpmc_model::receivers_cross_block<flume_lock::mpmc::sharded_sender<int>>>},
};

}  // namespace

// "all", or a comma-separated list of scenario names and prefixes ending in '*'
// ("mpmc_*,select_*": every MPMC and every select scenario).
bool selected(const char* pattern, const char* name) {
  if (std::strcmp(pattern, "all") == 0) return true;
  for (const char* item = pattern; *item != '\0';) {
    const char* end = std::strchr(item, ',');
    const std::size_t n = end != nullptr ? static_cast<std::size_t>(end - item) : std::strlen(item);
    const bool match = n > 0 && item[n - 1] == '*'
                           ? std::strncmp(item, name, n - 1) == 0
                           : std::strlen(name) == n && std::strncmp(item, name, n) == 0;
    if (match) return true;
    item += end != nullptr ? n + 1 : n;
  }
  return false;
}

int main(int argc, char** argv) {
  const char* only = argc > 1 ? argv[1] : nullptr;
  budget b{argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 50000,
           argc > 3 ? static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)) : 3};
  bool all_ok = true;
  bool found = false;
  for (const scenario& s : scenarios) {
    if (only != nullptr && !selected(only, s.name)) continue;
    found = true;
    if (!s.fn(s.name, b)) {
      all_ok = false;
      break;  // stop at the first failure (the mutation runner relies on it)
    }
  }
  if (!found) {
    std::fprintf(stderr, "unknown scenario '%s'\n", only);
    return 2;
  }
  return all_ok ? 0 : 1;
}
