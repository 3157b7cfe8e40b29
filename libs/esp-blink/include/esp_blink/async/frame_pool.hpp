// A static pool of coroutine frames, sized at compile time: where every task's frame lives.
//
//   esp_blink::async::frame_pool<256, 3> frames;   // three tasks of up to 256 bytes each
//   esp_blink::async::executor ex{frames};
//
// A task's promise allocates its frame here (task.hpp). There is no heap behind it: a frame
// larger than a slot, or more live tasks than slots, is a panic naming which limit was hit.
// Frames are created and destroyed by the main flow only (never in an interrupt handler), so
// the pool needs no masking.
#pragma once

#include <esp_blink/panic.hpp>

#include <stdint.h>

namespace esp_blink::async {

/// The unsigned type of sizes (`size_t`, without a standard header).
using size_type = decltype(sizeof(0));

/// The size-erased part of a frame_pool, which the executor and task promises use: a bitmap of
/// used slots over storage the derived pool provides. Main flow only (no masking).
class frame_pool_base {
 public:
  frame_pool_base(const frame_pool_base&) = delete;
  frame_pool_base& operator=(const frame_pool_base&) = delete;

  /// A free slot for a frame of `bytes`; panics if it does not fit or none is free.
  void* allocate(size_type bytes) noexcept {
    if (bytes > slot_bytes_) panic("async: task frame larger than a pool slot");
    for (uint32_t i = 0; i < slots_; ++i) {
      if ((used_ & (1u << i)) == 0) {
        used_ |= 1u << i;
        return storage_ + static_cast<size_type>(i) * slot_bytes_;
      }
    }
    panic("async: frame pool exhausted");  // more live tasks than slots
  }

  /// Gives a slot back; `frame` must come from allocate() on this pool.
  void release(void* frame) noexcept {
    // Safety: only a task promise's operator delete calls this, with the frame its operator
    // new took from this pool (the executor's, installed for the executor's lifetime).
    const auto offset = static_cast<size_type>(static_cast<unsigned char*>(frame) - storage_);
    used_ &= ~(1u << (offset / slot_bytes_));
  }

  /// Slots holding a live task's frame.
  uint32_t slots_in_use() const noexcept {
    return static_cast<uint32_t>(__builtin_popcount(used_));
  }
  /// 0 until an executor has taken the pool.
  size_type slot_bytes() const noexcept { return slot_bytes_; }

 protected:
  constexpr frame_pool_base() noexcept = default;
  ~frame_pool_base() = default;

  /// Points the pool at `slots` slots of `slot_bytes` bytes each, starting at `storage`.
  void describe(unsigned char* storage, size_type slot_bytes, uint32_t slots) noexcept {
    storage_ = storage;
    slot_bytes_ = slot_bytes;
    slots_ = slots;
  }

 private:
  // All zero until described: a pool at namespace scope is constant-initialized to zeros, so
  // it stays in .bss and costs no start-up constructor (the slots' pointer is only known then).
  unsigned char* storage_ = nullptr;
  size_type slot_bytes_ = 0;
  uint32_t slots_ = 0;
  uint32_t used_ = 0;  // bit i: slot i holds a frame
};

/// `Slots` frames (1..32) of at most `SlotBytes` bytes each. Declare a pool at namespace scope
/// `constinit` to have that checked.
template <size_type SlotBytes, uint32_t Slots>
class frame_pool : public frame_pool_base {
  static_assert(Slots >= 1 && Slots <= 32, "a frame pool has 1..32 slots");
  static_assert(SlotBytes >= 16, "a coroutine frame needs more than 16 bytes");
  // Every slot starts at a multiple of the strictest fundamental alignment.
  static constexpr size_type stride = (SlotBytes + 15u) & ~size_type{15u};

 public:
  /// All slots free; constant-initialized, so a pool at namespace scope stays in .bss.
  constexpr frame_pool() noexcept : storage_{} {}

  /// The pool with its slots described, as an executor allocates from it (executor.hpp).
  frame_pool_base& described() noexcept {
    describe(storage_, stride, Slots);
    return *this;
  }

 private:
  alignas(16) unsigned char storage_[stride * Slots];
};

namespace detail {
// The pool of the executor in use: a task's frame is allocated when its coroutine is called,
// before spawn() sees it, so the promise finds the pool here.
inline frame_pool_base* active_pool = nullptr;
}  // namespace detail

}  // namespace esp_blink::async
