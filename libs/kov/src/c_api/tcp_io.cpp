// The C API's waiting TCP operations: accept, read, write. Each is a task holding a reference
// to its handle: it awaits the C++ operation, clears the handle's in-flight flag and calls the
// callback. A handle closed meanwhile turns the outcome into ECANCELED, whatever the socket
// said, so every callback pending at kov_tcp_close sees the same thing.

#include "tcp_handle.hpp"

#include <climits>
#include <new>

namespace {

using kov::c_api::errno_of;
using kov::c_api::tcp_ref;
using accept_cb = void (*)(kov_tcp*, int, kov_tcp*, void*);
using io_cb = void (*)(kov_tcp*, long, void*);

// Safety (the three tasks): the tcp_ref keeps the handle alive across every suspension, and
// the handle's runtime outlives it; the caller of kov_tcp_read / kov_tcp_write keeps `buf`
// valid until the callback has run (kov.h), and a close takes the pending operation back from
// the reactor before that.
kov::task<void> accept_op(tcp_ref l, accept_cb cb, void* user) {
  int status = -ECANCELED;
  kov_tcp* conn = nullptr;
  if (!l->closed) {
    auto s = co_await l->listener.accept();
    if (!s) {
      status = -errno_of(s.error());
    } else if (!l->closed) {
      try {
        conn = new kov_tcp(*l->rt, std::move(*s));
        status = 0;
      } catch (const std::bad_alloc&) {
        status = -ENOMEM;  // the connection closes with `s`
      }
    }
  }
  l->accepting = false;
  if (l->closed) status = -ECANCELED;  // `conn` is null then: it is made only while open
  cb(l.get(), status, conn, user);
}

kov::task<void> read_op(tcp_ref h, kov::mutable_buffer buf, io_cb cb, void* user) {
  long n = -ECANCELED;
  if (!h->closed) {
    auto r = co_await h->stream.read(buf);
    n = r ? static_cast<long>(*r) : -errno_of(r.error());
  }
  h->reading = false;
  if (h->closed) n = -ECANCELED;
  cb(h.get(), n, user);
}

kov::task<void> write_op(tcp_ref h, kov::const_buffer buf, io_cb cb, void* user) {
  long n = -ECANCELED;
  if (!h->closed) {
    // A zero-length write completes at once with 0, touching neither `buf.data` (which may be
    // null) nor the socket: write_all of nothing is done before it starts.
    auto r = co_await h->stream.write_all(buf);
    n = r ? static_cast<long>(buf.size) : -errno_of(r.error());
  }
  h->writing = false;
  if (h->closed) n = -ECANCELED;
  cb(h.get(), n, user);
}

// The checks every operation makes before starting: 0, or the error to return.
int check(const kov_tcp* h, bool want_listener, bool has_cb) noexcept {
  if (h == nullptr || !has_cb) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*h->rt)) return -EPERM;
  if (h->listening != want_listener) return -EINVAL;
  if (h->closed) return -EBADF;
  return 0;
}

}  // namespace

extern "C" {

int kov_tcp_accept(kov_tcp* listener, accept_cb cb, void* user) {
  if (const int e = check(listener, true, cb != nullptr); e != 0) return e;
  if (listener->accepting) return -EBUSY;
  return kov::c_api::guarded([&] {
    listener->rt->core->spawn(accept_op(tcp_ref(*listener), cb, user), "kov_tcp_accept").detach();
    listener->accepting = true;
    return 0;
  });
}

int kov_tcp_read(kov_tcp* conn, void* buf, size_t len, io_cb cb, void* user) {
  if (buf == nullptr || len == 0) return -EINVAL;
  if (const int e = check(conn, false, cb != nullptr); e != 0) return e;
  if (conn->reading) return -EBUSY;
  // A read returns at most what a long can count.
  const kov::mutable_buffer b(buf, len > LONG_MAX ? static_cast<size_t>(LONG_MAX) : len);
  return kov::c_api::guarded([&] {
    conn->rt->core->spawn(read_op(tcp_ref(*conn), b, cb, user), "kov_tcp_read").detach();
    conn->reading = true;
    return 0;
  });
}

int kov_tcp_write(kov_tcp* conn, const void* buf, size_t len, io_cb cb, void* user) {
  if ((buf == nullptr && len != 0) || len > LONG_MAX) return -EINVAL;
  if (const int e = check(conn, false, cb != nullptr); e != 0) return e;
  if (conn->writing) return -EBUSY;
  const kov::const_buffer b(buf, len);
  return kov::c_api::guarded([&] {
    conn->rt->core->spawn(write_op(tcp_ref(*conn), b, cb, user), "kov_tcp_write").detach();
    conn->writing = true;
    return 0;
  });
}

}  // extern "C"
