// One I/O operation and one registered file descriptor, as every reactor backend sees them.
//
// An operation is a request ("receive into this buffer", "accept a connection") that a backend
// completes: at once when the kernel can answer now, or later, waking the task that awaits it.
// Requests rather than readiness keep the interface open to completion-based backends. What a
// backend needs beyond the request (io_uring's msghdr, epoll's connect progress) lives in the
// op's backend slot, as that backend's own type; see src/backend_ops.hpp.
#pragma once

#include <kov/detail/intrusive_list.hpp>

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace kov::detail {

class reactor_backend;
struct task_header;
struct io_source;

enum class io_kind : std::uint8_t {
  read,           // read(2): any fd
  write,          // write(2): any fd
  recv,           // recv(2) with `flags`
  send,           // send(2) with MSG_NOSIGNAL | `flags`
  recv_from,      // recvfrom(2), filling `addr` / `addr_len`
  send_to,        // sendto(2) to `addr`
  send_vectored,  // sendmsg(2) with MSG_NOSIGNAL | `flags`: `buf` is an iovec array of `len`
                  // entries (never an `all` op: the caller continues partial writes)
  accept,         // accept4(2), non-blocking and close-on-exec; fills `addr` when given
  connect,        // connect(2) to `addr`, then waits for the handshake
  readable,       // no transfer: completes when a read would not block (poll(2) says so)
  writable,       // no transfer: completes when a write would not block
};

// Which readiness an operation waits for.
enum class io_side : std::uint8_t { in, out };

constexpr io_side side_of(io_kind k) noexcept {
  switch (k) {
    case io_kind::write:
    case io_kind::send:
    case io_kind::send_to:
    case io_kind::send_vectored:
    case io_kind::connect:
    case io_kind::writable:
      return io_side::out;
    default:
      return io_side::in;
  }
}

enum class io_state : std::uint8_t {
  idle,        // not started, or taken back by cancel
  pending,     // parked on its source: the backend will complete it and wake `task`
  cancelling,  // completion backends: taken back, its completion not yet seen (never woken)
  done,        // `result` holds the outcome
};

// The backend slot's size: the largest per-operation state of a backend (io_uring's: its
// source, a msghdr, an iovec and a timespec). Each backend checks at compile time that its
// state fits.
inline constexpr std::size_t io_op_backend_bytes = 96;

// Invariant: while pending, the op is its source's waiter for side_of(kind), `task` is the
// suspended task to wake, and the op does not move (it lives in that task's frame). From
// start() on, `backend` holds the state of the backend that started it.
struct io_op {
  io_kind kind = io_kind::read;
  io_state state = io_state::idle;
  // With `all`, a read or write goes on until `len` bytes are through: partial transfers are
  // completed inside the backend. The result is then `transferred`, short only when a read met
  // the end of the stream first.
  bool all = false;
  int flags = 0;            // recv/send flags
  socklen_t addr_size = 0;  // send_to, connect: the size of *addr
  void* buf = nullptr;
  std::size_t len = 0;
  std::size_t transferred = 0;  // `all` ops: bytes moved so far
  sockaddr* addr = nullptr;     // recv_from, accept: filled in; send_to, connect: read
  socklen_t* addr_len = nullptr;
  long result = 0;  // done: >= 0 as the syscall returned it, or -errno
  task_header* task = nullptr;
  // A deadline on the steady clock (nanoseconds since its epoch; 0: none). start() says
  // whether the backend enforces it (completing the op with -ETIMEDOUT); otherwise the
  // awaiting side arms a timer of its own.
  std::int64_t deadline_ns = 0;
  alignas(8) std::byte backend[io_op_backend_bytes]{};
};

// One registered fd. Backends allocate it (with new, as their own type derived from it) on
// attach and free it on detach; one that outlives its backend is an orphan (owner null) that
// its handle deletes.
//
// Invariant: reader/writer are null or a pending op of that side.
struct io_source {
  virtual ~io_source() = default;
  int fd = -1;
  bool stream = false;  // a byte stream: a short read means the socket was drained
  io_op* reader = nullptr;
  io_op* writer = nullptr;
  reactor_backend* owner = nullptr;
  list_link<io_source> link;  // on the backend's list of live sources
};

}  // namespace kov::detail
