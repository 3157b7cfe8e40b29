// kov::tls against itself and against real peers (openssl s_server / s_client, curl), with
// certificates the test makes: versions, ALPN, resumption, key updates, verification failures,
// deadlines, truncation, bulk transfers both ways at once, many handshakes without leaks.

#include <kov/io/stream.hpp>
#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>
#include <kov/tls/stream.hpp>

#include "io_fixture.hpp"
#include "tcp_pair.hpp"
#include "tls/tls_examples.hpp"
#include "tls_fixture.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
namespace tls = kov::tls;
using kov::test::certs;
using kov::test::child_process;
using tls_stream = tls::stream<net::tcp_stream>;
// A TLS stream is a kov byte stream itself: buf_reader, copy and the like take it.
static_assert(kov::async_read_stream<tls_stream> && kov::async_write_stream<tls_stream>);

class tls_io : public kov::test::io_test {
 protected:
  void SetUp() override {
    io_test::SetUp();
    if (!certs().ok) GTEST_SKIP() << "could not make test certificates with the openssl CLI";
  }
};

tls::context server_context(const std::string& cert, const std::string& key,
                            std::vector<std::string> alpn = {}) {
  tls::options o;
  o.cert_chain_file = cert;
  o.key_file = key;
  o.verify_peer = false;
  o.alpn = std::move(alpn);
  return tls::context::server(o).value();
}

tls::context client_context(std::vector<std::string> alpn = {},
                            tls::version max = tls::version::tls1_3) {
  tls::options o;
  o.ca_file = certs().ca;
  o.alpn = std::move(alpn);
  o.max_version = max;
  return tls::context::client(o).value();
}

// The two ends of a TLS connection over loopback TCP, handshaken.
struct tls_pair {
  tls_stream client;
  tls_stream server;
};

kov::task<kov::result<void>> handshake_of(tls_stream& s) {
  co_return co_await s.handshake().with_timeout(10s);
}

kov::task<kov::result<tls_pair>> connect_tls(const tls::context& cctx, const tls::context& sctx,
                                             std::string_view host = "localhost") {
  auto p = co_await kov::test::connect_pair();
  if (!p) co_return p.error();
  auto c = tls_stream::client(std::move(p->client), cctx, host);
  if (!c) co_return c.error();
  auto s = tls_stream::server(std::move(p->server), sctx);
  if (!s) co_return s.error();
  auto server_side = kov::spawn(handshake_of(*s));
  auto ch = co_await c->handshake().with_timeout(10s);
  auto sh = co_await server_side;
  if (!ch) co_return ch.error();
  if (!sh) co_return sh.error();
  if (!*sh) co_return sh->error();
  co_return tls_pair{std::move(*c), std::move(*s)};
}

// Waits until `child`'s output contains `needle` (or the time is up).
kov::task<bool> wait_for_output(child_process& child, std::string needle,
                                std::chrono::milliseconds limit = 10s) {
  const auto until = kov::clock::now() + limit;
  while (kov::clock::now() < until) {
    if (child.output().find(needle) != std::string::npos) co_return true;
    co_await kov::sleep_for(10ms);
  }
  co_return false;
}

// Waits for `child` to exit: its status, -1 if it did not within the time.
kov::task<int> wait_exit(child_process& child, std::chrono::milliseconds limit = 10s) {
  const auto until = kov::clock::now() + limit;
  while (kov::clock::now() < until) {
    if (const int st = child.poll_exit(); st >= 0) co_return st;
    co_await kov::sleep_for(10ms);
  }
  co_return -1;
}

// Reads exactly `n` bytes.
kov::task<kov::result<std::string>> read_n(tls_stream& s, std::size_t n) {
  std::string out;
  std::vector<char> buf(16384);
  while (out.size() < n) {
    auto r = co_await s.read(kov::mutable_buffer(buf.data(), std::min(buf.size(), n - out.size())))
                 .with_timeout(10s);
    if (!r) co_return r.error();
    if (*r == 0) co_return kov::errc::end_of_stream;
    out.append(buf.data(), *r);
  }
  co_return out;
}

