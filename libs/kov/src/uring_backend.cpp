// The io_uring reactor: operations are submitted as they start and completed from the
// completion queue. Submissions of one loop turn go to the kernel in one io_uring_enter, which
// also waits for completions, so a busy server pays one syscall per turn instead of one per
// read and write. Listeners use multishot accept: one submission yields connections until it
// is cancelled; connections that arrive with no accept waiting are kept for the next one.
//
// Stream receives use multishot receive with a provided-buffer ring (uring_buf_ring.hpp): the
// first read on a connection arms one submission that then completes once per arrival of
// data, each time into a buffer of the ring, which is copied into the waiting read (or, with
// no read waiting, kept in order on the source) and given back at once. The source's kept
// bytes are bounded: past max_kept_bytes the multishot is cancelled, so the kernel's socket
// buffer fills and the peer is held back, and the next read that finds nothing kept re-arms
// it. Every input on such a source (read, recv, readable) is then served from the kept bytes,
// which keeps their order. Without a buffer ring (kernel before 5.19) or multishot receive
// (before 6.0) reads stay single-shot.
//
// Cancellation: the kernel may write into an operation's buffer until its completion arrives,
// and the buffer lives in the awaiting task's frame. Taking an operation back therefore submits
// an async cancel and waits for the operation's completion before returning.
//
// Whether the kernel offers io_uring (and what this backend uses of it) is found out once per
// process, by the first runtime that asks; later runtimes where it is blocked fall back to
// epoll without trying again.

#include <kov/detail/reactor_backend.hpp>

#include "backend_ops.hpp"
#include "source_list.hpp"
#include "uring_buf_ring.hpp"

#include <liburing.h>
#include <poll.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace kov::detail {
namespace {

// user_data of a submission: an io_op*, an io_source* (multishot accept or receive) or a tag.
// Both types are 8-byte aligned, which leaves the low bits for the tag.
enum : std::uint64_t { tag_op = 0, tag_accept = 1, tag_recv = 4, tag_mask = 7 };
constexpr std::uint64_t wake_data = 2;     // the poll on the wake eventfd
constexpr std::uint64_t ignored_data = 3;  // async cancels: their own completion carries nothing

// A listener's state beyond the common source: the multishot accept and the connections it
// delivered that no accept has taken yet.
struct uring_source final : io_source {
  bool accept_armed = false;
  // fds, or a negative errno the next accept reports; at most max_queued_accepts. A vector
  // because every connection's source has this member and an empty vector allocates nothing.
  std::vector<long> accepted;
  // Multishot receive (streams): whether it is in flight, whether a cancel of it is, and
  // whether this source has used it (then every input goes through `kept`).
  bool recv_armed = false;
  bool recv_stopping = false;
  bool recv_multishot = false;
  // The end the kernel reported after the kept bytes: 1 none yet, 0 end of stream, or -errno.
  long recv_end = 1;
  // Bytes received that no read has taken yet, in order, from kept_at on.
  std::vector<char> kept;
  std::size_t kept_at = 0;
  std::size_t kept_size() const noexcept { return kept.size() - kept_at; }
  ~uring_source() override {
    for (const long conn : accepted) {
      if (conn >= 0) ::close(static_cast<int>(conn));
    }
  }
};

uring_source& as_uring(io_source& s) noexcept {
  // Safety: this backend allocates every source it registers as a uring_source.
  return static_cast<uring_source&>(s);
}

// What the kernel reads of an op while it is in flight (in io_op::backend, made by start()).
struct uring_op {
  io_source* source;           // the source it was started on
  msghdr msg;                  // recv_from / send_to / send_vectored: the message
  iovec iov;                   // msg's one buffer (recv_from / send_to)
  __kernel_timespec deadline;  // the linked timeout's expiry (read at submission)
};

// Whether `op` waits for the source's multishot receive (nothing of it is in the kernel): every
// input of a source that has used the multishot does.
bool on_multishot(const uring_source& u, const io_op& op) noexcept {
  return u.recv_multishot &&
         (op.kind == io_kind::read || op.kind == io_kind::recv || op.kind == io_kind::readable);
}

// The process's verdict on io_uring, reached by the first runtime that sets a ring up.
// Running out of a resource (ENOMEM, EMFILE) is no verdict: a later runtime tries again.
class uring_verdict {
 public:
  enum class state : std::uint8_t { unknown, usable, unusable };
  // The verdict so far; when unusable, `why` is set to the reason.
  state get(std::string& why) const {
    const std::lock_guard lock(mutex_);
    if (state_ == state::unusable) why = why_;
    return state_;
  }
  // Records the verdict: usable when `why` is empty.
  void set(const std::string& why) {
    const std::lock_guard lock(mutex_);
    state_ = why.empty() ? state::usable : state::unusable;
    why_ = why;
  }

