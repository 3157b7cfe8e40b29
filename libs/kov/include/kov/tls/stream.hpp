// kov::tls::stream<Stream>: TLS over any kov byte stream (tcp_stream, unix_stream, a buffered or
// split stream, a type of the user's with read/write_all), client or server side.
//
//   auto ctx = kov::tls::context::client();                       // system CAs, verify on
//   auto tcp = co_await kov::net::tcp_stream::connect("example.com:443", 5s);
//   auto tls = kov::tls::stream<kov::net::tcp_stream>::client(std::move(*tcp), *ctx,
//                                                             "example.com");
//   if (auto h = co_await tls->handshake().with_timeout(5s); !h) ...  // tls::errc, timed_out
//   co_await tls->write_all(request);
//   auto n = co_await tls->read(buf);             // 0: the peer's close_notify (clean end)
//                                                 // tls::errc::truncated: closed without one
//   co_await tls->shutdown();                     // sends our close_notify
//
// OpenSSL sits between two memory BIOs (tls/detail/engine.hpp): it never sees a file descriptor
// and never blocks, so the same code runs on either reactor backend.
//
// Concurrency: one task may read while another writes (or shuts down); handshake() must finish
// before either starts. Ciphertext the reading side must send (a TLS 1.3 KeyUpdate answer) goes
// out with the writer's next flush when a writer is active, so a reader never waits behind a
// writer that is itself waiting for the peer to read: two peers that both write large amounts
// at once do not deadlock.
//
// Timeouts: each operation takes .with_timeout(d) / .with_deadline(t), which bounds all the I/O
// it does and its wait behind another task's send (errc::timed_out). A timed-out read loses
// nothing and the stream goes on; a send abandoned mid-record (by a write, handshake, shutdown,
// or a read flushing a KeyUpdate answer) leaves the stream broken (tls::errc::broken), as the
// peer holds half a record: from then on nothing is sent (pending ciphertext is dropped), writes
// and shutdown fail with broken, and reads still decrypt what arrives.
#pragma once

