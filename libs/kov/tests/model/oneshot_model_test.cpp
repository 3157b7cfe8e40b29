// Relacy model test of kov::oneshot, running the real code: oneshot_sender's send and drop,
// oneshot_receiver's try_recv and drop, and the receive await's steps (oneshot_state::ready,
// wait_on, stop_waiting, withdraw: what awaiter::await_suspend/await_resume/~awaiter call),
// with the sender's wake travelling through the real remote_wake, inject channel and eventfd
// (model_runtime.hpp). The receiving thread is also the runtime: it parks and drains as
// runtime_core's loop does.
//
// Checked in every explored interleaving: the value arrives exactly once and intact (Relacy
// reports a DATA RACE if the receiver could read it before the sender's write is visible, and a
// leak or double free if the value or the shared state is destroyed other than once), a waiting
// receiver is always woken (no lost wake), a dropped sender reads as closed, and a dropped
// receiver makes send() either deliver (then the value is freed with the state) or say closed.
//
// Usage: kov_oneshot_model_test [iterations]

#include "model_runtime.hpp"

// After model_runtime.hpp (and so after Relacy), which then tracks its allocations.
#include <kov/oneshot.hpp>

namespace kov::detail {

// The model's frame pool: Relacy's tracked allocator, so a shared state freed twice or never is
// reported.
void* pool_allocate(std::size_t size) {
  return malloc(size);
}
void pool_deallocate(void* block, std::size_t) noexcept {
  free(block);
}

}  // namespace kov::detail

namespace {

// A message owning heap memory through a Relacy-visible pointer: a read racing with the
// sender's write is a DATA RACE, and a copy destroyed twice or never is a double free or leak.
class message {
 public:
  explicit message(int v) { p_($) = new int(v); }
  message(message&& other) noexcept {
    p_($) = other.p_($);
    other.p_($) = nullptr;
  }
  message(const message&) = delete;
  message& operator=(const message&) = delete;
  ~message() { delete p_($); }
  int value() const { return *p_($); }

 private:
  rl::var<int*> p_;
};

using state = kov::detail::oneshot_state<message>;
using sender = kov::oneshot_sender<message>;
using receiver = kov::oneshot_receiver<message>;

enum class outcome { value, closed };

// The common set-up: one oneshot, one task (the receiver's) with a remote slot, and a flag the
// sending thread raises when it has done everything it will do (for the lost-wake check).
template <class Suite>
struct oneshot_suite : rl::test_suite<Suite, 2> {
  kov_model::model_runtime rt;
  kov::detail::remote_slot* task_slot = nullptr;
  state* s = nullptr;
  sender* tx = nullptr;
  receiver* rx = nullptr;
  rl::atomic<bool> sender_done;

  void before() {
    rt.open();
    task_slot = rt.add_task();
    s = state::create();
    tx = new sender(s);
    rx = new receiver(s);
    sender_done($).store(false, rl::mo_relaxed);
  }
  void after() {
    delete tx;
    rt.close();
  }

  void finish_sending() { sender_done($).store(true, rl::mo_seq_cst); }

  // The receiving task ends, dropping its receiver, while the sending thread may still be in
  // send() or remote_wake: whichever end lets go last frees the state and the slot.
  void finish_receiving() {
    delete std::exchange(rx, nullptr);
    kov_model::model_runtime::finish_task(task_slot);
  }

  // `co_await *rx` on the receiving task, step by step as the awaiter does it, with this thread
  // parking on the eventfd and draining until the task is woken.
  kov::result<message> await_receive() {
    if (s->ready()) return rx->try_recv();  // await_ready
    kov::detail::retain(*task_slot);        // await_suspend
    if (!s->wait_on(kov::detail::slot_ref(task_slot))) park_until_woken();
    s->stop_waiting();  // await_resume
    return rx->try_recv();
  }

  // Abandons an await after registering (a when_any loser, a timeout): ~awaiter.
  void abandon_await() {
    kov::detail::retain(*task_slot);
    if (!s->wait_on(kov::detail::slot_ref(task_slot))) s->withdraw();
  }

  void park_until_woken() {
    rt.park_until_woken(task_slot, [&] { return sender_done($).load(rl::mo_seq_cst); });
  }

  static void expect(kov::result<message>& r, outcome o) {
    if (o == outcome::value) {
      RL_ASSERT(r.has_value());
      RL_ASSERT(r.value().value() == 42);
    } else {
      RL_ASSERT(!r.has_value() && r.error() == kov::errc::closed);
    }
  }
};

// The value is sent while the receiver awaits it.
struct send_vs_await : oneshot_suite<send_vs_await> {
  static constexpr const char* name = "send_vs_await";
  void thread(unsigned index) {
    if (index == 0) {
      RL_ASSERT(tx->send(message(42)).has_value());
      finish_sending();
    } else {
      auto r = await_receive();
      expect(r, outcome::value);
      finish_receiving();
    }
  }
};

// The sender is dropped unsent while the receiver awaits: the receiver wakes to `closed`.
struct sender_dropped : oneshot_suite<sender_dropped> {
  static constexpr const char* name = "sender_dropped";
  void thread(unsigned index) {
    if (index == 0) {
      delete std::exchange(tx, nullptr);
      finish_sending();
    } else {
      auto r = await_receive();
      expect(r, outcome::closed);
      finish_receiving();
    }
  }
};

// The receiver abandons an await and is dropped while the value is sent: send() delivers or
// says closed, and whoever lets go last frees the state (and the value, if sent).
struct receiver_dropped : oneshot_suite<receiver_dropped> {
  static constexpr const char* name = "receiver_dropped";
  void thread(unsigned index) {
    if (index == 0) {
      (void)tx->send(message(42));
      finish_sending();
    } else {
      abandon_await();
      finish_receiving();
    }
  }
};

// An await is abandoned, then a second one waits: a wake meant for the first registration may
// arrive, and the second still gets the value.
struct await_again : oneshot_suite<await_again> {
  static constexpr const char* name = "await_again";
  void thread(unsigned index) {
    if (index == 0) {
      RL_ASSERT(tx->send(message(42)).has_value());
      finish_sending();
    } else {
      abandon_await();
      auto r = await_receive();
      expect(r, outcome::value);
      finish_receiving();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  return kov_model::run_scenarios<send_vs_await, sender_dropped, receiver_dropped, await_again>(
      argc, argv, 100000);
}
