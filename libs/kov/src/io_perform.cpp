// The syscalls behind each io_kind, for readiness-based backends (epoll): one attempt, with
// EINTR retried and partial transfers of `all` operations continued.

#include "io_perform.hpp"

#include "backend_ops.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace kov::detail {
namespace {

long once(io_source& src, io_op& op, void* buf, std::size_t len) noexcept {
  const int fd = src.fd;
  switch (op.kind) {
    case io_kind::read:
      return ::read(fd, buf, len);
    case io_kind::write:
      return ::write(fd, buf, len);
    case io_kind::recv:
      return ::recv(fd, buf, len, op.flags);
    // MSG_NOSIGNAL: a write to a reset connection is an EPIPE value, never a SIGPIPE.
    case io_kind::send:
      return ::send(fd, buf, len, op.flags | MSG_NOSIGNAL);
    case io_kind::recv_from:
      return ::recvfrom(fd, buf, len, op.flags, op.addr, op.addr_len);
    case io_kind::send_to:
      return ::sendto(fd, buf, len, op.flags | MSG_NOSIGNAL, op.addr, op.addr_size);
    case io_kind::send_vectored: {
      msghdr msg{};
      msg.msg_iov = static_cast<iovec*>(op.buf);
      msg.msg_iovlen = op.len;
      return ::sendmsg(fd, &msg, op.flags | MSG_NOSIGNAL);
    }
    case io_kind::accept:
      return ::accept4(fd, op.addr, op.addr_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    default:
      return 0;
  }
}

// connect: issue connect(2) once; afterwards each readiness event asks whether the handshake
// has ended (SO_ERROR holds its failure; getpeername tells success from "still going").
long connect_step(io_source& src, io_op& op) noexcept {
  bool& started = op_state<readiness_op>(op).connect_started;
  if (!started) {
    if (::connect(src.fd, op.addr, op.addr_size) == 0) return 0;
    if (errno != EINPROGRESS) return -errno;
    started = true;
    return -EAGAIN;
  }
  int err = 0;
  socklen_t size = sizeof err;
  if (::getsockopt(src.fd, SOL_SOCKET, SO_ERROR, &err, &size) != 0) return -errno;
  if (err != 0) return -err;
  sockaddr_storage peer{};
  socklen_t peer_size = sizeof peer;
  // Safety: sockaddr_storage is large enough for any address getpeername writes.
  if (::getpeername(src.fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0) return 0;
  return errno == ENOTCONN ? -EAGAIN : -errno;
}

// readable / writable: asks poll(2), without waiting, whether a read (write) would block. The
// source's ready flag cannot answer: it starts set and stays set until a syscall meets EAGAIN,
// so an fd drained by a read that filled its buffer would still look ready.
long probe(const io_source& src, const io_op& op) noexcept {
  pollfd p{};
  p.fd = src.fd;
  p.events = op.kind == io_kind::readable ? POLLIN : POLLOUT;
  for (;;) {
    const int n = ::poll(&p, 1, 0);
    // An error or a hang-up counts as ready: the read or write would report it at once.
    if (n > 0) return 0;
    if (n == 0) return -EAGAIN;
    if (errno != EINTR) return -errno;
  }
}

}  // namespace

long perform(readiness_source& src, io_op& op) noexcept {
  switch (op.kind) {
    case io_kind::readable:
    case io_kind::writable:
      return probe(src, op);
    case io_kind::connect:
      return connect_step(src, op);
    default:
      break;
  }
  for (;;) {
    // Safety: buf holds len bytes (the awaiting frame keeps the caller's buffer alive) and
    // transferred <= len.
    char* at = static_cast<char*>(op.buf) + op.transferred;
    const long n = once(src, op, at, op.len - op.transferred);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EWOULDBLOCK) return -EAGAIN;
      return -errno;
    }
    if (!op.all) {
      // A short read from a byte stream drained the socket: the next one would see EAGAIN,
      // and new data brings a new edge. Not after end of stream, whose edge has been consumed.
      if (src.stream && side_of(op.kind) == io_side::in && n > 0 &&
          static_cast<std::size_t>(n) < op.len && !src.read_closed) {
        src.ready_in = false;
      }
      return n;
    }
    op.transferred += static_cast<std::size_t>(n);
    if (op.transferred == op.len || n == 0) return static_cast<long>(op.transferred);
  }
}

}  // namespace kov::detail
