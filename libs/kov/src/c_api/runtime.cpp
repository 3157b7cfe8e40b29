// The C API's runtime: kov_runtime_new / free, kov_run, kov_stop, kov_post, kov_spawn.
//
// kov_post and kov_stop go through the runtime's kov::handle, as C++'s handle::post does: a
// posted function runs on the runtime thread; a stop posts a function that notifies kov_run's
// root task, which then ends, and with it kov_run. The handle is thread-safe and wakes a runtime
// parked in epoll, which makes kov_stop and kov_post callable from any thread, and one channel
// keeps each thread's posts and stops in order.

#include "c_api.hpp"

#include <utility>

namespace {

// Safety (both tasks): a task of rt's runtime never outlives rt, whose destructor destroys
// every task frame first.
kov::task<int> run_until_stopped(kov_runtime& rt) {
  co_await rt.stop.notified();
  rt.stop_pending.store(false, kov::detail::order::seq_cst);
  co_return 0;
}

kov::task<void> call(kov_runtime* rt, void (*fn)(kov_runtime*, void*), void* user) {
  fn(rt, user);
  co_return;
}

}  // namespace

kov_runtime::kov_runtime() {
  core.emplace();
  handle = core->handle();
}

kov_runtime::~kov_runtime() {
  // Every task frame goes first: timers free themselves, operations drop their references to
  // TCP handles, so the last handles are freed here.
  core.reset();
  KOV_ASSERT(handles.empty(), "a kov_tcp outlived its runtime");
}

extern "C" {

kov_runtime* kov_runtime_new(void) {
  try {
    return new kov_runtime();
  } catch (...) {
    // Out of memory, or the system refused an eventfd or epoll instance.
    return nullptr;
  }
}

void kov_runtime_free(kov_runtime* rt) {
  if (rt == nullptr) return;
  KOV_ASSERT(!rt->running, "kov_runtime_free called from inside kov_run");
  KOV_ASSERT(kov::c_api::on_runtime_thread(*rt), "kov_runtime_free on a foreign thread");
  // Close what the program still owns (operations in flight hold their own references and
  // drop them when the runtime destroys their tasks).
  for (kov_tcp* h = rt->handles.front(); h != nullptr;) {
    kov_tcp* next = kov::c_api::next_handle(*h);
    // Safety: closing `h` may free `h` (it unlinks only itself), never `next`.
    kov::c_api::close_owned(*h);
    h = next;
  }
  delete rt;
}

int kov_run(kov_runtime* rt) {
  if (rt == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  // A callback of this runtime (or of another one running on this thread) calling kov_run.
  if (rt->running || kov::detail::current_runtime() != nullptr) return -EBUSY;
  rt->running = true;
  const int r = kov::c_api::guarded([&] { return rt->core->block_on(run_until_stopped(*rt)); });
  rt->running = false;
  return r;
}

void kov_stop(kov_runtime* rt) {
  if (rt == nullptr) return;
  // Several stops before the loop sees one make one: only the first sends.
  if (rt->stop_pending.exchange(true, kov::detail::order::seq_cst)) return;
  try {
    auto sent = rt->handle.post([rt] { rt->stop.notify_one(); });
    if (!sent) rt->stop_pending.store(false, kov::detail::order::seq_cst);
  } catch (...) {
    // Out of memory for the queue node: the stop is lost, and the next kov_stop sends again.
    rt->stop_pending.store(false, kov::detail::order::seq_cst);
  }
}

int kov_post(kov_runtime* rt, void (*fn)(kov_runtime*, void*), void* user) {
  if (rt == nullptr || fn == nullptr) return -EINVAL;
  return kov::c_api::guarded([&] {
    auto sent = rt->handle.post([rt, fn, user] { fn(rt, user); });
    return sent ? 0 : -EPIPE;
  });
}

int kov_spawn(kov_runtime* rt, void (*fn)(kov_runtime*, void*), void* user) {
  if (rt == nullptr || fn == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  return kov::c_api::guarded([&] {
    rt->core->spawn(call(rt, fn, user), "kov_spawn").detach();
    return 0;
  });
}

}  // extern "C"
