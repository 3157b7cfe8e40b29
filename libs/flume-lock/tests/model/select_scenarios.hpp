// Relacy scenarios of select (flume_lock/select.hpp), included by model_tests.cpp inside its
// anonymous namespace (it uses open_channel and status from there).
//
// Both allocate the selector on the heap and delete it as soon as select returns, so a wake
// call still using the parker shows up as a data race on the parker's probe or as a use of
// freed memory. A lost wakeup shows up as a deadlock.

// Two unbounded channels of int and a heap selector over both; after_all(left) checks that
// channel c holds exactly left[c] (-1: nothing) and frees the handles.
template <class Scenario, int Threads>
struct two_channel_select : rl::test_suite<Scenario, Threads> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx[2] = {nullptr, nullptr};
  flume_lock::selected result{flume_lock::select_none, status::empty};
  int out[2] = {-1, -1};

  void before() {
    open_channel(tx[0], rx[0]);
    open_channel(tx[1], rx[1]);
  }
  // Builds a selector over both channels, runs `select` on it once, frees it at once.
  template <class Select>
  void select_and_free(Select&& select) {
    auto* sel = new flume_lock::basic_selector<2>();
    RL_ASSERT(sel->recv(*rx[0], out[0]) == 0);
    RL_ASSERT(sel->recv(*rx[1], out[1]) == 1);
    result = select(*sel);
    delete sel;
  }
  void after_all(const int (&left)[2]) {
    for (int c = 0; c < 2; ++c) {
      int v = -1;
      if (left[c] == -1) {
        RL_ASSERT(rx[c]->try_recv(v) == status::empty);
      } else {
        RL_ASSERT(rx[c]->try_recv(v) == status::ok && v == left[c]);
      }
      delete tx[c];
      delete rx[c];
    }
  }
};

// Two channels, one sender each racing the selecting thread: exactly one receive completes and
// the other message stays queued in its channel.
struct select_racing_senders : two_channel_select<select_racing_senders, 3> {
  void after() {
    RL_ASSERT(result.result == status::ok && result.index < 2);
    const std::size_t won = result.index;
    const std::size_t other = 1 - won;
    RL_ASSERT(out[won] == encode(static_cast<unsigned>(won), 0));
    RL_ASSERT(out[other] == -1);
    int left[2] = {-1, -1};
    left[other] = encode(static_cast<unsigned>(other), 0);
    after_all(left);
  }
  void thread(unsigned i) {
    if (i < 2) {
      RL_ASSERT(tx[i]->send(encode(i, 0)) == status::ok);
      return;  // senders stay alive: only the messages can wake the selector
    }
    select_and_free([](flume_lock::basic_selector<2>& sel) { return sel.select(); });
  }
};

// A deadline racing a send (in the model a deadline passes when the selector would park):
// either select returns the message, or it returns timeout and the message is still queued.
struct select_deadline_racing_send : two_channel_select<select_deadline_racing_send, 2> {
  void after() {
    if (result.result == status::ok) {
      RL_ASSERT(result.index == 1 && out[1] == 7);
      after_all({-1, -1});
    } else {
      RL_ASSERT(result.result == status::timeout && result.index == flume_lock::select_none);
      RL_ASSERT(out[1] == -1);
      after_all({-1, 7});  // not lost
    }
  }
  void thread(unsigned i) {
    if (i == 0) {
      RL_ASSERT(tx[1]->send(7) == status::ok);
      return;
    }
    select_and_free([](flume_lock::basic_selector<2>& sel) {
      return sel.select_until(std::chrono::steady_clock::time_point{} + std::chrono::seconds(1));
    });
  }
};

// ---- Send arms -------------------------------------------------------------------------------