#include <kov/as_task.hpp>
#include <kov/buffer.hpp>
#include <kov/mutex.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>
#include <kov/time.hpp>
#include <kov/tls/context.hpp>
#include <kov/tls/detail/engine.hpp>
#include <kov/tls/error.hpp>

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kov::tls {

/// When an operation gives up (errc::timed_out); nullopt: never.
using deadline = std::optional<clock::time_point>;

namespace detail {

// An operation of a tls::stream, started when awaited (so a deadline can still be set on it).
template <class State, class T>
class [[nodiscard]] op {
 public:
  using start_fn = task<result<T>> (*)(State&, void*, std::size_t, deadline);

  op(State& s, start_fn start, void* data = nullptr, std::size_t size = 0) noexcept
      : state_(&s), start_(start), data_(data), size_(size) {}

  op&& with_deadline(deadline d) && noexcept {
    deadline_ = d;
    return std::move(*this);
  }
  template <class Rep, class Period>
  op&& with_timeout(std::chrono::duration<Rep, Period> d) && noexcept {
    return std::move(*this).with_deadline(clock::now() +
                                          std::chrono::duration_cast<clock::duration>(d));
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) {
    // task_ keeps owning the frame while the awaiter runs it (task's rule for an lvalue).
    task_.emplace(start_(*state_, data_, size_, deadline_));
    awaiter_.emplace(task_->operator co_await());
    return awaiter_->await_suspend(caller);
  }
  result<T> await_resume() { return awaiter_->await_resume(); }

 private:
  State* state_;
  start_fn start_;
  void* data_;
  std::size_t size_;
  deadline deadline_;
  std::optional<task<result<T>>> task_;
  std::optional<typename task<result<T>>::awaiter> awaiter_;
};

template <class A>
concept has_deadline = requires(A a) {
  std::move(a).with_deadline(deadline{});
};

// Awaits `a` bounded by `d`: through the awaitable's own deadline when it has one, else in a
// task under kov::timeout_at.
template <class A>
task<kov::detail::await_result_t<A>> bounded(A a, deadline d) {
  if constexpr (has_deadline<A>) {
    co_return co_await std::move(a).with_deadline(d);
  } else {
    if (!d) co_return co_await std::move(a);
    auto r = co_await kov::timeout_at(*d, as_task(std::move(a)));
    if (!r) co_return r.error();
    co_return std::move(*r);
  }
}

}  // namespace detail

/// TLS over the byte stream `Stream` (tcp_stream, unix_stream, a buffered or split stream, a
/// type of the user's with read and write_all), which it holds: the client side (client(), a
/// client context) or the server side (server(), a server context). OpenSSL works between
/// memory buffers and never blocks, so the same code runs on either reactor backend.
///
/// Operations return awaitables that take `.with_timeout(d)` / `.with_deadline(t)`, bounding
/// all the I/O they do (errc::timed_out). A timed-out read loses nothing; a write, handshake or
/// shutdown abandoned mid-send leaves the stream broken (tls::errc::broken). Concurrency: one
/// task may read while another writes (or shuts down), once handshake() has finished.
template <class Stream>
class stream {
  struct state;

 public:
  /// The largest TLS record's plaintext: writes are cut into records of this size.
  static constexpr std::size_t record_size = std::size_t{16} * 1024;

  /// A client for `host`: its certificate is checked against it (a name or an IP address; empty:
  /// no host name check), and a name is sent as SNI. Takes over `next`; `ctx` is shared. Fails
  /// with tls::errc::bad_option for a host name OpenSSL refuses.
  static result<stream> client(Stream next, const context& ctx, std::string_view host) {
    return make(std::move(next), ctx, host);
  }
  /// A server over `next` (taken over) with `ctx`'s certificate, verifying a client
  /// certificate when `ctx` asks for one.
  static result<stream> server(Stream next, const context& ctx) {
    return make(std::move(next), ctx, {});
  }

  /// Runs the handshake. Errors: tls::errc::verification_failed (error_text() says why),
  /// handshake_failed, truncated (the peer closed the connection), errc::timed_out, I/O errors.
  detail::op<state, void> handshake() noexcept { return {*s_, &handshake_run}; }
  /// Reads at most b.size bytes of plaintext: the count, 0 at the peer's close_notify
  /// (tls::errc::truncated when the transport ends without one).
  detail::op<state, std::size_t> read(mutable_buffer b) noexcept {
    return {*s_, &read_run, b.data, b.size};
  }
  /// Writes all of `b`, cut into records of record_size, or fails (a failure midway leaves the
  /// stream broken).
  detail::op<state, void> write_all(const_buffer b) noexcept {
    // Safety: write_run only reads through the pointer; op holds one pointer type for both ways.
    return {*s_, &write_run, const_cast<void*>(b.data), b.size};
  }
  /// Sends our close_notify (the peer then reads the end of the stream). Reading may go on until
  /// the peer's own close_notify. The transport stays open: close it or next_layer().shutdown().
  detail::op<state, void> shutdown() noexcept { return {*s_, &shutdown_run}; }
  /// Queues a TLS 1.3 KeyUpdate (asking the peer to update its keys too when `request_peer`);
  /// it goes out with the next write.
  result<void> key_update(bool request_peer = false) { return s_->engine.key_update(request_peer); }

  ///@{
  /// The transport under TLS (its addresses and options; closing it after shutdown()). Reading
  /// or writing it directly would corrupt the TLS connection.
  Stream& next_layer() noexcept { return s_->next; }
  const Stream& next_layer() const noexcept { return s_->next; }
  ///@}
  /// The protocol ALPN chose, empty if none.
  std::string_view alpn() const noexcept { return s_->engine.alpn(); }
  /// True when the handshake resumed an earlier session (a ticket from the client context).
  bool session_reused() const noexcept { return s_->engine.session_reused(); }
  /// The negotiated version in OpenSSL's spelling: "TLSv1.2" or "TLSv1.3".
  std::string_view protocol_version() const noexcept { return s_->engine.protocol_version(); }
  /// OpenSSL's words for the last failure (the X.509 verification reason for
  /// verification_failed).
  const std::string& error_text() const noexcept { return s_->engine.error_text(); }

 private:
  // Invariant: out_buf is used only by the holder of send_lock, in_buf only by the one reading
  // (or handshaking) task; senders counts the tasks holding or waiting for send_lock.
  struct state {
    state(Stream n, detail::engine e) : next(std::move(n)), engine(std::move(e)) {}
    Stream next;
    detail::engine engine;
    kov::mutex send_lock;
    int senders = 0;
    bool broken = false;
    bool handshaken = false;
    std::unique_ptr<char[]> in_buf = std::make_unique_for_overwrite<char[]>(in_size);
    std::unique_ptr<char[]> out_buf = std::make_unique_for_overwrite<char[]>(out_size);
  };
  static constexpr std::size_t in_size = record_size + 1024;  // one record with its overhead
  static constexpr std::size_t out_size = 4 * record_size;

  explicit stream(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}

  static result<stream> make(Stream next, const context& ctx, std::string_view host) {
    auto e = detail::engine::make(ctx, host);
    if (!e) return e.error();
    return stream(std::make_unique<state>(std::move(next), std::move(*e)));
  }

  // Counts a task as a sender from construction to destruction (also when abandoned).
  struct sender_count {
    explicit sender_count(state& s) noexcept : s_(s) { ++s_.senders; }
    sender_count(const sender_count&) = delete;
    sender_count& operator=(const sender_count&) = delete;
    ~sender_count() { --s_.senders; }
    state& s_;
  };

  // Marks the stream broken unless `finished` is set before it goes (the send failed, or its
  // task was abandoned mid-way).
  struct unfinished_send {
    explicit unfinished_send(state& s) noexcept : s_(s) {}
    unfinished_send(const unfinished_send&) = delete;
    unfinished_send& operator=(const unfinished_send&) = delete;
    ~unfinished_send() {
      if (!finished) s_.broken = true;
    }
    state& s_;
    mutable bool finished = false;
  };

  // Reads ciphertext into the engine: false when the transport ended.
  static task<result<bool>> receive(state& s, deadline d) {
    auto n = co_await detail::bounded(s.next.read(mutable_buffer(s.in_buf.get(), in_size)), d);
    if (!n) co_return n.error();
    if (*n == 0) co_return false;
    s.engine.give_input(const_buffer(s.in_buf.get(), *n));
    co_return true;
  }

  // Takes send_lock by the deadline (errc::timed_out, the stream unharmed: nothing was sent).
  static task<result<kov::mutex::guard>> lock_sending(state& s, deadline d) {
    if (auto free = s.send_lock.try_lock()) co_return std::move(*free);
    if (!d) co_return co_await s.send_lock.lock();
    co_return co_await kov::timeout_at(*d, wait_for_lock(s));
  }
  static task<kov::mutex::guard> wait_for_lock(state& s) { co_return co_await s.send_lock.lock(); }

  // Once broken, the peer has half a record: anything more sent would be read as its rest.
  static result<void> drop_if_broken(state& s) noexcept {
    if (!s.broken) return {};
    s.engine.drop_output();
    return make_error_code(errc::broken);
  }

  // Sends all pending ciphertext; the caller holds send_lock. A send that does not finish
  // leaves the stream broken.
  static task<result<void>> drain(state& s, deadline d) {
    while (s.engine.pending_output() > 0) {
      if (auto ok = drop_if_broken(s); !ok) co_return ok.error();
      const std::size_t n = s.engine.take_output(mutable_buffer(s.out_buf.get(), out_size));
      const unfinished_send mark(s);
      auto w = co_await detail::bounded(s.next.write_all(const_buffer(s.out_buf.get(), n)), d);
      if (!w) co_return w.error();
      mark.finished = true;
    }
    co_return result<void>{};
  }

  // Takes send_lock and sends all pending ciphertext.
  static task<result<void>> send_pending(state& s, deadline d) {
    const sender_count counted(s);
    auto guard = co_await lock_sending(s, d);
    if (!guard) co_return guard.error();
    co_return co_await drain(s, d);
  }

  // Sends what the reading side produced, unless a sender is active (it sends it). On a broken
  // stream the reader's output (a KeyUpdate answer) is dropped and reading goes on.
  static task<result<void>> flush_for_reader(state& s, deadline d) {
    if (!drop_if_broken(s)) co_return result<void>{};
    if (s.senders > 0 || s.engine.pending_output() == 0) co_return result<void>{};
    co_return co_await send_pending(s, d);
  }

  // The engine's error (protocol_error for a step that cannot happen here).
  static std::error_code failure(const state& s) noexcept {
    const std::error_code e = s.engine.error();
    return e ? e : make_error_code(errc::protocol_error);
  }

  static result<void> usable(const state& s) noexcept {
    if (s.broken) return make_error_code(errc::broken);
    if (!s.handshaken) return make_error_code(errc::no_handshake);
    return {};
  }

  static task<result<void>> handshake_run(state& s, void*, std::size_t, deadline d) {
    if (s.broken) co_return make_error_code(errc::broken);
    if (s.handshaken) co_return result<void>{};
    for (;;) {
      const detail::step_result st = s.engine.handshake();
      if (st.what == detail::step::failed) {
        // Best effort: tell the peer why (an alert), then report.
        if (s.engine.pending_output() > 0) (void)co_await send_pending(s, d);
        co_return failure(s);
      }
      if (s.engine.pending_output() > 0) {
        auto sent = co_await send_pending(s, d);
        if (!sent) co_return sent.error();
      }
      if (st.what == detail::step::done) {
        s.handshaken = true;
        co_return result<void>{};
      }
      auto more = co_await receive(s, d);
      if (!more) co_return more.error();
      if (!*more) co_return make_error_code(errc::truncated);
    }
  }

  static task<result<std::size_t>> read_run(state& s, void* data, std::size_t size, deadline d) {
    // A broken sending side does not stop reading: what arrives still decrypts.
    if (!s.handshaken) co_return make_error_code(errc::no_handshake);
    if (size == 0) co_return std::size_t{0};
    for (;;) {
      const detail::step_result st = s.engine.read(mutable_buffer(data, size));
      switch (st.what) {
        case detail::step::done:
        case detail::step::closed:
          // A failed send shows at the next write (the stream is broken); the bytes read are
          // handed out now.
          (void)co_await flush_for_reader(s, d);
          co_return st.bytes;
        case detail::step::failed:
          co_return failure(s);
        case detail::step::want_read:
          break;
      }
      auto sent = co_await flush_for_reader(s, d);
      if (!sent) co_return sent.error();
      auto more = co_await receive(s, d);
      if (!more) co_return more.error();
      if (!*more) co_return make_error_code(errc::truncated);
    }
  }

  static task<result<void>> write_run(state& s, void* data, std::size_t size, deadline d) {
    const sender_count counted(s);
    auto guard = co_await lock_sending(s, d);
    if (!guard) co_return guard.error();
    if (auto ok = usable(s); !ok) co_return ok.error();
    const char* p = static_cast<const char*>(data);
    std::size_t left = size;
    while (left > 0) {
      const std::size_t n = std::min(left, record_size);
      const detail::step_result st = s.engine.write(const_buffer(p, n));
      if (st.what == detail::step::failed) co_return failure(s);
      // Not an OpenSSL error (the engine's error is from an earlier step): a write cannot
      // need input after the handshake.
      if (st.what != detail::step::done) co_return make_error_code(errc::protocol_error);
      p += n;
      left -= n;
      // A few records go out per send.
      if (left == 0 || s.engine.pending_output() >= out_size) {
        auto sent = co_await drain(s, d);
        if (!sent) co_return sent.error();
      }
    }
    // A KeyUpdate queued by key_update() goes out even with an empty write.
    co_return co_await drain(s, d);
  }

  static task<result<void>> shutdown_run(state& s, void*, std::size_t, deadline d) {
    const sender_count counted(s);
    auto guard = co_await lock_sending(s, d);
    if (!guard) co_return guard.error();
    if (auto ok = usable(s); !ok) co_return ok.error();
    const detail::step_result st = s.engine.shutdown();
    if (st.what == detail::step::failed) co_return failure(s);
    co_return co_await drain(s, d);
  }

  std::unique_ptr<state> s_;
};

}  // namespace kov::tls
