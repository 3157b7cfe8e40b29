// kov-bench-https --listen HOST:PORT --cert CERT.pem --key KEY.pem: the HTTP/1.1 hello world of
// kov-bench-http (peers/common/http_hello.hpp) over kov::tls, with the settings every HTTPS peer
// pins (peers/common/tls_pinned.hpp). All responses to one read go out in one write.
#include <kov/tls/stream.hpp>

#include "../common/http_hello.hpp"
#include "../common/tls_pinned.hpp"
#include "server/serve.hpp"

#include <cstdio>
#include <string>

namespace {

using tls_stream = kov::tls::stream<kov::net::tcp_stream>;

kov::task<void> https(kov::net::tcp_stream conn, kov::tls::context ctx) {
  auto tls = tls_stream::server(std::move(conn), ctx);
  if (!tls) co_return;
  if (!co_await tls->handshake()) co_return;
  peers::request_buffer in;
  std::string out;
  for (;;) {
    const std::span<char> space = in.space();
    auto n = co_await tls->read(kov::mutable_buffer(space.data(), space.size()));
    if (!n || *n == 0) co_return;  // close_notify, truncation or a reset: close
    in.commit(*n);
    out.clear();
    if (in.answer(out) == 0) continue;
    if (!co_await tls->write_all(kov::const_buffer(out.data(), out.size()))) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* name = "kov-bench-https";
  const auto args = peers::tls_pinned::parse_server_args(argc, argv, name);
  kov::tls::options o;
  o.cert_chain_file = args.cert_file;
  o.key_file = args.key_file;
  o.verify_peer = false;  // no client certificates
  o.min_version = kov::tls::version::tls1_3;
  o.ciphersuites = peers::tls_pinned::ciphersuite;
  o.session_tickets = false;
  auto ctx = kov::tls::context::server(o);
  if (!ctx) {
    std::fprintf(stderr, "%s: TLS context: %s\n", name, ctx.error().message().c_str());
    return 1;
  }
  // Not a coroutine itself: each connection's task owns its copy of the context handle.
  auto handle = [ctx = *ctx](kov::net::tcp_stream conn) { return https(std::move(conn), ctx); };
  return example::server_main(name, 3, argv, handle);
}
