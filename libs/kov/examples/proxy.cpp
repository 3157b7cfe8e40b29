// kov-proxy --listen ADDR --to HOST:PORT [--idle-timeout S] [--tls-cert F --tls-key F]: a TCP
// proxy. Each connection
// accepted on ADDR gets a connection of its own to HOST:PORT (the name resolved by kov's DNS
// for every connection, Happy Eyeballs between its addresses) and bytes are copied both ways
// with kov::copy_bidirectional until both directions ended:
// - a half-close passes through: the end of one side's stream becomes a shutdown of the other
//   side's sending direction, and the other direction goes on;
// - an error on either side (a reset, a failed write) closes both, with a reset (linger 0), so
//   the other peer sees a reset rather than a clean end it could take for a whole transfer;
// - an upstream that cannot be reached (refused, unknown name, 10 s without an answer) gives
//   the client a clean close (FIN) after a message on stderr;
// - with --idle-timeout, a connection with no byte moving either way for S seconds is closed
//   on both sides.
// With --tls-cert and --tls-key (PEM chain and key) it terminates TLS: clients speak TLS to the
// proxy (the handshake within 10 s), upstream gets plain TCP. A half-close passes through as
// close_notify: the client's close_notify becomes a FIN upstream, and the end of upstream's
// stream becomes our close_notify (then a FIN) to the client. A client that closes without
// close_notify is a truncation: it is logged and the upstream connection is reset, like an error.
// Bad arguments: a message and exit code 2. SIGINT or SIGTERM stops it.

#include <kov/io/copy.hpp>
#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>
#include <kov/tls/stream.hpp>
#include <kov/when_all.hpp>
#include <kov/when_any.hpp>

#include "server/serve.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr int exit_usage = 2;

// Connecting upstream (DNS included) gives up after this long.
constexpr std::chrono::seconds connect_timeout{10};
// A client's TLS handshake gives up after this long; sending our close_notify after this.
constexpr std::chrono::seconds handshake_timeout{10};
constexpr std::chrono::seconds close_notify_timeout{5};

using tls_stream = kov::tls::stream<kov::net::tcp_stream>;

struct proxy_config {
  std::string upstream;                      // HOST:PORT
  std::optional<std::chrono::seconds> idle;  // --idle-timeout
  std::optional<kov::tls::context> tls;      // --tls-cert/--tls-key: TLS towards clients
};

// Completes once `idle` has passed since `last_activity` (which the copy keeps moving).
// Safety: `last_activity` lives in proxy_connection's frame, which awaits this task.
kov::task<void> idle_watch(const kov::clock::time_point& last_activity, std::chrono::seconds idle) {
  for (;;) {
    const auto deadline = last_activity + idle;
    if (kov::clock::now() >= deadline) co_return;
    co_await kov::sleep_until(deadline);
  }
}

// Reading and writing one side of a proxied connection (`S`: a tcp_stream or a tls_stream),
// noting when bytes last moved (for the idle timeout).
template <class S>
class activity_noting {
 public:
  // Safety: both referents live in the connection task's frame, which outlives the copy.
  activity_noting(S& s, kov::clock::time_point& last_activity) noexcept
      : s_(&s), last_activity_(&last_activity) {}

  kov::task<kov::result<std::size_t>> read(kov::mutable_buffer b) {
    auto n = co_await s_->read(b);
    if (n && *n > 0) *last_activity_ = kov::clock::now();
    co_return n;
  }
  kov::task<kov::result<void>> write_all(kov::const_buffer b) {
    auto w = co_await s_->write_all(b);
    if (w) *last_activity_ = kov::clock::now();
    co_return w;
  }

 protected:
  S& stream() noexcept { return *s_; }

 private:
  S* s_;
  kov::clock::time_point* last_activity_;
};

// Closes a connection with a reset (linger 0): a peer must not take an aborted transfer for a
// whole one.
void reset(kov::net::tcp_stream& s) noexcept {
  (void)s.options().set_linger(std::chrono::seconds(0));
  s.close();
}

