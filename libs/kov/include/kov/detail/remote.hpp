// The cross-thread wake path: a wake from another thread queues the task's remote slot on its
// runtime's inject channel (flume-lock) and pokes the runtime's eventfd.
#pragma once

#include <kov/detail/atomic.hpp>
#include <kov/export.hpp>

#include <cstdint>
#include <utility>

namespace kov::detail {

struct task_header;
struct wake_hub;

// The thread-safe identity of one task, shared by its remote wakers.
//
// Invariant: refs_ counts the task (while it is alive and attached), every remote waker, every
// queued wake and every registered channel waiter (once a notifier has taken the waiter, its
// wake call holds that reference until it returns); the slot is deleted at zero. task_ is read
// and written only on the runtime's thread and is null once the task has finished. queued_ is
// true from a wake's enqueue until the runtime takes it off the inject channel.
struct remote_slot {
  atomic<std::uint32_t> refs_{1};
  atomic<bool> queued_{false};
  task_header* task_ = nullptr;
  wake_hub* hub_ = nullptr;  // counted reference
  // Model builds: each user's last touch (in release) and the delete, so Relacy sees a slot
  // freed by one thread while another's accesses are not ordered before the free.
  [[no_unique_address]] race_probe end_probe_;
};

KOV_API void retain(remote_slot& s) noexcept;
KOV_API void release(remote_slot& s) noexcept;

// Wakes the slot's task from any thread; a no-op once the task or its runtime is gone.
KOV_API void remote_wake(remote_slot& s) noexcept;

// A counted reference to a slot: what travels through the inject channel.
class slot_ref {
 public:
  slot_ref() noexcept = default;
  explicit slot_ref(remote_slot* s) noexcept : s_(s) {}  // adopts a reference
  slot_ref(slot_ref&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
  slot_ref& operator=(slot_ref&& other) noexcept {
    slot_ref moved(std::move(other));
    std::swap(s_, moved.s_);
    return *this;
  }
  slot_ref(const slot_ref& other) noexcept : s_(other.s_) {
    if (s_ != nullptr) retain(*s_);
  }
  slot_ref& operator=(const slot_ref& other) noexcept {
    slot_ref copy(other);
    std::swap(s_, copy.s_);
    return *this;
  }
  ~slot_ref() {
    if (s_ != nullptr) release(*s_);
  }
  remote_slot* get() const noexcept { return s_; }
  // Gives up the reference without dropping it: the caller hands it to whoever adopts it.
  [[nodiscard]] remote_slot* detach() noexcept { return std::exchange(s_, nullptr); }
  explicit operator bool() const noexcept { return s_ != nullptr; }

 private:
  remote_slot* s_ = nullptr;
};

}  // namespace kov::detail
