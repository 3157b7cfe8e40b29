// Relacy model test of kov::bounded_mpsc's send across threads, running the real code: the
// sending task's room_wait (kov/detail/room_wait.hpp: poll, its wake, the withdrawing
// destructor), flume-lock's bounded queue and senders' waiter list, and the wake's path through
// the real remote_wake, inject channel and eventfd (model_runtime.hpp). The runtime thread runs
// the sending tasks; another thread receives or closes.
//
// Checked in every explored interleaving: a sender waiting on a full channel is always woken
// when a slot frees or the channel closes (the runtime never parks with no wake to come), the
// value is delivered exactly once or (closed) never, and a sending task abandoned after its wake
// passes the wake to the next waiting task. Send permits (reserve) held on the other thread:
// used or dropped, their slot comes back and a waiting task is woken; racing a recv and a close,
// the receiver sees the permit's message once, and disconnected only after it is resolved. A
// receiving task parked on the empty channel is woken by a send from the other thread, by its
// close, and by a send queued behind a permit that the other thread drops.
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

// A channel of capacity 1 (or the scenario's `capacity`), holding message 1 from the start, with
// one or two sending tasks on the runtime thread (thread 0) and a receiving or closing thread
// (thread 1).
template <class Suite>
struct bounded_suite : rl::test_suite<Suite, 2> {
  static constexpr std::size_t capacity = 1;  // a scenario may hide it with its own
  kov_model::model_runtime rt;
  sender* tx = nullptr;
  receiver* rx = nullptr;
  kov::detail::remote_slot* task_slot[2] = {nullptr, nullptr};
  rl::atomic<bool> other_done;