 private:
  mutable std::mutex mutex_;  // runtimes may start on several threads at once
  state state_ = state::unknown;
  std::string why_;
};

uring_verdict& process_verdict() {
  static uring_verdict v;
  return v;
}

// Why this kernel cannot run the backend on `ring` (set up with `features`), or empty.
std::string lacking(io_uring& ring, unsigned features) {
  if ((features & IORING_FEAT_EXT_ARG) == 0 || (features & IORING_FEAT_NODROP) == 0) {
    return "kernel lacks IORING_FEAT_EXT_ARG or IORING_FEAT_NODROP";
  }
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr) return "io_uring probe failed";
  std::string why;
  for (const int opcode : {IORING_OP_READ, IORING_OP_WRITE, IORING_OP_RECV, IORING_OP_SEND,
                           IORING_OP_RECVMSG, IORING_OP_SENDMSG, IORING_OP_ACCEPT,
                           IORING_OP_CONNECT, IORING_OP_POLL_ADD, IORING_OP_ASYNC_CANCEL}) {
    if (io_uring_opcode_supported(probe, opcode) == 0) {
      why = "kernel lacks io_uring opcode " + std::to_string(opcode);
      break;
    }
  }
  io_uring_free_probe(probe);
  return why;
}

// Multishot receive arrived in Linux 6.0; the probe cannot tell (its opcode is IORING_OP_RECV).
bool kernel_has_multishot_recv() {
  utsname u{};
  if (::uname(&u) != 0) return false;
  int major = 0;
  int minor = 0;
  if (std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 6 || (major == 6 && minor >= 0);
}

// The provided-buffer ring's size: uring_buf_ring::max_entries, or fewer (a power of two) from
// KOV_URING_RECV_BUFFERS, which lets the tests run the ring dry.
unsigned buffer_count() {
  unsigned n = uring_buf_ring::max_entries;
  if (const char* env = std::getenv("KOV_URING_RECV_BUFFERS"); env != nullptr) {
    const unsigned long want = std::strtoul(env, nullptr, 10);
    while (n > 1 && n > want) n /= 2;
  }
  return n;
}

// Invariant: ring_ is initialised; wake_armed_ says a multishot poll on wake_fd_ is in flight;
// live_ lists every attached source; each pending op has exactly one submission in flight
// (or queued in the SQ) whose user_data is the op.
class uring_backend final : public reactor_backend {
 public:
  explicit uring_backend(int wake_fd) noexcept : wake_fd_(wake_fd) {}

  // Sets the ring up and checks that the kernel has everything this backend uses (once per
  // process). Returns false with `why` set when it has not (or io_uring is blocked, as
  // seccomp profiles do).
  bool init(std::string& why) {
    const auto known = process_verdict().get(why);
    if (known == uring_verdict::state::unusable) return false;
    // One thread submits; the kernel flags (IORING_SQ_TASKRUN) when completion work waits.
    // Best first: DEFER_TASKRUN (6.1) runs completion work only inside our own io_uring_enter,
    // batched, never as an interrupt of the loop; COOP_TASKRUN (5.19) defers it to the next
    // syscall; an older kernel gets no optional flags.
    constexpr unsigned common = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_TASKRUN_FLAG;
    int r = -EINVAL;
    io_uring_params params{};
    for (const unsigned flags :
         {common | IORING_SETUP_DEFER_TASKRUN, common | IORING_SETUP_COOP_TASKRUN, 0u}) {
      params = {};
      params.flags = flags;
      if (flags != 0) {
        params.cq_entries = 4 * ring_entries;
        params.flags |= IORING_SETUP_CQSIZE;
      }
      r = io_uring_queue_init_params(ring_entries, &ring_, &params);
      if (r != -EINVAL) break;
    }
    if (r < 0) {
      why = std::string("io_uring_setup: ") + std::strerror(-r);
      if (r != -ENOMEM && r != -EMFILE && r != -ENFILE && r != -EAGAIN) process_verdict().set(why);
      return false;
    }
    initialised_ = true;
    if (known == uring_verdict::state::unknown) {
      why = lacking(ring_, params.features);
      process_verdict().set(why);
      if (!why.empty()) return false;
    }
    // Saves the ring fd lookup on every io_uring_enter; optional.
    (void)io_uring_register_ring_fd(&ring_);
    multishot_ok_ = kernel_has_multishot_recv();
    if (const char* env = std::getenv("KOV_URING_RECV");
        env != nullptr && std::strcmp(env, "single") == 0) {
      multishot_ok_ = false;  // the single-shot receive path, for tests and comparisons
    }
    return true;
  }

  ~uring_backend() override {
    if (!initialised_) return;
    // Nothing of the orphans' is in flight any more (their tasks were destroyed first, which
    // took every operation back) but a listener's multishot accept.
    orphan_all(live_, [this](io_source& s) {
      if (as_uring(s).accept_armed) cancel_accept(as_uring(s));
      if (as_uring(s).recv_armed) cancel_recv(as_uring(s));
    });
    io_uring_queue_exit(&ring_);
  }
  uring_backend(const uring_backend&) = delete;
  uring_backend& operator=(const uring_backend&) = delete;

  const char* name() const noexcept override { return "io_uring"; }

  io_source* attach(int fd, bool stream) noexcept override {
    return attach_source<uring_source>(live_, fd, stream, this);
  }

  void detach(io_source& src) noexcept override {
    uring_source& u = as_uring(src);
    for (io_op* op : {src.reader, src.writer}) {
      if (op == nullptr) continue;
      task_header* t = op->task;
      take_back(src, *op);
      complete(*op, -ECANCELED, t);
    }
    // After the ops: with no accept waiting, the multishot's last completion does not re-arm.
    if (u.accept_armed) cancel_accept(u);
    if (u.recv_armed) cancel_recv(u);
    live_.erase(src);
    delete &u;
  }

  // The kernel enforces a deadline with a timeout linked to the op's submission; an accept
  // waits on the listener's multishot, which has none.
  bool start(io_source& src, io_op& op) noexcept override {
    KOV_ASSERT(waiter_of(src, op) == nullptr, "two pending operations on one side");
    if (op.kind == io_kind::accept) {
      uring_source& u = as_uring(src);
      if (!u.accepted.empty()) {
        const long conn = u.accepted.front();
        u.accepted.erase(u.accepted.begin());
        complete(op, conn, nullptr);
        return false;
      }
      if (!u.accept_armed) arm_accept(u);
      park(src, op);
      return false;
    }
    make_op_state<uring_op>(op).source = &src;
    if (multishot_input(src, op)) return start_multishot(as_uring(src), op);
    submit(src, op);
    park(src, op);
    return op.deadline_ns != 0;
  }

  void cancel(io_source& src, io_op& op) noexcept override {
    if (op.state == io_state::pending) take_back(src, op);
  }

  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    if (!wake_armed_) arm_wake();
    if (timeout && timeout->count() <= 0) {
      // Flush what this turn queued and collect what is done, without waiting.
      if (io_uring_sq_ready(&ring_) > 0 || (*ring_.sq.kflags & IORING_SQ_TASKRUN) != 0) {
        io_uring_submit_and_get_events(&ring_);
      }
    } else {
      auto ts = to_timespec<__kernel_timespec>(timeout.value_or(std::chrono::nanoseconds{}));
      io_uring_cqe* cqe = nullptr;
      // EINTR (a signal) and ETIME (the timeout) both just end the turn.
      io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, timeout ? &ts : nullptr, nullptr);
    }
    reap();
  }

 private:
  // Whether `op` is served by the source's multishot receive: a stream's plain recv, and every
  // input of a source that has used it.
  bool multishot_input(const io_source& src, const io_op& op) noexcept {
    if (!src.stream || side_of(op.kind) != io_side::in) return false;
    if (on_multishot(static_cast<const uring_source&>(src), op)) return true;
    if (op.kind != io_kind::recv || op.flags != 0 || !multishot_ok_) return false;
    if (!buf_ring_tried_) {
      buf_ring_tried_ = true;
      multishot_ok_ = bufs_.setup(ring_, buffer_count());
    }
    return multishot_ok_;
  }

  // Serves `op` from the kept bytes, or parks it for the multishot (armed if it is not).
  bool start_multishot(uring_source& u, io_op& op) noexcept {
    u.recv_multishot = true;
    long r = 0;
    if (take_kept(u, op, r)) {
      complete(op, r, nullptr);
      return false;
    }
    if (!u.recv_armed && u.kept_size() == 0) arm_recv(u);
    park(u, op);
    return false;  // the awaiting side keeps a deadline with a timer of its own
  }

  // Moves kept bytes into `op`. True when `op` is finished, its result in `r`.
  static bool take_kept(uring_source& u, io_op& op, long& r) noexcept {
    if (op.kind == io_kind::readable) {
      r = 0;
      return u.kept_size() > 0 || u.recv_end != 1;
    }
    if (const std::size_t n = std::min(u.kept_size(), op.len - op.transferred); n > 0) {
      // Safety: buf holds len bytes and transferred + n <= len; kept holds n bytes from kept_at.
      std::memcpy(static_cast<char*>(op.buf) + op.transferred, u.kept.data() + u.kept_at, n);
      u.kept_at += n;
      if (u.kept_at == u.kept.size()) {
        u.kept.clear();
        u.kept_at = 0;
      }
      op.transferred += n;
    }
    // transferred counts what keep() copied straight in too (a plain read starts at 0).
    if (op.transferred == op.len || (!op.all && op.transferred > 0)) {
      r = static_cast<long>(op.transferred);
      return true;
    }
    if (u.recv_end != 1) {
      r = u.recv_end < 0 ? u.recv_end : static_cast<long>(op.transferred);
      return true;
    }
    return false;
  }

  void arm_recv(uring_source& u) noexcept {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_recv_multishot(sqe, u.fd, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = uring_buf_ring::group;
    io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uintptr_t>(&u) | tag_recv);
    u.recv_armed = true;
  }

  void cancel_recv(uring_source& u) noexcept {
    cancel_and_wait(reinterpret_cast<std::uintptr_t>(&u) | tag_recv,
                    [&u] { return !u.recv_armed; });
  }

  void on_recv(uring_source& u, int res, unsigned flags) noexcept {
    if ((flags & IORING_CQE_F_MORE) == 0) {
      u.recv_armed = false;
      u.recv_stopping = false;
    }
    if ((flags & IORING_CQE_F_BUFFER) != 0) {
      const unsigned id = flags >> IORING_CQE_BUFFER_SHIFT;
      if (res > 0 && u.owner != nullptr) keep(u, bufs_.buffer(id), static_cast<std::size_t>(res));
      bufs_.recycle(id);
    }
    if (u.owner == nullptr) return;
    if (res == 0) {
      u.recv_end = 0;
    } else if (res < 0 && res != -ENOBUFS && res != -ECANCELED) {
      // ENOBUFS: the ring ran dry in this kernel entry (its buffers are back now); ECANCELED:
      // our own stop. Neither ends the stream; anything else does, after the kept bytes.
      u.recv_end = res;
    }
    if (io_op* op = u.reader; op != nullptr) {
      if (long r = 0; take_kept(u, *op, r)) {
        u.reader = nullptr;
        complete(*op, r, op->task);
      }
    }
    if (u.recv_armed && !u.recv_stopping && u.kept_size() > max_kept_bytes) {
      // Nobody reads fast enough: let the socket buffer fill and hold the peer back.
      io_uring_sqe* sqe = next_sqe();
      io_uring_prep_cancel64(sqe, reinterpret_cast<std::uintptr_t>(&u) | tag_recv, 0);
      io_uring_sqe_set_data64(sqe, ignored_data);
      u.recv_stopping = true;
    }
    if (!u.recv_armed && u.reader != nullptr && u.kept_size() == 0 && u.recv_end == 1) {
      arm_recv(u);
    }
  }

  // Appends `n` received bytes to the source's kept bytes, or straight into a waiting read.
  static void keep(uring_source& u, const char* data, std::size_t n) noexcept {
    if (io_op* op = u.reader;
        op != nullptr && u.kept_size() == 0 && op->kind != io_kind::readable) {
      const std::size_t direct = std::min(n, op->len - op->transferred);
      // Safety: buf holds len bytes and transferred + direct <= len.
      std::memcpy(static_cast<char*>(op->buf) + op->transferred, data, direct);
      op->transferred += direct;
      data += direct;
      n -= direct;
    }
    if (n > 0) u.kept.insert(u.kept.end(), data, data + n);
  }

  io_uring_sqe* next_sqe() noexcept {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
      io_uring_submit(&ring_);  // the submission queue is full: hand it over now
      sqe = io_uring_get_sqe(&ring_);
    }
    // Submitting frees every slot (the kernel copies SQEs at submission), so this cannot fail.
    KOV_ASSERT(sqe != nullptr, "no free submission slot after a submit");
    return sqe;
  }

  // Queues the submission that performs `op` (or the rest of it, for `all` ops).
  void submit(io_source& src, io_op& op) noexcept {
    // An op and its linked timeout must reach the kernel in one submission.
    if (op.deadline_ns != 0 && io_uring_sq_space_left(&ring_) < 2) io_uring_submit(&ring_);
    io_uring_sqe* sqe = next_sqe();
    const int fd = src.fd;
    // Safety: buf holds len bytes and transferred <= len (the frame keeps both alive until
    // the completion, see cancel).
    char* at = static_cast<char*>(op.buf) + op.transferred;
    const auto rest = static_cast<unsigned>(op.len - op.transferred);
    switch (op.kind) {
      // Offset -1: the file's current position, which is what read(2) and write(2) use.
      case io_kind::read:
        io_uring_prep_read(sqe, fd, at, rest, static_cast<__u64>(-1));
        break;
      case io_kind::write:
        io_uring_prep_write(sqe, fd, at, rest, static_cast<__u64>(-1));
        break;
      case io_kind::recv:
        io_uring_prep_recv(sqe, fd, at, rest, op.flags);
        break;
      case io_kind::send:
        io_uring_prep_send(sqe, fd, at, rest, op.flags | MSG_NOSIGNAL);
        break;
      case io_kind::recv_from:
      case io_kind::send_to: {
        uring_op& st = op_state<uring_op>(op);
        st.iov = {at, rest};
        st.msg = {};
        st.msg.msg_iov = &st.iov;
        st.msg.msg_iovlen = 1;
        st.msg.msg_name = op.addr;
        if (op.kind == io_kind::recv_from) {
          st.msg.msg_namelen = op.addr_len != nullptr ? *op.addr_len : 0;
          io_uring_prep_recvmsg(sqe, fd, &st.msg, static_cast<unsigned>(op.flags));
        } else {
          st.msg.msg_namelen = op.addr_size;
          io_uring_prep_sendmsg(sqe, fd, &st.msg, static_cast<unsigned>(op.flags | MSG_NOSIGNAL));
        }
        break;
      }
      case io_kind::send_vectored: {
        // The iovec array lives in the awaiting frame, as a buffer does.
        uring_op& st = op_state<uring_op>(op);
        st.msg = {};
        st.msg.msg_iov = static_cast<iovec*>(op.buf);
        st.msg.msg_iovlen = op.len;
        io_uring_prep_sendmsg(sqe, fd, &st.msg, static_cast<unsigned>(op.flags | MSG_NOSIGNAL));
        break;
      }
      case io_kind::connect:
        io_uring_prep_connect(sqe, fd, op.addr, op.addr_size);
        break;
      case io_kind::readable:
        io_uring_prep_poll_add(sqe, fd, POLLIN);
        break;
      case io_kind::writable:
        io_uring_prep_poll_add(sqe, fd, POLLOUT);
        break;
      case io_kind::accept:
        io_uring_prep_accept(sqe, fd, op.addr, op.addr_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        break;
    }
    io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uintptr_t>(&op) | tag_op);
    if (op.deadline_ns != 0) link_deadline(sqe, op);
  }

  // The op's deadline as a linked timeout: the kernel cancels the op when it passes (the op
  // then completes with -ECANCELED, reported as -ETIMEDOUT). steady_clock is CLOCK_MONOTONIC,
  // the clock of io_uring timeouts.
  void link_deadline(io_uring_sqe* op_sqe, io_op& op) noexcept {
    op_sqe->flags |= IOSQE_IO_LINK;
    __kernel_timespec& at = op_state<uring_op>(op).deadline;
    at = to_timespec<__kernel_timespec>(std::chrono::nanoseconds(op.deadline_ns));
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_link_timeout(sqe, &at, IORING_TIMEOUT_ABS);
    io_uring_sqe_set_data64(sqe, ignored_data);
  }

  void arm_accept(uring_source& u) noexcept {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_multishot_accept(sqe, u.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uintptr_t>(&u) | tag_accept);
    u.accept_armed = true;
  }

  void arm_wake() noexcept {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_poll_multishot(sqe, wake_fd_, POLLIN);
    io_uring_sqe_set_data64(sqe, wake_data);
    wake_armed_ = true;
  }

  // Submits an async cancel of whatever carries `data` and handles completions until `done`
  // says the cancelled work has completed.
  template <class Done>
  void cancel_and_wait(std::uint64_t data, Done done) noexcept {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_cancel64(sqe, data, 0);
    io_uring_sqe_set_data64(sqe, ignored_data);
    while (!done()) {
      io_uring_cqe* cqe = nullptr;
      io_uring_submit_and_wait(&ring_, 1);
      if (io_uring_peek_cqe(&ring_, &cqe) == 0) reap();
    }
  }

  // Takes `op` back from the kernel: afterwards nothing writes into its buffer.
  void take_back(io_source& src, io_op& op) noexcept {
    clear_waiter(src, op);
    op.task = nullptr;  // its completion must not wake the task that gave it up
    if (op.kind == io_kind::accept || on_multishot(as_uring(src), op)) {
      // The multishot accept (receive) is the source's, not the op's: it keeps running for the
      // next accept (read), and nothing of this op is in the kernel.
      op.state = io_state::idle;
      return;
    }
    op.state = io_state::cancelling;
    cancel_and_wait(reinterpret_cast<std::uintptr_t>(&op) | tag_op,
                    [&op] { return op.state != io_state::cancelling; });
    op.state = io_state::idle;
  }

  void cancel_accept(uring_source& u) noexcept {
    cancel_and_wait(reinterpret_cast<std::uintptr_t>(&u) | tag_accept,
                    [&u] { return !u.accept_armed; });
  }

  void reap() noexcept {
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      ++seen;
      on_completion(cqe->user_data, cqe->res, cqe->flags);
    }
    io_uring_cq_advance(&ring_, seen);
  }

  void on_completion(std::uint64_t data, int res, unsigned flags) noexcept {
    if (data == ignored_data) return;
    if (data == wake_data) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto r = ::read(wake_fd_, &count, sizeof count);
      if ((flags & IORING_CQE_F_MORE) == 0) wake_armed_ = false;
      return;
    }
    if ((data & tag_mask) == tag_recv) {
      // Safety: as for accepts, cancel_recv waits for the multishot receive's last completion.
      on_recv(*reinterpret_cast<uring_source*>(data & ~tag_mask), res, flags);
      return;
    }
    if ((data & tag_mask) == tag_accept) {
      // Safety: a source is freed only after its multishot accept has completed for the last
      // time (cancel_accept waits for that).
      on_accept(*reinterpret_cast<uring_source*>(data & ~tag_mask), res, flags);
      return;
    }
    // Safety: an op in flight stays alive until its completion (take_back waits for it).
    io_op& op = *reinterpret_cast<io_op*>(data);
    if (op.state == io_state::cancelling) {
      op.state = io_state::done;
      op.result = res;
      return;
    }
    on_op(op, res);
  }

  void on_op(io_op& op, int res) noexcept {
    uring_op& st = op_state<uring_op>(op);
    io_source& src = *st.source;
    if (op.all && res > 0) {
      op.transferred += static_cast<std::size_t>(res);
      if (op.transferred < op.len) {
        submit(src, op);  // the rest, from where this part ended
        return;
      }
    }
    long r = res;
    if (op.all && res >= 0) r = static_cast<long>(op.transferred);
    // Every op with a deadline has a linked timeout, and a cancel of our own is taken back
    // (take_back) before it completes here: this cancel is the timeout's.
    if (res == -ECANCELED && op.deadline_ns != 0) r = -ETIMEDOUT;
    if (op.kind == io_kind::recv_from && res >= 0 && op.addr_len != nullptr) {
      *op.addr_len = st.msg.msg_namelen;
    }
    clear_waiter(src, op);
    complete(op, r, op.task);
  }

  void on_accept(uring_source& u, int res, unsigned flags) noexcept {
    if ((flags & IORING_CQE_F_MORE) == 0) u.accept_armed = false;
    if (u.owner == nullptr) {
      if (res >= 0) ::close(res);  // the listener's runtime is gone
      return;
    }
    if (res == -ECANCELED) {
      // Stopped by us: for a full queue of accepted connections, or for good (then nothing
      // waits). An accept that started in between needs it again.
      if (!u.accept_armed && u.reader != nullptr) arm_accept(u);
      return;
    }
    if (io_op* op = u.reader; op != nullptr && op->kind == io_kind::accept) {
      u.reader = nullptr;
      complete(*op, res, op->task);
      // Still waiting for nothing: a stopped multishot is armed again by the next accept.
    } else {
      u.accepted.push_back(res);
      if (u.accept_armed && u.accepted.size() >= max_queued_accepts) {
        // Nobody is accepting: leave further connections in the kernel's backlog, which the
        // listen(2) backlog bounds, instead of taking fds for them. The next accept re-arms.
        io_uring_sqe* sqe = next_sqe();
        io_uring_prep_cancel64(sqe, reinterpret_cast<std::uintptr_t>(&u) | tag_accept, 0);
        io_uring_sqe_set_data64(sqe, ignored_data);
      }
    }
    if (!u.accept_armed && u.reader != nullptr) arm_accept(u);
  }

  static constexpr unsigned ring_entries = 1024;
  static constexpr std::size_t max_queued_accepts = 64;
  // Received bytes a source keeps for reads before its multishot receive is stopped.
  static constexpr std::size_t max_kept_bytes = std::size_t{64} << 10;
  int wake_fd_;
  io_uring ring_{};
  bool initialised_ = false;
  bool wake_armed_ = false;
  source_list live_;
  uring_buf_ring bufs_;  // set up by the first stream receive
  bool buf_ring_tried_ = false;
  bool multishot_ok_ = true;
};

}  // namespace

std::unique_ptr<reactor_backend> make_uring_backend(int wake_fd, std::string& why) {
  auto backend = std::make_unique<uring_backend>(wake_fd);
  if (!backend->init(why)) return nullptr;
  return backend;
}

}  // namespace kov::detail
