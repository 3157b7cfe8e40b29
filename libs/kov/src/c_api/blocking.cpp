// The C API's blocking work: kov_spawn_blocking submits the C function to the runtime's
// blocking pool at once and starts a task that awaits it and then calls `done`.

#include <kov/blocking.hpp>

#include "c_api.hpp"

#include <cerrno>
#include <utility>

namespace {

using done_fn = void (*)(kov_runtime*, int, void*);

// Safety: a task of rt's runtime never outlives rt (see runtime.cpp).
kov::task<void> call_done(kov_runtime* rt, kov::blocking_handle<void> job, done_fn done,
                          void* user) {
  int status = 0;
  try {
    // The runtime destroys this task before it could drop the job, so errc::cancelled
    // never reaches here.
    (void)co_await job;
  } catch (...) {
    status = -EIO;  // a C++ `work` threw
  }
  done(rt, status, user);
}

}  // namespace

extern "C" {

int kov_spawn_blocking(kov_runtime* rt, void (*work)(void*), done_fn done, void* user) {
  if (rt == nullptr || work == nullptr || done == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  return kov::c_api::guarded([&] {
    auto job = kov::detail::spawn_blocking_on(rt->core->core(), [work, user] { work(user); });
    // Out of memory here leaves `work` running with nobody to call `done`: -ENOMEM says so.
    rt->core->spawn(call_done(rt, std::move(job), done, user), "kov_spawn_blocking").detach();
    return 0;
  });
}

}  // extern "C"