  void before() {
    rt.open();
    auto [s, r] = flume_lock::bounded<int>(Suite::capacity);
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

// A permit (reserve) holds the channel's only slot on the other thread (thread 1), which sends
// through it (Send) or drops it, then receives once; a task on the runtime thread waits for
// room. The slot must come back to the task either way: a dropped permit's hole is skipped and
// its slot freed, waking the task. The task's value is queued exactly once.
template <bool Send>
struct permit_frees_slot : bounded_suite<permit_frees_slot<Send>> {
  static constexpr const char* name =
      Send ? "used_permit_wakes_waiting_sender" : "dropped_permit_wakes_waiting_sender";
  flume_lock::send_permit<int> permit;
  int twos_received = 0;
  void before() {
    bounded_suite<permit_frees_slot<Send>>::before();
    int v = 0;
    RL_ASSERT(this->rx->try_recv(v) == status::ok && v == 1);  // empty the ring again
    RL_ASSERT(this->tx->try_reserve(permit) == status::ok);
  }
  void thread(unsigned index) {
    if (index == 0) {
      RL_ASSERT(this->send(0, 2) == status::ok);
      this->finish_tasks();
      return;
    }
    if (Send) {
      permit.send(1);
    } else {
      permit.reset();
    }
    int v = 0;
    const status s = this->rx->try_recv(v);  // frees the slot (skipping the hole)
    if (Send) {
      RL_ASSERT(s == status::ok && v == 1);
    } else {
      RL_ASSERT(s == status::empty || (s == status::ok && v == 2));
      twos_received = s == status::ok ? 1 : 0;
    }
    this->finish_other();
  }
  void after() {
    RL_ASSERT(!permit);
    RL_ASSERT(twos_received + this->twos_queued() == 1);
    bounded_suite<permit_frees_slot<Send>>::after();
  }
};

// A permit held on thread 1 is used (Send) or dropped while thread 0 closes the channel and
// receives until disconnected: the receiver must not report disconnected while the permit's
// slot is unresolved, gets the permit's message exactly once if it was sent, and then ends.
template <bool Send>
struct permit_races_recv_and_close : bounded_suite<permit_races_recv_and_close<Send>> {
  static constexpr const char* name =
      Send ? "permit_send_races_recv_and_close" : "permit_drop_races_recv_and_close";
  flume_lock::send_permit<int> permit;
  void before() {
    bounded_suite<permit_races_recv_and_close<Send>>::before();
    int v = 0;
    RL_ASSERT(this->rx->try_recv(v) == status::ok && v == 1);
    RL_ASSERT(this->tx->try_reserve(permit) == status::ok);
  }
  void thread(unsigned index) {
    if (index == 1) {
      if (Send) {
        permit.send(2);
      } else {
        permit.reset();
      }
      return;
    }
    this->rx->close();
    flume_lock::send_permit<int> late;
    RL_ASSERT(this->tx->try_reserve(late) == status::disconnected);
    int v = 0;
    int received = 0;
    for (;;) {
      const status s = this->rx->try_recv(v);
      if (s == status::disconnected) break;
      if (s == status::ok) {
        RL_ASSERT(v == 2);
        ++received;
      } else {
        rl::yield(1, $);
      }
    }
    RL_ASSERT(received == (Send ? 1 : 0));
    this->finish_tasks();  // no task runs here; the runtime's slots still need freeing
  }
};

// How the other thread disturbs a receiving task parked on the empty channel (recv_woken).
enum class recv_race {
  send,                   // it sends one message
  close,                  // it closes the channel (as the last sender's drop does)
  drop_permit_then_send,  // capacity 2: it drops the permit at the head, then sends behind it
};

// The receiving task parks on an empty channel (mpsc_receiver::recv's message_wait, step by
// step) while the other thread changes what the receiver's re-check after registering must see.
// Whatever the other thread's notify found (a waiter or none), either the re-check sees the
// change or the notify wakes the task; otherwise the task sleeps with a message queued or a
// close unseen (a lost wake). Each race relies on a different seq_cst pair, the notifier's
// change and the receiver's re-check load (both in the single total order with the
// registration; docs/kov.md, "kov mutations"):
// - send: the publishing store and skip_holes' stamp load of the head slot;
// - close: close()'s fetch_or and empty_or_disconnected's tail_ load;
// - drop_permit_then_send: the hole is skipped, and the stamp load of the slot after it (in
//   skip_holes' loop) must see a message that the other thread published (after the
//   release, so the hole's acquire gives no happens-before) while no waiter was registered.
template <recv_race Race>
struct recv_woken : bounded_suite<recv_woken<Race>> {
  static constexpr const char* name = Race == recv_race::send    ? "recv_woken_by_thread_send"
                                      : Race == recv_race::close ? "recv_woken_by_close"
                                                                 : "recv_woken_past_dropped_permit";
  static constexpr std::size_t capacity = Race == recv_race::drop_permit_then_send ? 2 : 1;
  flume_lock::send_permit<int> permit;
  void before() {
    bounded_suite<recv_woken<Race>>::before();
    int v = 0;
    RL_ASSERT(this->rx->try_recv(v) == status::ok && v == 1);  // start empty
    // The head slot is a permit's, so the receiver stops there until it is resolved.
    if (Race == recv_race::drop_permit_then_send)
      RL_ASSERT(this->tx->try_reserve(permit) == status::ok);
  }
  // As message_wait's wake: adopts the registration's reference to the slot.
  static void wake_adopting(void* ctx) {
    const kov::detail::slot_ref ref(static_cast<kov::detail::remote_slot*>(ctx));
    kov::detail::remote_wake(*ref.get());
  }
  // One message_wait: register, sleep until woken if still empty, withdraw.
  status recv_once(int& out, bool (&woken)[2]) {
    kov::detail::slot_ref slot = this->wake_slot(0);
    flume_lock::waiter w(&wake_adopting, slot.get());
    const status s = this->rx->poll_recv(out, w);
    if (s == status::empty) this->park_until_woken(0, woken);
    this->rx->cancel_wait(w);
    if (w.taken()) (void)slot.detach();  // the wake call owns the reference
    return s;
  }
  void thread(unsigned index) {
    if (index == 0) {
      int v = 0;
      bool woken[2] = {false, false};
      status s = this->rx->try_recv(v);
      while (s == status::empty) {
        s = recv_once(v, woken);
        if (s == status::empty) s = this->rx->try_recv(v);
      }
      if (Race == recv_race::close) {
        RL_ASSERT(s == status::disconnected);
      } else {
        RL_ASSERT(s == status::ok && v == 2);
      }
      this->finish_tasks();
      return;
    }
    if (Race == recv_race::close) {
      this->tx->close();
    } else {
      if (Race == recv_race::drop_permit_then_send) permit.reset();
      RL_ASSERT(this->tx->try_send(2) == status::ok);
    }
    this->finish_other();
  }
};

}  // namespace

int main(int argc, char** argv) {
  return kov_model::run_scenarios<
      send_woken<false>, send_woken<true>, abandoned_sender_passes_wake, permit_frees_slot<true>,
      permit_frees_slot<false>, permit_races_recv_and_close<true>,
      permit_races_recv_and_close<false>, recv_woken<recv_race::send>, recv_woken<recv_race::close>,
      recv_woken<recv_race::drop_permit_then_send>>(argc, argv, 100000);
}
