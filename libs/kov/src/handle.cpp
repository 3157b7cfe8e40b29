// kov::handle's inbox: one task per runtime that runs the work other threads send.
#include <kov/detail/handle_inbox.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/mpsc.hpp>
#include <kov/runtime.hpp>
#include <kov/task.hpp>

#include <memory>
#include <utility>

namespace kov::detail {
namespace {

// When the runtime destroys the inbox task: stops further sends (they get errc::closed) and
// drops the work still queued, so none of it outlives the runtime in the channel.
class drop_queued_on_exit {
 public:
  explicit drop_queued_on_exit(mpsc_receiver<posted_ptr>& rx) noexcept : rx_(rx) {}
  ~drop_queued_on_exit() {
    rx_.close();
    while (rx_.try_recv()) {
    }
  }
  drop_queued_on_exit(const drop_queued_on_exit&) = delete;
  drop_queued_on_exit& operator=(const drop_queued_on_exit&) = delete;

 private:
  mpsc_receiver<posted_ptr>& rx_;
};

// Ends only when the runtime destroys it: the runtime's own sender keeps the channel open.
task<void> serve_inbox(mpsc_receiver<posted_ptr> rx) {
  const drop_queued_on_exit guard(rx);
  for (;;) {
    result<posted_ptr> work = co_await rx.recv();
    if (!work) co_return;
    try {
      // Safety: this task runs only inside its runtime's loop, which installs the runtime.
      (*work)->run(*current_runtime());
    } catch (...) {
      // Dropped, as a detached task's exception is: the inbox must go on serving.
    }
  }
}

}  // namespace

handle_inbox& runtime_core::inbox() {
  if (!inbox_) {
    auto [tx, rx] = mpsc<posted_ptr>();
    auto inbox = std::make_unique<handle_inbox>(handle_inbox{std::move(tx)});
    spawn_on(*this, serve_inbox(std::move(rx)), "kov::handle inbox", location::current()).detach();
    inbox_ = std::move(inbox);
  }
  return *inbox_;
}

mpsc_sender<posted_ptr> inbox_sender(runtime_core& rt) {
  return rt.inbox().tx;
}

}  // namespace kov::detail
