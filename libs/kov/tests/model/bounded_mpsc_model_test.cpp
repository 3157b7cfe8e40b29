// Relacy model test of kov::bounded_mpsc's send across threads, running the real code: the
// sending task's room_wait (kov/detail/room_wait.hpp: poll, its wake, the withdrawing
// destructor), flume-lock's bounded queue and senders' waiter list, and the wake's path through
// the real remote_wake, inject channel and eventfd (model_runtime.hpp). The runtime thread runs
// the sending tasks; another thread receives or closes.
//
// Checked in every explored interleaving: a sender waiting on a full channel is always woken
// when a slot frees or the channel closes (the runtime never parks with no wake to come), the
// value is delivered exactly once or (closed) never, and a sending task abandoned after its wake
// passes the wake to the next waiting task.
//
// Usage: kov_bounded_mpsc_model_test [iterations]

#include "model_runtime.hpp"

// After model_runtime.hpp (and so after Relacy).
#include <kov/detail/room_wait.hpp>

namespace {

using sender = flume_lock::sender<int>;
using receiver = flume_lock::receiver<int>;
using room_wait = kov::detail::room_wait<int>;
using flume_lock::status;

// A channel of capacity 1, full from the start (message 1), with one or two sending tasks on
// the runtime thread (thread 0) and a receiving or closing thread (thread 1).
template <class Suite>
struct bounded_suite : rl::test_suite<Suite, 2> {
  kov_model::model_runtime rt;
  sender* tx = nullptr;
  receiver* rx = nullptr;
  kov::detail::remote_slot* task_slot[2] = {nullptr, nullptr};
  rl::atomic<bool> other_done;

  void before() {
    rt.open();
    auto [s, r] = flume_lock::bounded<int>(1);
    tx = new sender(std::move(s));
    rx = new receiver(std::move(r));
    RL_ASSERT(tx->try_send(1) == status::ok);
    task_slot[0] = rt.add_task();
    task_slot[1] = rt.add_task();
    other_done($).store(false, rl::mo_relaxed);
  }
  void after() {
    delete tx;
    delete rx;
    rt.close();
  }

  // The wait's own reference to a task's slot, as task_ref::wake_slot() gives it.
  kov::detail::slot_ref wake_slot(unsigned task) {
    kov::detail::retain(*task_slot[task]);
    return kov::detail::slot_ref(task_slot[task]);
  }
  void finish_tasks() {
    for (auto* s : task_slot) kov_model::model_runtime::finish_task(s);
  }
  void finish_other() { other_done($).store(true, rl::mo_seq_cst); }

  // Parks the runtime until `task` is woken (other tasks' wakes are noted in `woken`).
  void park_until_woken(unsigned task, bool (&woken)[2]) {
    const auto on_wake = [&](kov::detail::remote_slot& slot) {
      woken[&slot == task_slot[0] ? 0 : 1] = true;
    };
    const auto other_finished = [&] { return other_done($).load(rl::mo_seq_cst); };
    rt.drain(on_wake);
    while (!woken[task]) {
      rt.park(other_finished);
      rt.drain(on_wake);
    }
    woken[task] = false;
  }

  // A sending task's send() after its fast path failed: poll, sleep until woken, poll again.
  status send(unsigned task, int value) {
    room_wait wait(*tx, wake_slot(task));
    bool woken[2] = {false, false};
    for (;;) {
      const status s = wait.poll(value);
      if (s != status::full) return s;
      park_until_woken(task, woken);
    }
  }

  // Counts the 2s left in the channel (after() of the scenarios).
  int twos_queued() {
    int v = 0;
    int twos = 0;
    while (rx->try_recv(v) == status::ok) twos += v == 2 ? 1 : 0;
    return twos;
  }
};

// The task waits on the full channel; the other thread takes message 1, freeing the slot (the
// task's value is then queued exactly once), or closes the channel (the task wakes to
// disconnected and its value was never queued).
template <bool Close>
struct send_woken : bounded_suite<send_woken<Close>> {
  static constexpr const char* name = Close ? "send_woken_by_close" : "send_woken_by_thread";
  void thread(unsigned index) {
    if (index == 0) {
      RL_ASSERT(this->send(0, 2) == (Close ? status::disconnected : status::ok));
      this->finish_tasks();
      return;
    }
    if (Close) {
      this->rx->close();
    } else {
      int v = 0;
      RL_ASSERT(this->rx->try_recv(v) == status::ok && v == 1);
    }
    this->finish_other();
  }
  void after() {
    RL_ASSERT(this->twos_queued() == (Close ? 0 : 1));
    bounded_suite<send_woken<Close>>::after();
  }
};

// Two tasks wait; the other thread frees the slot while task 0 is abandoned (aborted): the slot's
// wake must reach task 1, whether it went to task 0 first or not.
struct abandoned_sender_passes_wake : bounded_suite<abandoned_sender_passes_wake> {
  static constexpr const char* name = "abandoned_sender_passes_wake";
  bool first_sent = false;
  void thread(unsigned index) {
    if (index == 0) {
      auto* first = new room_wait(*tx, wake_slot(0));
      int three = 3;
      first_sent = first->poll(three) == status::ok;  // the slot may already be free
      if (first_sent) {
        delete first;
      } else {
        room_wait second(*tx, wake_slot(1));
        int two = 2;
        status s = second.poll(two);
        delete first;  // task 0 aborted: its wake, if it had one, goes to task 1
        bool woken[2] = {false, false};
        while (s == status::full) {
          park_until_woken(1, woken);
          s = second.poll(two);
        }
        RL_ASSERT(s == status::ok);
      }
      finish_tasks();
    } else {
      int v = 0;
      RL_ASSERT(rx->try_recv(v) == status::ok && v == 1);
      finish_other();
    }
  }
  void after() {
    int v = 0;
    RL_ASSERT(rx->try_recv(v) == status::ok && v == (first_sent ? 3 : 2));
    RL_ASSERT(rx->try_recv(v) == status::empty);
    bounded_suite::after();
  }
};

}  // namespace

int main(int argc, char** argv) {
  return kov_model::run_scenarios<send_woken<false>, send_woken<true>,
                                  abandoned_sender_passes_wake>(argc, argv, 100000);
}
