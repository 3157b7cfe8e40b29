// The io_uring backend's provided-buffer ring: a pool of equal buffers registered with the
// kernel (IORING_REGISTER_PBUF_RING), from which a multishot receive picks one per completion.
// The backend copies the bytes out at once and gives the buffer back, so the ring only runs dry
// when more completions arrive in one kernel entry than it has buffers.
#pragma once

#include <liburing.h>
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace kov::detail {

class uring_buf_ring {
 public:
  static constexpr unsigned max_entries = 256;    // the ring's entries fill one page
  static constexpr unsigned buffer_size = 16384;  // a pipelined batch in one completion
  static constexpr std::uint16_t group = 0;       // the buffer group id of the SQEs

  uring_buf_ring() = default;
  uring_buf_ring(const uring_buf_ring&) = delete;
  uring_buf_ring& operator=(const uring_buf_ring&) = delete;
  ~uring_buf_ring() { unmap(); }

  // Maps and registers a ring of `count` buffers (a power of two, at most max_entries) with
  // `ring`. False when the kernel cannot (before 5.19) or memory is short; the backend then
  // receives with single-shot operations.
  bool setup(io_uring& ring, unsigned count) noexcept {
    entries_ = count;
    void* mem =
        ::mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return false;
    mem_ = mem;
    // Safety: the mapping starts with the ring's entries (page aligned, as the kernel requires)
    // and the buffers follow them.
    ring_ = static_cast<io_uring_buf_ring*>(mem);
    data_ = static_cast<char*>(mem) + ring_bytes;
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uintptr_t>(ring_);
    reg.ring_entries = entries_;
    reg.bgid = group;
    if (io_uring_register_buf_ring(&ring, &reg, 0) != 0) {
      unmap();
      return false;
    }
    io_uring_buf_ring_init(ring_);
    for (unsigned id = 0; id < entries_; ++id) {
      io_uring_buf_ring_add(ring_, buffer(id), buffer_size, static_cast<unsigned short>(id),
                            io_uring_buf_ring_mask(entries_), static_cast<int>(id));
    }
    io_uring_buf_ring_advance(ring_, static_cast<int>(entries_));
    return true;
  }

  // The bytes of buffer `id` (as a completion names it in its flags).
  char* buffer(unsigned id) const noexcept {
    // Safety: id < entries_ (the kernel only names buffers we gave it), so the buffer lies
    // inside the mapping.
    return data_ + static_cast<std::size_t>(id % entries_) * buffer_size;
  }

  // Gives buffer `id` back to the kernel for a later receive.
  void recycle(unsigned id) noexcept {
    io_uring_buf_ring_add(ring_, buffer(id), buffer_size, static_cast<unsigned short>(id),
                          io_uring_buf_ring_mask(entries_), 0);
    io_uring_buf_ring_advance(ring_, 1);
  }

 private:
  static constexpr std::size_t ring_bytes = 4096;  // max_entries * sizeof(io_uring_buf)
  static_assert(max_entries * sizeof(io_uring_buf) <= ring_bytes);
  std::size_t bytes() const noexcept {
    return ring_bytes + static_cast<std::size_t>(entries_) * buffer_size;
  }
  void unmap() noexcept {
    if (mem_ != nullptr) ::munmap(mem_, bytes());
    mem_ = nullptr;
  }

  unsigned entries_ = max_entries;
  void* mem_ = nullptr;
  io_uring_buf_ring* ring_ = nullptr;
  char* data_ = nullptr;
};

}  // namespace kov::detail