// Writes `text` on `from` and reads as many bytes on `to`.
kov::task<kov::result<std::string>> pass(tls_stream& from, tls_stream& to, std::string text) {
  auto w = co_await from.write_all(kov::const_buffer(text.data(), text.size()));
  if (!w) co_return w.error();
  co_return co_await read_n(to, text.size());
}

TEST_F(tls_io, kov_client_and_server_agree_on_alpn_and_exchange_data) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key, {"h2", "http/1.1"});
    const auto cctx = client_context({"http/1.1", "h2"});
    auto p = co_await connect_tls(cctx, sctx);
    KOV_CO_ASSERT_OK(p);
    EXPECT_EQ(p->client.alpn(), "h2");  // the server's preference wins
    EXPECT_EQ(p->server.alpn(), "h2");
    EXPECT_EQ(p->client.protocol_version(), "TLSv1.3");
    auto got = co_await pass(p->client, p->server, "hello over tls");
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "hello over tls");
    // A clean close: close_notify, then the reader sees the end of the stream (0), not an error.
    auto sd = co_await p->client.shutdown().with_timeout(5s);
    KOV_CO_ASSERT_OK(sd);
    std::array<char, 16> buf{};
    auto end = co_await p->server.read(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(end);
    EXPECT_EQ(*end, 0u);
  }());
}

// Writes `data` in pieces of `piece` bytes.
kov::task<kov::result<void>> write_pieces(tls_stream& s, const std::vector<char>& data,
                                          std::size_t piece) {
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const std::size_t n = std::min(piece, data.size() - at);
    auto w = co_await s.write_all(kov::const_buffer(data.data() + at, n)).with_timeout(30s);
    if (!w) co_return w;
  }
  co_return kov::result<void>{};
}

kov::task<kov::result<std::vector<char>>> read_all_of(tls_stream& s, std::size_t n) {
  std::vector<char> out(n);
  std::size_t got = 0;
  while (got < n) {
    auto r = co_await s.read(kov::mutable_buffer(out.data() + got, n - got)).with_timeout(30s);
    if (!r) co_return r.error();
    if (*r == 0) co_return kov::errc::end_of_stream;
    got += *r;
  }
  co_return out;
}

// Both ends write `size` bytes (in `piece`-byte writes) while both read, at once; the client
// asks for a key update half way.
kov::task<void> both_ways(std::size_t size, std::size_t piece) {
  const auto sctx = server_context(certs().server_cert, certs().server_key);
  const auto cctx = client_context();
  auto p = co_await connect_tls(cctx, sctx);
  KOV_CO_ASSERT_OK(p);
  const std::vector<char> up = kov::test::pattern(1, size);
  const std::vector<char> down = kov::test::pattern(2, size);
  auto server_reads = kov::spawn(read_all_of(p->server, size));
  auto client_reads = kov::spawn(read_all_of(p->client, size));
  auto server_writes = kov::spawn(write_pieces(p->server, down, piece));
  const std::vector<char> first(up.begin(), up.begin() + static_cast<std::ptrdiff_t>(size / 2));
  const std::vector<char> second(up.begin() + static_cast<std::ptrdiff_t>(size / 2), up.end());
  auto w1 = co_await write_pieces(p->client, first, piece);
  KOV_CO_ASSERT_OK(w1);
  KOV_CO_ASSERT(p->client.key_update(true).has_value());
  auto w2 = co_await write_pieces(p->client, second, piece);
  KOV_CO_ASSERT_OK(w2);
  auto sw = co_await server_writes;
  KOV_CO_ASSERT_OK(sw);
  KOV_CO_ASSERT_OK(*sw);
  auto sr = co_await server_reads;
  KOV_CO_ASSERT_OK(sr);
  KOV_CO_ASSERT_OK(*sr);
  auto cr = co_await client_reads;
  KOV_CO_ASSERT_OK(cr);
  KOV_CO_ASSERT_OK(*cr);
  EXPECT_TRUE(**sr == up) << size << " bytes up differ";
  EXPECT_TRUE(**cr == down) << size << " bytes down differ";
}

