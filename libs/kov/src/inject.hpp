// Internal: the shared end of the cross-thread wake path and the runtime's receiving end.
#pragma once

#include <flume_lock/channel.hpp>
#include <kov/detail/atomic.hpp>
#include <kov/detail/remote.hpp>
#include <kov/detail/wake_protocol.hpp>

#include <cstdint>

namespace kov::detail {

// Outlives its runtime while remote slots point at it.
//
// Invariant: refs_ counts the runtime (until it shuts down) and every remote slot; at zero the
// eventfd is closed and the hub deleted. notified_ is true from a waker's enqueue until the
// runtime's next drain: only the waker that flips it to true writes the eventfd.
struct wake_hub {
  wake_hub(flume_lock::sender<slot_ref> tx, int event_fd) noexcept
      : tx_(std::move(tx)), event_fd_(event_fd) {}
  ~wake_hub();
  wake_hub(const wake_hub&) = delete;
  wake_hub& operator=(const wake_hub&) = delete;

  atomic<std::uint32_t> refs_{1};
  atomic<bool> notified_{false};
  const flume_lock::sender<slot_ref> tx_;  // used concurrently by every waking thread
  const int event_fd_;
  [[no_unique_address]] race_probe end_probe_;  // model builds: as remote_slot's
};

void release(wake_hub& hub) noexcept;

struct inject_channel {
  flume_lock::receiver<slot_ref> rx;
};

// Pokes the hub's eventfd (the runtime may be parked on it).
void signal(wake_hub& hub) noexcept;

// Runtime side of the cross-thread wake path (remote_wake is the waker side): takes every slot
// queued since the last drain off the inject channel and calls `wake(remote_slot&)` for each.
// runtime_core::drain_remote and the Relacy model tests (tests/model) run this same code.
template <class Wake>
void drain_wakes(wake_hub& hub, inject_channel& in, Wake&& wake) noexcept {
  if (!take_notification(hub.notified_)) return;
  in.rx.drain([&wake](slot_ref&& ref) noexcept {
    remote_slot& s = *ref.get();
    release_slot(s.queued_);
    wake(s);
  });
}

// Runtime side, at shutdown: closes the inject channel and drops every queued wake, including
// one whose waker claimed its place before the close and is still writing it. recv() waits for
// that write (flume-lock's `disconnected` means closed and every claimed message taken); a drain
// of what is ready now would leave the late message in the channel, where it holds its slot, the
// slot holds the hub and the hub holds the channel's sender: a cycle nothing frees.
// runtime_core's destructor and the Relacy model tests (tests/model) run this same code.
inline void shutdown_wakes(inject_channel& in) noexcept {
  in.rx.close();
  for (;;) {
    slot_ref late;
    if (in.rx.recv(late) != flume_lock::status::ok) return;
  }
}

}  // namespace kov::detail
