// The C API's TLS (kov_tls.h): kov::tls::stream over a kov_tcp the kov_tls takes over. Each
// operation is a task holding a reference to the kov_tls, as the TCP operations (tcp_io.cpp) do.

#include <kov/tls/stream.hpp>

#include "tcp_handle.hpp"

#include <kov_tls.h>

#include <climits>
#include <new>
#include <optional>
#include <string>

namespace {

// The byte stream under TLS: the owned kov_tcp's socket.
// Safety: the kov_tls holds a reference to the kov_tcp for as long as its stream exists.
struct tcp_io {
  kov_tcp* h;
  auto read(kov::mutable_buffer b) { return h->stream.read(b); }
  auto write_all(kov::const_buffer b) { return h->stream.write_all(b); }
};

using tls_stream = kov::tls::stream<tcp_io>;

// KOV_ETLS_* are -(tls_errno_base + the tls::errc value).
constexpr int tls_errno_base = 4100;
static_assert(KOV_ETLS_VERIFY == -(tls_errno_base + int(kov::tls::errc::verification_failed)));
static_assert(KOV_ETLS_OPTION == -(tls_errno_base + int(kov::tls::errc::bad_option)));

// A kov or system error as a negative C API value. kov's own mapping (errors.cpp) is internal
// to libkov; the errors a TLS operation can meet are these.
int c_error_of(std::error_code e) noexcept {
  if (e.category() == kov::tls::error_category()) return -(tls_errno_base + e.value());
  if (e == kov::errc::timed_out) return -ETIMEDOUT;
  if (e == kov::errc::cancelled) return -ECANCELED;
  if (e == kov::errc::closed) return -EPIPE;
  if (e.category() == std::system_category() || e.category() == std::generic_category()) {
    return e.value() > 0 ? -e.value() : -EIO;
  }
  return -EIO;
}

}  // namespace

struct kov_tls_context {
  kov::tls::context ctx;
};

// Invariant: `refs` counts the program's ownership (until kov_tls_close) and each operation
// task; the handle is freed at zero. `tcp` (one counted reference) is the connection under
// `stream` and has close_owner set until `closed`. `handshaking`, `reading`, `sending`: an
// operation of that kind is in flight, cleared right before its callback runs.
struct kov_tls {
  kov_tls(kov_tcp& conn, tls_stream s) : tcp(conn), stream(std::move(s)) {}

  kov::c_api::tcp_ref tcp;
  tls_stream stream;
  std::string error_text;
  std::uint32_t refs = 1;
  bool closed = false;
  bool handshaking = false;
  bool handshaken = false;
  bool reading = false;
  bool sending = false;
};

namespace {

void release(kov_tls& t) noexcept {
  // Safety: every reference is counted in `refs`, so at zero nothing reaches the handle.
  if (--t.refs == 0) delete &t;
}

// A counted reference to a kov_tls held by an operation's task (as tcp_ref for kov_tcp).
class tls_ref {
 public:
  explicit tls_ref(kov_tls& t) noexcept : t_(&t) { ++t.refs; }
  tls_ref(tls_ref&& other) noexcept : t_(std::exchange(other.t_, nullptr)) {}
  tls_ref& operator=(tls_ref&&) = delete;
  tls_ref(const tls_ref&) = delete;
  tls_ref& operator=(const tls_ref&) = delete;
  ~tls_ref() {
    if (t_ != nullptr) release(*t_);
  }
  kov_tls* get() const noexcept { return t_; }
  kov_tls* operator->() const noexcept { return t_; }