TEST_F(tls_io, one_mebibyte_both_ways_at_once) {
  run(both_ways(std::size_t{1} << 20, 64 * 1024));
}

TEST_F(tls_io, twenty_mebibytes_both_ways_at_once) {
  run(both_ways(std::size_t{20} << 20, 1 << 20));
}

TEST_F(tls_io, one_byte_writes_both_ways_at_once) {
  run(both_ways(kov::test::under_sanitizer ? 500 : 3000, 1));
}

// kov client against `openssl s_server`.
class s_server_peer {
 public:
  explicit s_server_peer(const std::vector<std::string>& extra)
      : port_(kov::test::free_port()),
        child_(args(extra, port_), certs().dir + "/s_server." + std::to_string(port_) + ".out") {}
  int port() const noexcept { return port_; }
  child_process& child() noexcept { return child_; }

 private:
  static std::vector<std::string> args(const std::vector<std::string>& extra, int port) {
    // stdbuf: s_server's own messages go through stdio, which would hold them back in a file.
    std::vector<std::string> a = {"stdbuf",  "-o0",
                                  "openssl", "s_server",
                                  "-accept", "127.0.0.1:" + std::to_string(port),
                                  "-cert",   certs().server_cert,
                                  "-key",    certs().server_key};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  int port_;
  child_process child_;
};

kov::task<kov::result<tls_stream>> connect_to(int port, const tls::context& ctx,
                                              std::string_view host = "localhost") {
  auto tcp = co_await net::tcp_stream::connect(
      net::socket_address::parse("127.0.0.1:" + std::to_string(port)).value(), 5s);
  if (!tcp) co_return tcp.error();
  auto s = tls_stream::client(std::move(*tcp), ctx, host);
  if (!s) co_return s.error();
  auto h = co_await s->handshake().with_timeout(10s);
  if (!h) co_return h.error();
  co_return std::move(*s);
}

// One connection to s_server: a line each way; the session's ALPN, version and reuse.
struct session_facts {
  std::string alpn;
  std::string version;
  bool reused = false;
};

kov::task<kov::result<session_facts>> talk_to_s_server(s_server_peer& peer, const tls::context& ctx,
                                                       int n) {
  auto s = co_await connect_to(peer.port(), ctx);
  if (!s) co_return s.error();
  const std::string up = "from kov " + std::to_string(n) + "\n";
  auto w = co_await s->write_all(kov::const_buffer(up.data(), up.size()));
  if (!w) co_return w.error();
  if (!co_await wait_for_output(peer.child(), up)) co_return kov::errc::timed_out;
  const std::string down = "from s_server " + std::to_string(n) + "\n";
  peer.child().send(down);
  auto got = co_await read_n(*s, down.size());
  if (!got) co_return got.error();
  if (*got != down) co_return kov::errc::end_of_stream;
  session_facts f{std::string(s->alpn()), std::string(s->protocol_version()), s->session_reused()};
  auto sd = co_await s->shutdown().with_timeout(5s);
  if (!sd) co_return sd.error();
  co_return f;
}

void against_s_server(const std::string& version_flag, const std::string& version_name) {
  s_server_peer peer({version_flag, "-alpn", "h2,http/1.1"});
  ASSERT_TRUE(peer.child().started());
  kov::runtime rt;
  rt.block_on([](s_server_peer& pr, std::string expected_version) -> kov::task<void> {
    KOV_CO_ASSERT(co_await wait_for_output(pr.child(), "ACCEPT"));
    const auto ctx = client_context({"http/1.1"});
    auto first = co_await talk_to_s_server(pr, ctx, 1);
    KOV_CO_ASSERT_OK(first);
    EXPECT_EQ(first->alpn, "http/1.1");
    EXPECT_EQ(first->version, expected_version);
    EXPECT_FALSE(first->reused);
    auto second = co_await talk_to_s_server(pr, ctx, 2);
    KOV_CO_ASSERT_OK(second);
    EXPECT_TRUE(second->reused) << "the second connection did not resume the session";
  }(peer, version_name));
}

TEST_F(tls_io, client_against_s_server_tls12) {
  against_s_server("-tls1_2", "TLSv1.2");
}

TEST_F(tls_io, client_against_s_server_tls13) {
  against_s_server("-tls1_3", "TLSv1.3");
}

TEST_F(tls_io, client_follows_a_key_update_s_server_asks_for) {
  s_server_peer peer({"-tls1_3"});
  ASSERT_TRUE(peer.child().started());
  run([](s_server_peer& pr) -> kov::task<void> {
    KOV_CO_ASSERT(co_await wait_for_output(pr.child(), "ACCEPT"));
    const auto ctx = client_context();
    auto s = co_await connect_to(pr.port(), ctx);
    KOV_CO_ASSERT_OK(s);
    const std::string hello = "before the update\n";
    auto w = co_await s->write_all(kov::const_buffer(hello.data(), hello.size()));
    KOV_CO_ASSERT_OK(w);
    KOV_CO_ASSERT(co_await wait_for_output(pr.child(), hello));
    // "K" alone on a line: s_server sends a KeyUpdate that asks us to update ours too.
    pr.child().send("K\n");
    KOV_CO_ASSERT(co_await wait_for_output(pr.child(), "SSL_do_handshake -> 1"));
    const std::string down = "after the update\n";
    pr.child().send(down);
    auto got = co_await read_n(*s, down.size());
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, down);
    const std::string up = "kov wrote with new keys\n";
    auto w2 = co_await s->write_all(kov::const_buffer(up.data(), up.size()));
    KOV_CO_ASSERT_OK(w2);
    EXPECT_TRUE(co_await wait_for_output(pr.child(), up)) << pr.child().output();
  }(peer));
}

