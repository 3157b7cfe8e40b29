// Relacy model test of kov::cancellation_token, running the real code: the token tree
// (make_child, release, cancel), the steps of the cancelled() await (is_cancelled, add_waiter,
// remove_waiter: what cancelled_awaitable does besides finding its task) and callbacks, with the
// cancel's wake going through the real remote_wake, inject channel and eventfd
// (model_runtime.hpp). Thread 0 cancels; thread 1 is the runtime with its one task.
//
// Checked in every explored interleaving: a task waiting on the token (or on a child made while
// the cancel runs) is always woken (no lost wake), what the cancelling thread wrote before
// cancel() is visible to the task once it sees the token cancelled (else a Relacy DATA RACE),
// a callback runs at most once and its deregistration waits for it, and every node is freed
// exactly once, by whichever thread drops the last reference (leak, double free, use after
// free, or a DATA RACE on the node's end probe when a free is not ordered after a use).
//
// Usage: kov_token_model_test [iterations]

#include "model_runtime.hpp"

// After model_runtime.hpp (and so after Relacy), which then tracks its allocations.
#include <kov/sync/cancellation_token.hpp>

namespace kov::detail {

// The test's window onto a token's node, for the await's steps.
struct token_access {
  static token_node& node(const cancellation_token& t) { return t.node(); }
};

}  // namespace kov::detail

namespace {

using kov::cancellation_token;
using kov::detail::token_node;
using kov::detail::token_waiter;

// One runtime with one task, a root token whose copies both threads hold, and a payload the
// canceller writes before cancelling.
template <class Suite>
struct token_suite : rl::test_suite<Suite, 2> {
  kov_model::model_runtime rt;
  kov::detail::remote_slot* task_slot = nullptr;
  cancellation_token* canceller_copy = nullptr;
  cancellation_token* task_copy = nullptr;
  rl::var<int> payload;
  rl::atomic<bool> cancel_done;

  void before() {
    rt.open();
    task_slot = rt.add_task();
    task_copy = new cancellation_token;
    canceller_copy = new cancellation_token(*task_copy);
    payload($) = 0;
    cancel_done($).store(false, rl::mo_relaxed);
  }
  void after() { rt.close(); }

  // Thread 0: writes the payload, cancels the root, drops its copy.
  void cancel_root() {
    payload($) = 1;
    canceller_copy->cancel();
    delete std::exchange(canceller_copy, nullptr);
    cancel_done($).store(true, rl::mo_seq_cst);
  }

  // `co_await token.cancelled()` on the task, step by step as cancelled_awaitable does it, with
  // this thread parking on the eventfd and draining until the task is woken; then the task reads
  // the payload.
  void await_cancelled(const cancellation_token& token, token_node& node) {
    if (!token.is_cancelled()) {  // await_ready
      token_waiter w;             // await_suspend
      kov::detail::retain(*task_slot);
      w.slot_ = kov::detail::slot_ref(task_slot);
      if (node.add_waiter(w)) park_until_woken();
      node.remove_waiter(w);  // ~cancelled_awaitable
      RL_ASSERT(token.is_cancelled());
    }
    RL_ASSERT(payload($) == 1);
  }

  void park_until_woken() {
    rt.park_until_woken(task_slot, [&] { return cancel_done($).load(rl::mo_seq_cst); });
  }

  void finish_task() {
    delete std::exchange(task_copy, nullptr);
    kov_model::model_runtime::finish_task(task_slot);
  }

  static token_node& node_of(const cancellation_token& t) {
    return kov::detail::token_access::node(t);
  }
};

// The task registers its wait on the root while thread 0 cancels it.
struct cancel_vs_wait : token_suite<cancel_vs_wait> {
  static constexpr const char* name = "cancel_vs_wait";
  void thread(unsigned index) {
    if (index == 0) {
      cancel_root();
    } else {
      await_cancelled(*task_copy, node_of(*task_copy));
      finish_task();
    }
  }
};

// The task makes a child and a grandchild while the root is cancelled, drops the child (still
// held by the grandchild) and waits on the grandchild: the cancel reaches it, or it is born
// cancelled.
struct cancel_vs_child : token_suite<cancel_vs_child> {
  static constexpr const char* name = "cancel_vs_child";
  void thread(unsigned index) {
    if (index == 0) {
      cancel_root();
    } else {
      auto* child = new cancellation_token(task_copy->child_token());
      cancellation_token grandchild = child->child_token();
      delete child;
      await_cancelled(grandchild, node_of(grandchild));
      finish_task();
    }
  }
};

// A child is made and dropped while the root is cancelled (the cancel may hold it, or it may
// leave the root's list first); the task's root copy goes last or not.
struct child_dropped : token_suite<child_dropped> {
  static constexpr const char* name = "child_dropped";
  void thread(unsigned index) {
    if (index == 0) {
      cancel_root();
    } else {
      {
        cancellation_token child = task_copy->child_token();
        if (child.is_cancelled()) RL_ASSERT(payload($) == 1);
      }
      await_cancelled(*task_copy, node_of(*task_copy));
      finish_task();
    }
  }
};

// A callback registered on the task's thread runs on the cancelling thread; dropping the
// registration waits for it, so the task then sees what it wrote, and it runs at most once.
struct callback_vs_drop : token_suite<callback_vs_drop> {
  static constexpr const char* name = "callback_vs_drop";
  rl::var<int> runs;
  void before() {
    token_suite::before();
    runs($) = 0;
  }
  void thread(unsigned index) {
    if (index == 0) {
      cancel_root();
    } else {
      {
        rl::var<int>* r = &runs;
        const auto count = [r] { (*r)($) = (*r)($) + 1; };
        auto reg = task_copy->on_cancel(count);
      }
      RL_ASSERT(runs($) <= 1);
      finish_task();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  return kov_model::run_scenarios<cancel_vs_wait, cancel_vs_child, child_dropped, callback_vs_drop>(
      argc, argv, 100000);
}