// A heap selector over "receive from a" (unbounded, nobody sends on it unless the scenario says
// so) and "send `value` on b", run once by thread 0 and freed at once: a wake call of the send
// arm still using the parker is a data race or a use of freed memory, a lost wake a deadlock.
// b is a rendezvous channel (Rendezvous) or a capacity-1 ring holding 1. The scenario provides
// peer(i) for threads 1.. and check() for after().
template <class Scenario, int Threads, bool Rendezvous>
struct send_arm_select : rl::test_suite<Scenario, Threads> {
  flume_lock::sender<int>* tx_a = nullptr;
  flume_lock::receiver<int>* rx_a = nullptr;
  flume_lock::sender<int>* tx_b = nullptr;
  flume_lock::receiver<int>* rx_b = nullptr;
  flume_lock::selected result{flume_lock::select_none, status::empty};
  int out = -1;
  int value = 2;

  void before() {
    open_channel(tx_a, rx_a);
    if (Rendezvous) {
      open_rendezvous(tx_b, rx_b);
    } else {
      open_channel(tx_b, rx_b, 1);
      RL_ASSERT(tx_b->try_send(1) == status::ok);
    }
  }
  void thread(unsigned i) {
    if (i != 0) {
      static_cast<Scenario*>(this)->peer(i);
      return;
    }
    auto* sel = new flume_lock::basic_selector<2>();
    RL_ASSERT(sel->recv(*rx_a, out) == 0);
    RL_ASSERT(sel->send(*tx_b, value) == 1);
    result = sel->select();
    delete sel;
  }
  void after() {
    static_cast<Scenario*>(this)->check();
    delete tx_a;
    delete rx_a;
    delete tx_b;
    delete rx_b;
  }
};

// b is full; its receiver frees the slot while the selector registers and parks: the send arm
// must be woken and complete, and b then holds exactly the sent value.
struct select_send_racing_receiver : send_arm_select<select_send_racing_receiver, 2, false> {
  void peer(unsigned) {
    int v = -1;
    RL_ASSERT(rx_b->recv(v) == status::ok && v == 1);
  }
  void check() {
    RL_ASSERT(result.index == 1 && result.result == status::ok);
    int v = -1;
    RL_ASSERT(rx_b->try_recv(v) == status::ok && v == 2);
    RL_ASSERT(rx_b->try_recv(v) == status::empty);
    RL_ASSERT(out == -1);
  }
};

// b is a rendezvous channel: the send arm completes only into a waiting receiver, so the
// selector must be woken by the receiver's announcement (recv), and the value reaches it.
struct select_send_rendezvous : send_arm_select<select_send_rendezvous, 2, true> {
  int received = -1;
  void peer(unsigned) { RL_ASSERT(rx_b->recv(received) == status::ok); }
  void check() {
    RL_ASSERT(result.index == 1 && result.result == status::ok);
    RL_ASSERT(received == 2);
  }
};

// The send arm loses or wins against a receive: b is full, thread 1 sends on a while thread 2
// frees b's slot. Exactly one operation completes; if the receive won, the value stays with the
// caller untouched and b keeps its free slot; if the send won, the message on a stays queued.
struct select_send_or_recv : send_arm_select<select_send_or_recv, 3, false> {
  void peer(unsigned i) {
    int v = -1;
    if (i == 1) {
      RL_ASSERT(tx_a->send(5) == status::ok);
    } else {
      RL_ASSERT(rx_b->recv(v) == status::ok && v == 1);
    }
  }
  void check() {
    RL_ASSERT(result.result == status::ok);
    int v = -1;
    if (result.index == 0) {
      RL_ASSERT(out == 5 && value == 2);
      RL_ASSERT(rx_b->try_recv(v) == status::empty);
    } else {
      RL_ASSERT(result.index == 1 && out == -1);
      RL_ASSERT(rx_b->try_recv(v) == status::ok && v == 2);
      RL_ASSERT(rx_a->try_recv(v) == status::ok && v == 5);
    }
  }
};

// The rendezvous receiver is dropped (closing the channel) while the send arm registers and
// parks: the arm must be woken and report disconnected with the value untouched.
struct select_send_rendezvous_close : send_arm_select<select_send_rendezvous_close, 2, true> {
  void peer(unsigned) {
    delete rx_b;
    rx_b = nullptr;
  }
  void check() {
    RL_ASSERT(result.index == 1 && result.result == status::disconnected);
    RL_ASSERT(value == 2);
  }
};
