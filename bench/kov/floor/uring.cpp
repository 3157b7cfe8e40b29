// floor-uring-echo / floor-uring-http --listen HOST:PORT: the kov suite's floor on raw
// io_uring (liburing). One loop; SINGLE_ISSUER and DEFER_TASKRUN; a multishot accept; a
// multishot receive per connection into a ring of provided buffers (registered once, shared by
// all connections); one send in flight per connection; everything queued in a pass over the
// completions goes to the kernel in the next io_uring_submit_and_wait. No abstraction: what
// the kernel alone costs for the work of floor/work.hpp. SIGINT or SIGTERM ends it (status 0).
#include "setup.hpp"
#include "work.hpp"

#include <liburing.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr unsigned ring_entries = 4096;
constexpr unsigned buffer_count = 1024;  // provided receive buffers, a power of two
constexpr std::size_t buffer_size = peers::echo_read_size;
constexpr int buffer_group = 0;

// What a completion is for, in the low bits of its user_data (connections are 8-aligned).
enum op : std::uint64_t { op_accept = 1, op_recv = 2, op_send = 3 };
constexpr std::uint64_t op_mask = 7;

struct connection {
  int fd = -1;
  floor_server::connection_work work;
  std::string sending;  // the bytes of the send in flight, from `sent` on
  std::size_t sent = 0;
  std::string next;  // what arrived while a send was in flight, sent after it
  bool receiving = false;
  bool closing = false;
};

class server {
 public:
  server(io_uring& ring, io_uring_buf_ring* buffers, char* memory, int listener)
      : ring_(ring), buffers_(buffers), memory_(memory), listener_(listener) {}