 private:
  kov_tls* t_;
};

void close_tls(kov_tls& t) noexcept {
  if (t.closed) return;
  t.closed = true;
  t.tcp->close_owner = nullptr;
  kov_tcp_close(t.tcp.get());  // pending operations complete cancelled; callbacks run later
  release(t);                  // the program's reference
}

void close_owner(void* owner) noexcept {
  // Safety: `owner` is the kov_tls that set it, alive while it holds the connection.
  close_tls(*static_cast<kov_tls*>(owner));
}

using status_cb = void (*)(kov_tls*, int, void*);
using io_cb = void (*)(kov_tls*, long, void*);

// A failed operation's C error; OpenSSL's text is kept for kov_tls_error_text.
int failed(kov_tls& t, std::error_code e) {
  t.error_text = t.stream.error_text();
  return c_error_of(e);
}

// The operations themselves, each giving its callback's value.
// Safety (these and run_op): run_op's tls_ref keeps the handle (and through it the kov_tcp)
// alive across every suspension; the caller keeps `buf` valid until the callback has run
// (kov_tls.h), and a close takes the pending socket operation back from the reactor before that.
kov::task<int> do_handshake(kov_tls& t, kov::tls::deadline d) {
  auto h = co_await t.stream.handshake().with_deadline(d);
  t.handshaken = h.has_value();
  co_return h ? 0 : failed(t, h.error());
}

kov::task<long> do_read(kov_tls& t, kov::mutable_buffer buf) {
  auto r = co_await t.stream.read(buf);
  co_return r ? static_cast<long>(*r) : failed(t, r.error());
}

kov::task<long> do_write(kov_tls& t, kov::const_buffer buf) {
  auto r = co_await t.stream.write_all(buf);
  co_return r ? static_cast<long>(buf.size) : failed(t, r.error());
}

kov::task<int> do_shutdown(kov_tls& t) {
  auto r = co_await t.stream.shutdown();
  if (r) r = t.tcp->stream.shutdown(kov::net::shutdown_how::write);
  co_return r ? 0 : failed(t, r.error());
}

// Runs `op` (not at all once the handle is closed), clears the operation's in-flight flag and
// calls back; a handle closed meanwhile gives -ECANCELED, whatever the socket said, as the TCP
// operations do (tcp_io.cpp).
template <class Value>
kov::task<void> run_op(tls_ref t, bool kov_tls::*busy, kov::task<Value> op,
                       void (*cb)(kov_tls*, Value, void*), void* user) {
  Value v = -ECANCELED;
  if (!t->closed) v = co_await std::move(op);
  t.get()->*busy = false;
  if (t->closed) v = -ECANCELED;
  cb(t.get(), v, user);
}

// Starts the operation `make_op()` makes as a task of the handle's runtime, with `busy` set:
// 0, or -ENOMEM.
template <class MakeOp, class Value>
int start(kov_tls& t, bool kov_tls::*busy, MakeOp make_op, void (*cb)(kov_tls*, Value, void*),
          void* user, const char* name) {
  return kov::c_api::guarded([&] {
    t.tcp->rt->core->spawn(run_op(tls_ref(t), busy, make_op(), cb, user), name).detach();
    t.*busy = true;
    return 0;
  });
}

// The checks every operation makes: 0, or the error to return.
int check(const kov_tls* t, bool has_cb) noexcept {
  if (t == nullptr || !has_cb) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*t->tcp->rt)) return -EPERM;
  if (t->closed) return -EBADF;
  return 0;
}

// As check(), for read, write and shutdown: after a successful handshake only.
int check_io(const kov_tls* t, bool has_cb) noexcept {
  if (const int e = check(t, has_cb); e != 0) return e;
  return t->handshaken ? 0 : KOV_ETLS_NO_HANDSHAKE;
}

int wrap(kov_tcp* conn, const kov_tls_context* ctx, const char* server_name, bool server,
         kov_tls** out) {
  if (conn == nullptr || ctx == nullptr || out == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*conn->rt)) return -EPERM;
  if (conn->listening || ctx->ctx.is_server() != server) return -EINVAL;
  if (conn->closed) return -EBADF;
  if (conn->reading || conn->writing || conn->close_owner != nullptr) return -EBUSY;
  return kov::c_api::guarded([&] {
    auto s = server ? tls_stream::server(tcp_io{conn}, ctx->ctx)
                    : tls_stream::client(tcp_io{conn}, ctx->ctx,
                                         server_name != nullptr ? server_name : "");
    if (!s) return c_error_of(s.error());
    auto* t = new kov_tls(*conn, std::move(*s));
    conn->close_owner = &close_owner;
    conn->owner = t;
    *out = t;
    return 0;
  });
}

}  // namespace

