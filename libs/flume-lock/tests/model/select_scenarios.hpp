// Relacy scenarios of select (flume_lock/select.hpp), included by model_tests.cpp inside its
// anonymous namespace (it uses open_channel and status from there).
//
// Both allocate the selector on the heap and delete it as soon as select returns, so a wake
// call still using the parker shows up as a data race on the parker's probe or as a use of
// freed memory. A lost wakeup shows up as a deadlock.

// Two channels, one sender each racing the selecting thread: exactly one receive completes and
// the other message stays queued in its channel.
struct select_racing_senders : rl::test_suite<select_racing_senders, 3> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx[2] = {nullptr, nullptr};
  flume_lock::selected result{flume_lock::select_none, status::empty};
  int out[2] = {-1, -1};

  void before() {
    open_channel(tx[0], rx[0]);
    open_channel(tx[1], rx[1]);
  }
  void after() {
    RL_ASSERT(result.result == status::ok && result.index < 2);
    const std::size_t won = result.index;
    const std::size_t other = 1 - won;
    RL_ASSERT(out[won] == encode(static_cast<unsigned>(won), 0));
    RL_ASSERT(out[other] == -1);
    int v = -1;
    RL_ASSERT(rx[won]->try_recv(v) == status::empty);
    RL_ASSERT(rx[other]->try_recv(v) == status::ok && v == encode(static_cast<unsigned>(other), 0));
    for (int c = 0; c < 2; ++c) {
      delete tx[c];
      delete rx[c];
    }
  }
  void thread(unsigned i) {
    if (i < 2) {
      RL_ASSERT(tx[i]->send(encode(i, 0)) == status::ok);
      return;  // senders stay alive: only the messages can wake the selector
    }
    auto* sel = new flume_lock::basic_selector<2>();
    RL_ASSERT(sel->recv(*rx[0], out[0]) == 0);
    RL_ASSERT(sel->recv(*rx[1], out[1]) == 1);
    result = sel->select();
    delete sel;
  }
};

// A deadline racing a send (in the model a deadline passes when the selector would park):
// either select returns the message, or it returns timeout and the message is still queued.
struct select_deadline_racing_send : rl::test_suite<select_deadline_racing_send, 2> {
  flume_lock::sender<int>* tx[2] = {nullptr, nullptr};
  flume_lock::receiver<int>* rx[2] = {nullptr, nullptr};
  flume_lock::selected result{flume_lock::select_none, status::empty};
  int out[2] = {-1, -1};

  void before() {
    open_channel(tx[0], rx[0]);
    open_channel(tx[1], rx[1]);
  }
  void after() {
    int v = -1;
    RL_ASSERT(rx[0]->try_recv(v) == status::empty);
    if (result.result == status::ok) {
      RL_ASSERT(result.index == 1 && out[1] == 7);
      RL_ASSERT(rx[1]->try_recv(v) == status::empty);
    } else {
      RL_ASSERT(result.result == status::timeout && result.index == flume_lock::select_none);
      RL_ASSERT(out[1] == -1);
      RL_ASSERT(rx[1]->try_recv(v) == status::ok && v == 7);  // not lost
    }
    for (int c = 0; c < 2; ++c) {
      delete tx[c];
      delete rx[c];
    }
  }
  void thread(unsigned i) {
    if (i == 0) {
      RL_ASSERT(tx[1]->send(7) == status::ok);
      return;
    }
    auto* sel = new flume_lock::basic_selector<2>();
    sel->recv(*rx[0], out[0]);
    sel->recv(*rx[1], out[1]);
    result = sel->select_until(std::chrono::steady_clock::time_point{} + std::chrono::seconds(1));
    delete sel;
  }
};
