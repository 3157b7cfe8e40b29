// The C API's TCP handles: listen, connect, close, addresses and options. The operations that
// wait for the socket (accept, read, write) are in tcp_io.cpp.

#include "tcp_handle.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

namespace kov::c_api {

kov_tcp* next_handle(const kov_tcp& h) noexcept {
  return handle_list::next(h);
}

void close_owned(kov_tcp& h) noexcept {
  if (h.closed) return;
  if (h.close_owner != nullptr) {
    h.close_owner(h.owner);  // closes `h` through kov_tcp_close
    return;
  }
  h.closed = true;
  // Pending operations complete with ECANCELED and their tasks are woken: their callbacks run
  // from the loop, never from here.
  h.listener.close();
  h.stream.close();
  release(h);  // the program's reference
}

}  // namespace kov::c_api

namespace {

using kov::c_api::errno_of;

// What most calls on a handle check first: 0, or the error to return.
int check(const kov_tcp* h) noexcept {
  if (h == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*h->rt)) return -EPERM;
  if (h->closed) return -EBADF;
  return 0;
}

int check_conn(const kov_tcp* h) noexcept {
  if (const int e = check(h); e != 0) return e;
  return h->listening ? -EINVAL : 0;
}

// Copies `text` and a NUL into buf[len]: the text's length, or -ENOSPC.
int copy_text(const std::string& text, char* buf, size_t len) noexcept {
  if (text.size() >= len) return -ENOSPC;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return static_cast<int>(text.size());
}

int address_text(kov::result<kov::net::socket_address> a, char* buf, size_t len) {
  if (!a) return -errno_of(a.error());
  return copy_text(a->to_string(), buf, len);
}

using connect_cb = void (*)(kov_tcp*, int, void*);

// Safety: a task of rt's runtime never outlives rt (~kov_runtime destroys every frame).
kov::task<void> connect_op(kov_runtime* rt, kov::task<kov::result<kov::net::tcp_stream>> connecting,
                           connect_cb cb, void* user) {
  auto s = co_await connecting;
  int status = 0;
  kov_tcp* conn = nullptr;
  if (!s) {
    status = -errno_of(s.error());
  } else {
    try {
      conn = new kov_tcp(*rt, std::move(*s));
    } catch (const std::bad_alloc&) {
      status = -ENOMEM;  // the socket closes with `s`
    }
  }
  cb(conn, status, user);
}

// Starts the connect task: `connect(timeout)` with a limit, `connect()` without one. The task is
// chosen before it is awaited: `co_await (cond ? connect(...) : connect(...))` crashed at run
// time with GCC 12.
template <class Connect>
int spawn_connect(kov_runtime* rt, uint64_t timeout_ms, Connect connect, connect_cb cb, void* user,
                  const char* name) {
  kov::task<kov::result<kov::net::tcp_stream>> connecting;
  if (timeout_ms > 0) {
    connecting = connect(kov::c_api::timeout_of(timeout_ms));
  } else {
    connecting = connect();
  }
  rt->core->spawn(connect_op(rt, std::move(connecting), cb, user), name).detach();
  return 0;
}

}  // namespace

extern "C" {

int kov_tcp_listen(kov_runtime* rt, const char* addr, kov_tcp** out) {
  if (rt == nullptr || addr == nullptr || out == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  return kov::c_api::guarded([&] {
    auto at = kov::net::socket_address::parse(addr);
    if (!at) return -EINVAL;
    // The socket registers with the reactor of the current runtime: make it `rt`, also when
    // called before kov_run.
    kov::c_api::enter_runtime entered(*rt);
    auto listener = kov::net::tcp_listener::bind(*at);
    if (!listener) return -errno_of(listener.error());
    *out = new kov_tcp(*rt, std::move(*listener));
    return 0;
  });
}

int kov_tcp_connect(kov_runtime* rt, const char* addr, uint64_t timeout_ms,
                    void (*cb)(kov_tcp*, int, void*), void* user) {
  if (rt == nullptr || addr == nullptr || cb == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  return kov::c_api::guarded([&] {
    auto to = kov::net::socket_address::parse(addr);
    if (!to) return -EINVAL;
    auto connect = [to = *to](auto... timeout) {
      return kov::net::tcp_stream::connect(to, timeout...);
    };
    return spawn_connect(rt, timeout_ms, connect, cb, user, "kov_tcp_connect");
  });
}

int kov_tcp_connect_name(kov_runtime* rt, const char* host_port, uint64_t timeout_ms,
                         void (*cb)(kov_tcp*, int, void*), void* user) {
  if (rt == nullptr || host_port == nullptr || cb == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  return kov::c_api::guarded([&] {
    const std::string_view text(host_port);
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return -EINVAL;
    auto connect = [text](auto... timeout) {
      return kov::net::tcp_stream::connect(text, timeout...);
    };
    return spawn_connect(rt, timeout_ms, connect, cb, user, "kov_tcp_connect_name");
  });
}

void kov_tcp_close(kov_tcp* tcp) {
  if (tcp == nullptr) return;
  KOV_ASSERT(kov::c_api::on_runtime_thread(*tcp->rt), "kov_tcp_close on a foreign thread");
  kov::c_api::close_owned(*tcp);
}

int kov_tcp_shutdown(kov_tcp* conn) {
  if (const int e = check_conn(conn); e != 0) return e;
  const auto r = conn->stream.shutdown(kov::net::shutdown_how::write);
  return r ? 0 : -errno_of(r.error());
}

int kov_tcp_set_nodelay(kov_tcp* conn, int on) {
  if (const int e = check_conn(conn); e != 0) return e;
  const auto r = conn->stream.set_nodelay(on != 0);
  return r ? 0 : -errno_of(r.error());
}

int kov_tcp_local_address(kov_tcp* tcp, char* buf, size_t len) {
  if (buf == nullptr) return -EINVAL;
  if (const int e = check(tcp); e != 0) return e;
  return kov::c_api::guarded([&] {
    return address_text(
        tcp->listening ? tcp->listener.local_address() : tcp->stream.local_address(), buf, len);
  });
}

int kov_tcp_peer_address(kov_tcp* conn, char* buf, size_t len) {
  if (buf == nullptr) return -EINVAL;
  if (const int e = check(conn); e != 0) return e;
  if (conn->listening) return -ENOTCONN;
  return kov::c_api::guarded([&] { return address_text(conn->stream.peer_address(), buf, len); });
}

}  // extern "C"