// A kov server for one connection: reads a line, answers `reply`, sends close_notify.
kov::task<kov::result<std::string>> serve_one(net::tcp_listener& l, const tls::context& ctx,
                                              std::string reply) {
  auto tcp = co_await l.accept().with_timeout(10s);
  if (!tcp) co_return tcp.error();
  auto s = tls_stream::server(std::move(*tcp), ctx);
  if (!s) co_return s.error();
  auto h = co_await s->handshake().with_timeout(10s);
  if (!h) co_return h.error();
  std::string got;
  std::array<char, 4096> buf{};
  while (got.find('\n') == std::string::npos) {
    auto n = co_await s->read(buf).with_timeout(10s);
    if (!n) co_return n.error();
    if (*n == 0) break;
    got.append(buf.data(), *n);
  }
  auto w = co_await s->write_all(kov::const_buffer(reply.data(), reply.size()));
  if (!w) co_return w.error();
  auto sd = co_await s->shutdown().with_timeout(5s);
  if (!sd) co_return sd.error();
  co_return got;
}

net::tcp_listener loopback_listener() {
  return net::tcp_listener::bind(net::socket_address::ipv4_loopback(0)).value();
}

TEST_F(tls_io, server_against_s_client) {
  run([]() -> kov::task<void> {
    auto l = loopback_listener();
    const int port = l.local_address().value().port();
    const auto ctx = server_context(certs().server_cert, certs().server_key, {"kov"});
    child_process client(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile",
         certs().ca, "-verify_return_error", "-servername", "localhost", "-alpn", "kov", "-quiet"},
        certs().dir + "/s_client.out");
    KOV_CO_ASSERT(client.started());
    client.send("line from s_client\n");
    auto got = co_await serve_one(l, ctx, "reply from kov\n");
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "line from s_client\n");
    EXPECT_TRUE(co_await wait_for_output(client, "reply from kov")) << client.output();
    client.close_stdin();
    EXPECT_EQ(co_await wait_exit(client), 0) << client.output();
  }());
}