// One side of a proxied connection as copy_bidirectional sees it: close() resets the
// connection (copy_bidirectional closes both sides only after an error).
class watched_stream : public activity_noting<kov::net::tcp_stream> {
 public:
  using activity_noting::activity_noting;

  kov::result<void> shutdown(kov::net::shutdown_how how) noexcept { return stream().shutdown(how); }
  // The end of what we send (pass_one_way's interface, shared with tls_client_side).
  kov::task<kov::result<void>> end_sending() {
    co_return stream().shutdown(kov::net::shutdown_how::write);
  }
  void close() noexcept { reset(stream()); }
};

// The client's side of a connection when the proxy terminates TLS: plaintext in and out, and an
// end of sending that awaits our close_notify before the FIN.
class tls_client_side : public activity_noting<tls_stream> {
 public:
  using activity_noting::activity_noting;

  kov::task<kov::result<void>> end_sending() {
    auto sent = co_await stream().shutdown().with_timeout(close_notify_timeout);
    if (!sent) co_return sent.error();
    co_return stream().next_layer().shutdown(kov::net::shutdown_how::write);
  }
  void close() noexcept { reset(stream().next_layer()); }
};

// One direction of a TLS-terminated connection: copies `from` to `to` until `from` ends, then
// ends `to`'s sending side (awaited, as over TLS that sends close_notify). On an error, or a
// truncated TLS stream, both sides are reset, which also ends the other direction.
template <class From, class To>
kov::task<void> pass_one_way(From& from, To& to) {
  auto buf = std::make_unique_for_overwrite<char[]>(kov::copy_buffer_size);
  bool failed = false;
  for (;;) {
    auto n = co_await from.read(kov::mutable_buffer(buf.get(), kov::copy_buffer_size));
    if (!n) {
      if (n.error() == kov::tls::errc::truncated) {
        std::fprintf(stderr,
                     "kov-proxy: a client closed without close_notify (truncated); "
                     "upstream connection reset\n");
      }
      failed = true;
      break;
    }
    if (*n == 0) break;
    if (!co_await to.write_all(kov::const_buffer(buf.get(), *n))) {
      failed = true;
      break;
    }
  }
  if (!failed && co_await to.end_sending()) co_return;
  from.close();
  to.close();
}

// Runs `copying` until it finishes or, with --idle-timeout, until no byte moved for that long
// (either finishing aborts the other; the sockets close when the caller's frame ends).
template <class T>
kov::task<void> until_done_or_idle(kov::task<T> copying,
                                   const kov::clock::time_point& last_activity,
                                   const proxy_config& config) {
  if (config.idle) {
    (void)co_await kov::when_any(std::move(copying), idle_watch(last_activity, *config.idle));
  } else {
    (void)co_await std::move(copying);
  }
}

// Ends the stream to the client cleanly: a FIN, then what the client still sends is read and
// dropped for a moment, since closing with unread bytes would send a reset instead.
kov::task<void> close_cleanly(kov::net::tcp_stream& client) {
  if (!client.shutdown(kov::net::shutdown_how::write)) co_return;
  const auto give_up = kov::clock::now() + std::chrono::seconds(1);
  char sink[4096];
  for (;;) {
    auto n = co_await client.read(kov::mutable_buffer(sink, sizeof sink)).with_deadline(give_up);
    if (!n || *n == 0) co_return;
  }
}

kov::task<void> proxy_connection(kov::net::tcp_stream client, const proxy_config* config) {
  auto upstream = co_await kov::net::tcp_stream::connect(config->upstream, connect_timeout);
  if (!upstream) {
    std::fprintf(stderr, "kov-proxy: cannot connect to %s: %s\n", config->upstream.c_str(),
                 upstream.error().message().c_str());
    co_await close_cleanly(client);
    co_return;
  }
  (void)upstream->set_nodelay(true);
  auto last_activity = kov::clock::now();
  watched_stream a(client, last_activity);
  watched_stream b(*upstream, last_activity);
  co_await until_done_or_idle(kov::copy_bidirectional(a, b), last_activity, *config);
}

