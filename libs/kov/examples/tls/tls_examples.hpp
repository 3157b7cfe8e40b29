// The TLS client and server examples of docs/kov.md, compiled and run by
// tests/io/tls_test.cpp so that the documented code keeps working.
#pragma once

#include <kov/net/tcp.hpp>
#include <kov/task.hpp>
#include <kov/tls/stream.hpp>

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace kov_examples {

using namespace std::chrono_literals;

// Client: connects to `host_port`, checks the certificate against `host`, sends a line and
// reads the answer up to the server's close_notify.
inline kov::task<kov::result<std::string>> tls_client(std::string host, std::string host_port,
                                                      std::string ca_file) {
  kov::tls::options o;
  o.ca_file = std::move(ca_file);  // empty: the system store
  auto ctx = kov::tls::context::client(o);
  if (!ctx) co_return ctx.error();
  auto tcp = co_await kov::net::tcp_stream::connect(host_port, 5s);
  if (!tcp) co_return tcp.error();
  auto tls = kov::tls::stream<kov::net::tcp_stream>::client(std::move(*tcp), *ctx, host);
  if (!tls) co_return tls.error();
  // tls::errc::verification_failed and the like; tls->error_text() says why in OpenSSL's words.
  if (auto h = co_await tls->handshake().with_timeout(5s); !h) co_return h.error();
  const std::string_view hello = "hello\n";
  auto w = co_await tls->write_all(kov::const_buffer(hello.data(), hello.size()));
  if (!w) co_return w.error();
  std::string reply;
  std::array<char, 4096> buf{};
  for (;;) {
    auto n = co_await tls->read(buf).with_timeout(5s);
    if (!n) co_return n.error();  // tls::errc::truncated: cut off without close_notify
    if (*n == 0) break;           // the server's close_notify: a clean end
    reply.append(buf.data(), *n);
  }
  co_return reply;
}

// Server: one connection, answered with a line and a close_notify.
inline kov::task<kov::result<void>> tls_session(kov::net::tcp_stream conn, kov::tls::context ctx) {
  auto tls = kov::tls::stream<kov::net::tcp_stream>::server(std::move(conn), ctx);
  if (!tls) co_return tls.error();
  if (auto h = co_await tls->handshake().with_timeout(5s); !h) co_return h.error();
  std::array<char, 4096> buf{};
  auto n = co_await tls->read(buf).with_timeout(5s);
  if (!n) co_return n.error();
  const std::string_view answer = "hello back\n";
  auto w = co_await tls->write_all(kov::const_buffer(answer.data(), answer.size()));
  if (!w) co_return w.error();
  co_return co_await tls->shutdown().with_timeout(5s);
}

// Serves `connections` connections on `listener`, one task each, with the certificate chain and
// key in the given PEM files.
inline kov::task<kov::result<void>> tls_server(kov::net::tcp_listener& listener,
                                               std::string cert_file, std::string key_file,
                                               int connections) {
  kov::tls::options o;
  o.cert_chain_file = std::move(cert_file);
  o.key_file = std::move(key_file);
  o.verify_peer = false;  // no client certificates
  auto ctx = kov::tls::context::server(o);
  if (!ctx) co_return ctx.error();
  for (int i = 0; i < connections; ++i) {
    auto conn = co_await listener.accept();
    if (!conn) co_return conn.error();
    kov::spawn(tls_session(std::move(*conn), *ctx), "tls session").detach();
  }
  co_return kov::result<void>{};
}

}  // namespace kov_examples