TEST_F(tls_io, server_against_curl) {
  run([]() -> kov::task<void> {
    auto l = loopback_listener();
    const int port = l.local_address().value().port();
    const auto ctx = server_context(certs().server_cert, certs().server_key);
    const std::string body = "served by kov over tls\n";
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
    child_process curl({"curl", "-sS", "--max-time", "10", "--cacert", certs().ca,
                        "https://localhost:" + std::to_string(port) + "/"},
                       certs().dir + "/curl.out");
    KOV_CO_ASSERT(curl.started());
    auto got = co_await serve_one(l, ctx, reply);
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(got->rfind("GET / HTTP/1.1\r\n", 0), 0u) << *got;
    EXPECT_EQ(co_await wait_exit(curl), 0) << curl.output();
    EXPECT_EQ(curl.output(), body);
  }());
}

// The client refuses the server's certificate: verification_failed with OpenSSL's reason, and
// the server never receives application data.
void refused(const std::string& cert, const std::string& key, const std::string& host,
             const std::string& reason) {
  kov::runtime rt;
  rt.block_on([](std::string cert_file, std::string key_file, std::string peer_name,
                 std::string expected) -> kov::task<void> {
    const auto sctx = server_context(cert_file, key_file);
    const auto cctx = client_context();
    auto p = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(p);
    auto c = tls_stream::client(std::move(p->client), cctx, peer_name);
    KOV_CO_ASSERT_OK(c);
    auto s = tls_stream::server(std::move(p->server), sctx);
    KOV_CO_ASSERT_OK(s);
    auto server_side = kov::spawn(handshake_of(*s));
    auto h = co_await c->handshake().with_timeout(10s);
    EXPECT_EQ(h.error(), tls::errc::verification_failed) << h.error().message();
    EXPECT_NE(c->error_text().find(expected), std::string::npos) << c->error_text();
    // Nothing can be sent on a stream whose handshake failed.
    const std::string secret = "secret";
    auto w = co_await c->write_all(kov::const_buffer(secret.data(), secret.size()));
    EXPECT_EQ(w.error(), tls::errc::no_handshake);
    c->next_layer().close();
    auto sh = co_await server_side;
    KOV_CO_ASSERT_OK(sh);
    EXPECT_FALSE(sh->has_value()) << "the server's handshake should see the client's alert";
  }(cert, key, host, reason));
}

TEST_F(tls_io, wrong_host_name_is_a_verification_error) {
  refused(certs().wrong_name_cert, certs().wrong_name_key, "localhost", "mismatch");
}

TEST_F(tls_io, expired_certificate_is_a_verification_error) {
  refused(certs().expired_cert, certs().expired_key, "localhost", "expired");
}

TEST_F(tls_io, self_signed_certificate_is_a_verification_error) {
  refused(certs().self_signed_cert, certs().self_signed_key, "localhost", "self-signed");
}

TEST_F(tls_io, checks_an_ip_address_too) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    auto ok = co_await connect_tls(client_context(), sctx, "127.0.0.1");
    EXPECT_TRUE(ok.has_value()) << ok.error().message();
    auto bad = co_await connect_tls(client_context(), sctx, "127.0.0.2");
    EXPECT_EQ(bad.error(), tls::errc::verification_failed);
  }());
}

TEST_F(tls_io, stalled_handshake_times_out) {
  run([]() -> kov::task<void> {
    // A peer that accepts the connection and never answers the ClientHello.
    auto p = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(p);
    auto c = tls_stream::client(std::move(p->client), client_context(), "localhost");
    KOV_CO_ASSERT_OK(c);
    const auto start = kov::clock::now();
    auto h = co_await c->handshake().with_timeout(200ms);
    const auto took = kov::clock::now() - start;
    EXPECT_EQ(h.error(), kov::errc::timed_out);
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, 2s);
  }());
}

TEST_F(tls_io, close_without_close_notify_is_truncation_not_eof) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    auto p = co_await connect_tls(client_context(), sctx);
    KOV_CO_ASSERT_OK(p);
    const std::string last = "last words";
    auto w = co_await p->server.write_all(kov::const_buffer(last.data(), last.size()));
    KOV_CO_ASSERT_OK(w);
    p->server.next_layer().close();  // no close_notify
    auto got = co_await read_n(p->client, last.size());
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, last);
    std::array<char, 16> buf{};
    auto r = co_await p->client.read(buf).with_timeout(5s);
    EXPECT_EQ(r.error(), tls::errc::truncated);
  }());
}