// Both directions of a TLS-terminated connection at once (pass_one_way).
kov::task<void> pass_both_ways(tls_client_side& client, watched_stream& upstream) {
  (void)co_await kov::when_all(pass_one_way(client, upstream), pass_one_way(upstream, client));
}

kov::task<void> proxy_tls_connection(kov::net::tcp_stream client, const proxy_config* config) {
  auto tls = tls_stream::server(std::move(client), *config->tls);
  if (!tls) co_return;
  if (auto h = co_await tls->handshake().with_timeout(handshake_timeout); !h) {
    std::fprintf(stderr, "kov-proxy: TLS handshake with a client failed: %s %s\n",
                 h.error().message().c_str(), tls->error_text().c_str());
    co_return;
  }
  auto upstream = co_await kov::net::tcp_stream::connect(config->upstream, connect_timeout);
  if (!upstream) {
    std::fprintf(stderr, "kov-proxy: cannot connect to %s: %s\n", config->upstream.c_str(),
                 upstream.error().message().c_str());
    (void)co_await tls->shutdown().with_timeout(close_notify_timeout);
    co_await close_cleanly(tls->next_layer());
    co_return;
  }
  (void)upstream->set_nodelay(true);
  auto last_activity = kov::clock::now();
  tls_client_side a(*tls, last_activity);
  watched_stream b(*upstream, last_activity);
  co_await until_done_or_idle(pass_both_ways(a, b), last_activity, *config);
}

int usage(const std::string& why) {
  std::fprintf(stderr,
               "kov-proxy: %s\n"
               "usage: kov-proxy --listen ADDR --to HOST:PORT [--idle-timeout SECONDS]\n"
               "                 [--tls-cert FILE --tls-key FILE]\n"
               "  ADDR: 127.0.0.1:8080, [::1]:8080; HOST: a name or an IP address\n",
               why.c_str());
  return exit_usage;
}

// HOST:PORT with a non-empty host and a port from 1 to 65535 (a bracketed IPv6 host too).
bool looks_like_host_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
  static proxy_config config;
  std::optional<kov::net::socket_address> listen_at;
  kov::tls::options tls;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view option = argv[i];
    if (i + 1 == argc) return usage(std::string(option) + " needs a value");
    const std::string_view value = argv[i + 1];
    if (option == "--listen") {
      auto at = kov::net::socket_address::parse(value);
      if (!at) return usage("bad address '" + std::string(value) + "': " + at.error().message());
      listen_at = *at;
    } else if (option == "--to") {
      if (!looks_like_host_port(value)) {
        return usage("--to needs HOST:PORT, not '" + std::string(value) + "'");
      }
      config.upstream = std::string(value);
    } else if (option == "--idle-timeout") {
      long seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || seconds <= 0) {
        return usage("--idle-timeout needs a positive whole number of seconds");
      }
      config.idle = std::chrono::seconds(seconds);
    } else if (option == "--tls-cert") {
      tls.cert_chain_file = std::string(value);
    } else if (option == "--tls-key") {
      tls.key_file = std::string(value);
    } else {
      return usage("unknown option '" + std::string(option) + "'");
    }
  }
  if (!listen_at) return usage("--listen ADDR is required");
  if (config.upstream.empty()) return usage("--to HOST:PORT is required");
  if (tls.cert_chain_file.empty() != tls.key_file.empty()) {
    return usage("--tls-cert and --tls-key go together");
  }
  if (!tls.cert_chain_file.empty()) {
    tls.verify_peer = false;  // no client certificates
    auto ctx = kov::tls::context::server(tls);
    if (!ctx) return usage("TLS: " + ctx.error().message());
    config.tls = std::move(*ctx);
  }

  kov::runtime rt;
  return rt.block_on(example::serve_until_signal(
      "kov-proxy", *listen_at,
      // Safety: `config` is static, so it outlives every connection task.
      [](kov::net::tcp_stream client) {
        return config.tls ? proxy_tls_connection(std::move(client), &config)
                          : proxy_connection(std::move(client), &config);
      }));
}
