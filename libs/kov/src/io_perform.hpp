// The readiness (epoll) backend's view of sources and operations: what it knows about an fd's
// readiness, its state per operation, and perform(), which runs an operation's syscalls.
#pragma once

#include <kov/detail/io_op.hpp>

namespace kov::detail {

// Invariant: ready_in/ready_out are the backend's knowledge that a syscall may succeed (set by
// readiness events, cleared by EAGAIN).
struct readiness_source final : io_source {
  bool ready_in = true;  // optimistic: the first attempt is a syscall
  bool ready_out = true;
  bool read_closed = false;  // the peer's end of stream (or an error) was reported
};

// A readiness backend's state per operation (in io_op::backend, made by start()).
struct readiness_op {
  bool connect_started = false;  // connect: the non-blocking connect(2) has been issued
};

// Runs the syscall of `op` once (or until blocked, for `all` ops) and returns what a backend
// stores in op.result: a result >= 0, -errno, or -EAGAIN when the op must wait for readiness.
// EINTR is retried here. `op` holds a readiness_op.
long perform(readiness_source& src, io_op& op) noexcept;

}  // namespace kov::detail