TEST_F(tls_io, read_timeout_loses_nothing) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    auto p = co_await connect_tls(client_context(), sctx);
    KOV_CO_ASSERT_OK(p);
    std::array<char, 16> buf{};
    auto r = co_await p->client.read(buf).with_timeout(50ms);
    EXPECT_EQ(r.error(), kov::errc::timed_out);
    auto got = co_await pass(p->server, p->client, "later");
    KOV_CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "later");
  }());
}

TEST_F(tls_io, documented_client_and_server_examples_work) {
  run([]() -> kov::task<void> {
    auto l = loopback_listener();
    const int port = l.local_address().value().port();
    auto server =
        kov::spawn(kov_examples::tls_server(l, certs().server_cert, certs().server_key, 1));
    auto reply = co_await kov_examples::tls_client("localhost", "127.0.0.1:" + std::to_string(port),
                                                   certs().ca);
    KOV_CO_ASSERT_OK(reply);
    EXPECT_EQ(*reply, "hello back\n");
    auto served = co_await server;
    KOV_CO_ASSERT_OK(served);
    EXPECT_TRUE(served->has_value());
  }());
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

TEST_F(tls_io, sequential_handshakes_leak_nothing) {
  const int count = kov::test::under_sanitizer ? 200 : 1000;
  run([](int n) -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    const auto cctx = client_context();
    std::size_t after_warmup = 0;
    for (int i = 0; i < n; ++i) {
      if (i == 50) after_warmup = heap_in_use();
      auto p = co_await connect_tls(cctx, sctx);
      KOV_CO_ASSERT_OK(p);
    }
    if (!kov::test::under_sanitizer) {
      EXPECT_LT(heap_in_use(), after_warmup + (std::size_t{1} << 20))
          << "heap grew by more than 1 MiB over " << n << " handshakes";
    }
  }(count));
}

TEST_F(tls_io, concurrent_handshakes_leak_nothing) {
  // All run at once, so each takes as long as all of them: under the sanitizers 200 of them
  // would pass the 10 s handshake deadline on a loaded machine.
  const int count = kov::test::under_sanitizer ? 50 : 200;
  ASSERT_TRUE(kov::test::ensure_nofile_limit(4 * 200 + 64));
  run([](int n) -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    const auto cctx = client_context();
    std::vector<kov::join_handle<kov::result<tls_pair>>> all;
    for (int i = 0; i < n; ++i) all.push_back(kov::spawn(connect_tls(cctx, sctx)));
    int ok = 0;
    for (auto& h : all) {
      auto r = co_await h;
      if (r && r->has_value()) {
        ++ok;
      } else if (ok == 0) {
        ADD_FAILURE() << "a handshake failed: " << (r ? r->error() : r.error()).message();
      }
    }
    EXPECT_EQ(ok, n);
  }(count));
}

// A server that verifies client certificates, and a client with one (the CA-signed localhost
// certificate, which has no usage restriction).
tls::context verifying_server_context() {
  tls::options o;
  o.cert_chain_file = certs().server_cert;
  o.key_file = certs().server_key;
  o.ca_file = certs().ca;
  o.verify_peer = true;
  return tls::context::server(o).value();
}

tls::context client_context_with_certificate(tls::version max = tls::version::tls1_3) {
  tls::options o;
  o.ca_file = certs().ca;
  o.cert_chain_file = certs().server_cert;
  o.key_file = certs().server_key;
  o.max_version = max;
  return tls::context::client(o).value();
}

// Connects, then has the server send a line so the client takes in its session ticket.
kov::task<kov::result<tls_pair>> connect_and_take_ticket(const tls::context& cctx,
                                                         const tls::context& sctx) {
  auto p = co_await connect_tls(cctx, sctx);
  if (!p) co_return p.error();
  auto got = co_await pass(p->server, p->client, "ticket\n");
  if (!got) co_return got.error();
  co_return std::move(*p);
}

