// asio-https --listen HOST:PORT --cert CERT.pem --key KEY.pem: the HTTP/1.1 hello world of
// asio-http (peers/common/http_hello.hpp) over asio::ssl::stream, C++20 coroutines, one
// thread, with the settings every HTTPS peer pins (peers/common/tls_pinned.hpp). All responses
// to one read go out in one write.
#include "../common/tls_pinned.hpp"
#include "http_loop.hpp"
#include "serve.hpp"

#include <asio/ssl.hpp>

#include <cstdio>
#include <optional>

namespace {

using peers::asio_peer::tcp;

// The one server context; serve() takes a plain function, so the handler finds it here.
std::optional<asio::ssl::context> server_context;

asio::awaitable<void> https(tcp::socket socket) {
  asio::ssl::stream<tcp::socket> tls(std::move(socket), *server_context);
  std::error_code ec;
  co_await tls.async_handshake(asio::ssl::stream_base::server,
                               asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  co_await peers::asio_peer::answer_http(std::move(tls));
}

// The pinned settings, as kov-bench-https asks kov::tls for them (kov::tls also turns off
// renegotiation and compression, and Asio's context compression).
bool configure(asio::ssl::context& ctx, const peers::tls_pinned::server_args& args) {
  SSL_CTX* c = ctx.native_handle();
  std::error_code ec;
  ctx.use_certificate_chain_file(args.cert_file, ec);
  if (!ec) ctx.use_private_key_file(args.key_file, asio::ssl::context::pem, ec);
  if (ec) {
    std::fprintf(stderr, "asio-https: certificate or key: %s\n", ec.message().c_str());
    return false;
  }
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(c, 0);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  return SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) == 1 &&
         SSL_CTX_set_ciphersuites(c, peers::tls_pinned::ciphersuite) == 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = peers::tls_pinned::parse_server_args(argc, argv, "asio-https");
  server_context.emplace(asio::ssl::context::tls_server);
  if (!configure(*server_context, args)) return 1;
  return peers::asio_peer::serve(3, argv, "asio-https", https);
}