extern "C" {

int kov_tls_context_new(const char* cert_file, const char* key_file, const char* ca_file, int flags,
                        kov_tls_context** out) {
  if (out == nullptr || (flags & ~(KOV_TLS_SERVER | KOV_TLS_INSECURE)) != 0) return -EINVAL;
  const bool server = (flags & KOV_TLS_SERVER) != 0;
  if (server && (cert_file == nullptr || key_file == nullptr)) return -EINVAL;
  return kov::c_api::guarded([&] {
    kov::tls::options o;
    if (cert_file != nullptr) o.cert_chain_file = cert_file;
    if (key_file != nullptr) o.key_file = key_file;
    if (ca_file != nullptr) o.ca_file = ca_file;
    // A server asks for client certificates only when given a CA to check them against.
    o.verify_peer = server ? ca_file != nullptr : (flags & KOV_TLS_INSECURE) == 0;
    auto ctx = server ? kov::tls::context::server(o) : kov::tls::context::client(o);
    if (!ctx) return c_error_of(ctx.error());
    *out = new kov_tls_context{std::move(*ctx)};
    return 0;
  });
}

void kov_tls_context_free(kov_tls_context* ctx) {
  delete ctx;
}

int kov_tls_client(kov_tcp* conn, const kov_tls_context* ctx, const char* server_name,
                   kov_tls** out) {
  return wrap(conn, ctx, server_name, false, out);
}

int kov_tls_server(kov_tcp* conn, const kov_tls_context* ctx, kov_tls** out) {
  return wrap(conn, ctx, nullptr, true, out);
}

int kov_tls_handshake(kov_tls* tls, uint64_t timeout_ms, status_cb cb, void* user) {
  if (const int e = check(tls, cb != nullptr); e != 0) return e;
  if (tls->handshaking || tls->handshaken) return -EBUSY;
  kov::tls::deadline d;
  if (timeout_ms != 0) d = kov::clock::now() + kov::c_api::timeout_of(timeout_ms);
  return start(
      *tls, &kov_tls::handshaking, [&] { return do_handshake(*tls, d); }, cb, user,
      "kov_tls_handshake");
}

int kov_tls_read(kov_tls* tls, void* buf, size_t len, io_cb cb, void* user) {
  if (buf == nullptr || len == 0) return -EINVAL;
  if (const int e = check_io(tls, cb != nullptr); e != 0) return e;
  if (tls->reading) return -EBUSY;
  // A read returns at most what a long can count.
  const kov::mutable_buffer b(buf, len > LONG_MAX ? static_cast<size_t>(LONG_MAX) : len);
  return start(
      *tls, &kov_tls::reading, [&] { return do_read(*tls, b); }, cb, user, "kov_tls_read");
}

int kov_tls_write(kov_tls* tls, const void* buf, size_t len, io_cb cb, void* user) {
  if ((buf == nullptr && len != 0) || len > LONG_MAX) return -EINVAL;
  if (const int e = check_io(tls, cb != nullptr); e != 0) return e;
  if (tls->sending) return -EBUSY;
  const kov::const_buffer b(buf, len);
  return start(
      *tls, &kov_tls::sending, [&] { return do_write(*tls, b); }, cb, user, "kov_tls_write");
}

int kov_tls_shutdown(kov_tls* tls, status_cb cb, void* user) {
  if (const int e = check_io(tls, cb != nullptr); e != 0) return e;
  if (tls->sending) return -EBUSY;
  return start(
      *tls, &kov_tls::sending, [&] { return do_shutdown(*tls); }, cb, user, "kov_tls_shutdown");
}

const char* kov_tls_error_text(const kov_tls* tls) {
  return tls != nullptr ? tls->error_text.c_str() : nullptr;
}

void kov_tls_close(kov_tls* tls) {
  if (tls == nullptr || tls->closed) return;
  KOV_ASSERT(kov::c_api::on_runtime_thread(*tls->tcp->rt), "kov_tls_close on a foreign thread");
  close_tls(*tls);
}

}  // extern "C"