TEST_F(tls_io, server_verifying_clients_resumes_their_sessions) {
  run([]() -> kov::task<void> {
    const auto sctx = verifying_server_context();
    for (const tls::version v : {tls::version::tls1_2, tls::version::tls1_3}) {
      const auto cctx = client_context_with_certificate(v);
      auto first = co_await connect_and_take_ticket(cctx, sctx);
      KOV_CO_ASSERT_OK(first);
      EXPECT_FALSE(first->client.session_reused());
      auto second = co_await connect_and_take_ticket(cctx, sctx);
      KOV_CO_ASSERT_OK(second);
      EXPECT_TRUE(second->client.session_reused()) << "no resumption at " << static_cast<int>(v);
    }
  }());
}

TEST_F(tls_io, client_forgets_its_session_after_a_failed_handshake) {
  run([]() -> kov::task<void> {
    const auto good = server_context(certs().server_cert, certs().server_key);
    const auto wrong = server_context(certs().wrong_name_cert, certs().wrong_name_key);
    const auto cctx = client_context();
    auto first = co_await connect_and_take_ticket(cctx, good);
    KOV_CO_ASSERT_OK(first);
    // The session for "localhost" is offered to a server that cannot take it and whose
    // certificate does not verify.
    auto failed = co_await connect_tls(cctx, wrong);
    EXPECT_EQ(failed.error(), tls::errc::verification_failed);
    auto third = co_await connect_and_take_ticket(cctx, good);
    KOV_CO_ASSERT_OK(third);
    EXPECT_FALSE(third->client.session_reused()) << "the session was offered again";
  }());
}

TEST_F(tls_io, failed_handshake_without_verification_is_not_a_verification_error) {
  run([]() -> kov::task<void> {
    // The client checks nothing (the self-signed certificate would fail); the handshake then
    // fails because the client has no certificate for a server that asks for one.
    tls::options o;
    o.verify_peer = false;
    o.max_version = tls::version::tls1_2;  // the refusal comes inside the handshake
    const auto insecure = tls::context::client(o).value();
    tls::options so;
    so.cert_chain_file = certs().self_signed_cert;
    so.key_file = certs().self_signed_key;
    so.ca_file = certs().ca;
    so.verify_peer = true;
    const auto sctx = tls::context::server(so).value();
    auto p = co_await connect_tls(insecure, sctx);
    KOV_CO_ASSERT(!p.has_value());
    EXPECT_EQ(p.error(), tls::errc::handshake_failed);
  }());
}

TEST_F(tls_io, second_shutdown_succeeds_and_loses_no_input) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    auto p = co_await connect_tls(client_context(), sctx);
    KOV_CO_ASSERT_OK(p);
    const std::string text = "hello world";
    auto w = co_await p->server.write_all(kov::const_buffer(text.data(), text.size()));
    KOV_CO_ASSERT_OK(w);
    auto sd = co_await p->server.shutdown().with_timeout(5s);
    KOV_CO_ASSERT_OK(sd);
    auto head = co_await read_n(p->client, 5);
    KOV_CO_ASSERT_OK(head);
    EXPECT_EQ(*head, "hello");
    auto once = co_await p->client.shutdown().with_timeout(5s);
    KOV_CO_ASSERT_OK(once);
    auto twice = co_await p->client.shutdown().with_timeout(5s);
    KOV_CO_ASSERT_OK(twice);
    auto rest = co_await read_n(p->client, text.size() - 5);
    KOV_CO_ASSERT_OK(rest);
    EXPECT_EQ(*rest, " world");
    std::array<char, 16> buf{};
    auto end = co_await p->client.read(buf).with_timeout(5s);
    KOV_CO_ASSERT_OK(end);
    EXPECT_EQ(*end, 0U);
  }());
}