  void run() {
    arm_accept();
    while (floor_server::stopping == 0) {
      const int rc = io_uring_submit_and_wait(&ring_, 1);
      if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
        std::fprintf(stderr, "floor-uring: submit: %s\n", std::strerror(-rc));
        return;
      }
      io_uring_cqe* cqe = nullptr;
      unsigned head = 0;
      unsigned seen = 0;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        complete(*cqe);
        ++seen;
      }
      io_uring_cq_advance(&ring_, seen);
    }
  }

 private:
  io_uring_sqe* sqe() {
    io_uring_sqe* s = io_uring_get_sqe(&ring_);
    while (s == nullptr) {  // the submission queue is full: hand it to the kernel first
      io_uring_submit(&ring_);
      s = io_uring_get_sqe(&ring_);
    }
    return s;
  }

  void arm_accept() {
    io_uring_sqe* s = sqe();
    io_uring_prep_multishot_accept(s, listener_, nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, op_accept);
  }

  void arm_recv(connection* c) {
    io_uring_sqe* s = sqe();
    io_uring_prep_recv_multishot(s, c->fd, nullptr, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = buffer_group;
    io_uring_sqe_set_data64(s, reinterpret_cast<std::uint64_t>(c) | op_recv);
    c->receiving = true;
  }

  void start_send(connection* c) {
    io_uring_sqe* s = sqe();
    io_uring_prep_send(s, c->fd, c->sending.data() + c->sent, c->sending.size() - c->sent,
                       MSG_NOSIGNAL);
    io_uring_sqe_set_data64(s, reinterpret_cast<std::uint64_t>(c) | op_send);
  }

  bool sending(const connection* c) const { return !c->sending.empty(); }

  void complete(const io_uring_cqe& cqe) {
    const std::uint64_t data = cqe.user_data;
    if ((data & op_mask) == op_accept) return accepted(cqe);
    // Safety: the pointer came from `new connection` in accepted(), and the connection is
    // deleted only once neither a receive nor a send of it is outstanding (finish()).
    auto* c = reinterpret_cast<connection*>(data & ~op_mask);
    if ((data & op_mask) == op_recv) return received(c, cqe);
    sent(c, cqe.res);
  }

  void accepted(const io_uring_cqe& cqe) {
    if (!(cqe.flags & IORING_CQE_F_MORE)) arm_accept();
    if (cqe.res < 0) return;  // out of descriptors and the like: the next one may work
    auto* c = new connection;
    c->fd = cqe.res;
    const int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    arm_recv(c);
  }

  void received(connection* c, const io_uring_cqe& cqe) {
    const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;
    if (!more) c->receiving = false;
    if (cqe.res > 0 && !c->closing) {
      const unsigned id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
      const char* bytes = memory_ + std::size_t{id} * buffer_size;
      // The work reads from its own buffer; the provided one goes back to the ring at once.
      const std::span<char> space = c->work.space();
      const std::size_t n = static_cast<std::size_t>(cqe.res);
      std::memcpy(space.data(), bytes, n);
      give_back(id);
      const std::string_view out = c->work.received(n);
      if (!out.empty()) {
        c->next.append(out);
        if (!sending(c)) flush(c);
      }
      if (!more) arm_recv(c);  // the ring ran dry (ENOBUFS comes as res < 0, below)
      return;
    }
    if (cqe.res > 0) give_back(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    if (cqe.res == -ENOBUFS && !c->closing) {
      if (!more) arm_recv(c);
      return;
    }
    if (!more) {
      c->closing = true;  // end of stream or an error
      finish(c);
    }
  }

  void give_back(unsigned id) {
    io_uring_buf_ring_add(buffers_, memory_ + std::size_t{id} * buffer_size, buffer_size,
                          static_cast<unsigned short>(id), io_uring_buf_ring_mask(buffer_count), 0);
    io_uring_buf_ring_advance(buffers_, 1);
  }

  // Moves what is waiting into the send slot and starts the send.
  void flush(connection* c) {
    c->sending.swap(c->next);
    c->next.clear();
    c->sent = 0;
    start_send(c);
  }

  void sent(connection* c, int res) {
    if (res <= 0 || c->closing) {
      c->sending.clear();
      if (!c->closing) {
        c->closing = true;
        shutdown(c->fd, SHUT_RDWR);  // ends the multishot receive
      }
      return finish(c);
    }
    c->sent += static_cast<std::size_t>(res);
    if (c->sent < c->sending.size()) return start_send(c);  // a short send: the rest
    c->sending.clear();
    if (!c->next.empty()) flush(c);
  }

  // Frees a closing connection once no operation of it is outstanding.
  void finish(connection* c) {
    if (c->receiving || sending(c)) return;
    close(c->fd);
    delete c;
  }

  io_uring& ring_;
  io_uring_buf_ring* buffers_;
  char* memory_;
  int listener_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string name = std::string("floor-uring-") + floor_server::kind;
  const int listener = floor_server::start(argc, argv, name.c_str(), 0);
  io_uring ring{};
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (const int rc = io_uring_queue_init_params(ring_entries, &ring, &params); rc < 0) {
    std::fprintf(stderr, "%s: io_uring_queue_init: %s\n", name.c_str(), std::strerror(-rc));
    return 1;
  }
  // The buffer ring's descriptors, then the buffers themselves, both page-aligned.
  const std::size_t ring_bytes = sizeof(io_uring_buf) * buffer_count;
  void* ring_memory =
      mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  void* buffer_memory = mmap(nullptr, buffer_size * buffer_count, PROT_READ | PROT_WRITE,
                             MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (ring_memory == MAP_FAILED || buffer_memory == MAP_FAILED) {
    std::fprintf(stderr, "%s: mmap: %s\n", name.c_str(), std::strerror(errno));
    return 1;
  }
  auto* buffers = static_cast<io_uring_buf_ring*>(ring_memory);
  io_uring_buf_ring_init(buffers);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<std::uint64_t>(ring_memory);
  reg.ring_entries = buffer_count;
  reg.bgid = buffer_group;
  if (const int rc = io_uring_register_buf_ring(&ring, &reg, 0); rc < 0) {
    std::fprintf(stderr, "%s: io_uring_register_buf_ring: %s\n", name.c_str(), std::strerror(-rc));
    return 1;
  }
  auto* memory = static_cast<char*>(buffer_memory);
  for (unsigned i = 0; i < buffer_count; ++i) {
    io_uring_buf_ring_add(buffers, memory + std::size_t{i} * buffer_size, buffer_size,
                          static_cast<unsigned short>(i), io_uring_buf_ring_mask(buffer_count),
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(buffers, buffer_count);
  server(ring, buffers, memory, listener).run();
  return 0;
}
