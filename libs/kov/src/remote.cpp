// The cross-thread wake path: reference counts of remote slots and wake hubs, the waker side of
// a remote wake (queue the slot on the inject channel, poke the eventfd), and the eventfd itself.
// The Relacy model tests (tests/model) compile this file as it is, with KOV_MODEL=1.

#include <kov/detail/remote.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/detail/wake_protocol.hpp>

#include "inject.hpp"

#include <unistd.h>

#include <cstdint>

namespace kov::detail {

wake_hub::~wake_hub() {
  ::close(event_fd_);
}

void release(wake_hub& hub) noexcept {
  hub.end_probe_.on_read();  // model builds: this user's last touch, ordered before the free
  // Ordering: acq_rel: every user's accesses happen-before the deleting thread's delete.
  if (hub.refs_.fetch_sub(1, order::acq_rel) == 1) {
    hub.end_probe_.on_write();
    delete &hub;
  }
}

void retain(remote_slot& s) noexcept {
  // Ordering: relaxed: a new reference is made from a live one, which keeps the slot alive.
  s.refs_.fetch_add(1, order::relaxed);
}

void release(remote_slot& s) noexcept {
  s.end_probe_.on_read();  // model builds: as wake_hub's
  // Ordering: acq_rel: as wake_hub's release.
  if (s.refs_.fetch_sub(1, order::acq_rel) == 1) {
    s.end_probe_.on_write();
    if (s.hub_ != nullptr) release(*s.hub_);
    delete &s;
  }
}

void signal(wake_hub& hub) noexcept {
  const std::uint64_t one = 1;
  // A full counter (EAGAIN) still leaves the eventfd readable, which is all that matters.
  [[maybe_unused]] const auto n = ::write(hub.event_fd_, &one, sizeof one);
}

void remote_wake(remote_slot& s) noexcept {
  wake_hub* hub = s.hub_;
  // On the runtime's own thread, inside its loop: a plain local wake, no queue, no syscall.
  if (runtime_core* rt = current_runtime(); rt != nullptr && rt->hub() == hub) {
    if (s.task_ != nullptr) rt->wake(*s.task_);
    return;
  }
  if (!claim_slot(s.queued_)) return;  // a wake is already queued
  retain(s);
  slot_ref ref(&s);
  // On `disconnected` (the runtime is gone) the reference stays in `ref` and is dropped here.
  if (hub->tx_.send(std::move(ref)) != flume_lock::status::ok) return;
  if (need_signal(hub->notified_)) signal(*hub);
}

}  // namespace kov::detail