TEST_F(tls_io, waiting_for_the_send_lock_honours_the_deadline) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    auto p = co_await connect_tls(client_context(), sctx);
    KOV_CO_ASSERT_OK(p);
    // More than the loopback socket buffers hold while the server does not read: the writer
    // keeps send_lock until the server reads.
    const std::size_t size = std::size_t{16} << 20;
    const std::vector<char> data = kov::test::pattern(3, size);
    auto writer = kov::spawn(write_pieces(p->client, data, size));
    co_await kov::yield_now();  // the writer runs: it takes the lock at once and keeps it
    const auto start = kov::clock::now();
    auto sd = co_await p->client.shutdown().with_timeout(100ms);
    EXPECT_EQ(sd.error(), kov::errc::timed_out);
    EXPECT_LT(kov::clock::now() - start, 5s);
    auto w = co_await p->client.write_all(kov::const_buffer(data.data(), 1)).with_timeout(100ms);
    EXPECT_EQ(w.error(), kov::errc::timed_out);
    // Neither waiter sent anything: the stream is whole once the first writer finishes.
    auto got = co_await read_all_of(p->server, size);
    KOV_CO_ASSERT_OK(got);
    EXPECT_TRUE(*got == data);
    auto wr = co_await writer;
    KOV_CO_ASSERT_OK(wr);
    KOV_CO_ASSERT_OK(*wr);
    auto last = co_await pass(p->client, p->server, "still whole");
    KOV_CO_ASSERT_OK(last);
    EXPECT_EQ(*last, "still whole");
  }());
}

// A transport that counts what TLS sends through it and can be told to fail its writes.
struct send_faults {
  bool fail_writes = false;
  std::size_t sent = 0;
};

struct faulty_stream {
  net::tcp_stream inner;
  send_faults* faults;

  auto read(kov::mutable_buffer b) { return inner.read(b); }
  kov::task<kov::result<void>> write_all(kov::const_buffer b) {
    if (faults->fail_writes) co_return std::make_error_code(std::errc::broken_pipe);
    faults->sent += b.size;
    co_return co_await inner.write_all(b);
  }
};

TEST_F(tls_io, broken_stream_sends_nothing_more_and_still_reads) {
  run([]() -> kov::task<void> {
    const auto sctx = server_context(certs().server_cert, certs().server_key);
    auto p = co_await kov::test::connect_pair();
    KOV_CO_ASSERT_OK(p);
    send_faults faults;
    auto c = tls::stream<faulty_stream>::client(faulty_stream{std::move(p->client), &faults},
                                                client_context(), "localhost");
    KOV_CO_ASSERT_OK(c);
    auto s = tls_stream::server(std::move(p->server), sctx);
    KOV_CO_ASSERT_OK(s);
    auto server_side = kov::spawn(handshake_of(*s));
    auto ch = co_await c->handshake().with_timeout(10s);
    KOV_CO_ASSERT_OK(ch);
    auto sh = co_await server_side;
    KOV_CO_ASSERT_OK(sh);
    KOV_CO_ASSERT_OK(*sh);
    // Five records: the first send takes four records' worth and fails, the rest stays queued.
    faults.fail_writes = true;
    const std::vector<char> data = kov::test::pattern(4, 5 * tls_stream::record_size);
    auto w = co_await c->write_all(kov::const_buffer(data.data(), data.size()));
    EXPECT_EQ(w.error(), std::errc::broken_pipe);
    faults.fail_writes = false;
    const std::size_t sent = faults.sent;
    // A read flushes what the reading side has queued: here it must drop it instead.
    const std::string text = "after the break";
    auto sw = co_await s->write_all(kov::const_buffer(text.data(), text.size()));
    KOV_CO_ASSERT_OK(sw);
    std::array<char, 64> buf{};
    auto r = co_await c->read(buf).with_timeout(10s);
    KOV_CO_ASSERT_OK(r);
    EXPECT_EQ(std::string_view(buf.data(), *r), text);
    auto again = co_await c->write_all(kov::const_buffer(text.data(), text.size()));
    EXPECT_EQ(again.error(), tls::errc::broken);
    auto sd = co_await c->shutdown().with_timeout(1s);
    EXPECT_EQ(sd.error(), tls::errc::broken);
    EXPECT_EQ(faults.sent, sent) << "a broken stream sent more";
  }());
}

}  // namespace
