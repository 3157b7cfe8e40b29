// tls::detail::engine: OpenSSL between two memory BIOs.
#include <kov/tls/detail/engine.hpp>

#include "context_impl.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <climits>
#include <string>
#include <utility>

namespace kov::tls::detail {

struct engine::impl {
  impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl() { SSL_free(ssl); }  // frees both BIOs too

  // Records a failure of kind `kind` (verification_failed instead when verification is on and
  // the peer's certificate did not verify) with OpenSSL's reason text. With verification off
  // OpenSSL still records a verify result, which says nothing about this failure.
  step_result fail(errc kind) {
    const long verify = SSL_get_verify_result(ssl);
    const bool verifying = SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE;
    if (kind == errc::handshake_failed && verifying && verify != X509_V_OK) {
      error = errc::verification_failed;
      text = X509_verify_cert_error_string(verify);
    } else {
      error = kind;
      std::array<char, 256> buf{};
      const unsigned long e = ERR_peek_error();
      if (e != 0) {
        ERR_error_string_n(e, buf.data(), buf.size());
        text = buf.data();
      } else {
        text = error.message();
      }
    }
    ERR_clear_error();
    return {step::failed};
  }

  // The outcome of an SSL call that returned `r`, failing as `kind`.
  step_result outcome(int r, errc kind) {
    switch (SSL_get_error(ssl, r)) {
      case SSL_ERROR_WANT_READ:
        return {step::want_read};
      case SSL_ERROR_ZERO_RETURN:
        if (kind == errc::handshake_failed) return fail(kind);
        return {step::closed};
      default:
        return fail(kind);
    }
  }

  std::shared_ptr<context_impl> ctx;  // the SSL_CTX must outlive the SSL
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // ciphertext from the peer
  BIO* out = nullptr;  // ciphertext for the peer
  std::string host;    // the client's peer name: its sessions are kept under it
  std::error_code error;
  std::string text;
};

namespace {

bool is_ip_address(const std::string& host) {
  std::array<unsigned char, 16> addr{};
  return inet_pton(AF_INET, host.c_str(), addr.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), addr.data()) == 1;
}

int clamp_int(std::size_t n) {
  return n > INT_MAX ? INT_MAX : static_cast<int>(n);
}

// SSL_get_error reads the thread's error queue, so it must be empty before each SSL call. The
// engine leaves it empty after every call (fail() clears it); only other OpenSSL use on this
// thread can leave entries. Peeking costs a fraction of ERR_clear_error, which resets every
// slot of the queue each time (about 1,000 user instructions per HTTPS request otherwise).
void clear_stale_errors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

}  // namespace

result<engine> engine::make(const context& ctx, std::string_view host) {
  auto p = std::make_unique<impl>();
  p->ctx = ctx.impl();
  if (p->ctx == nullptr) return make_error_code(errc::bad_option);
  p->ssl = SSL_new(p->ctx->ctx);
  p->in = BIO_new(BIO_s_mem());
  p->out = BIO_new(BIO_s_mem());
  if (p->ssl == nullptr || p->in == nullptr || p->out == nullptr) {
    BIO_free(p->in);
    BIO_free(p->out);
    ERR_clear_error();
    return std::make_error_code(std::errc::not_enough_memory);
  }
  // An empty input BIO means "not yet", never end of stream: the stream decides about EOF.
  BIO_set_mem_eof_return(p->in, -1);
  SSL_set_bio(p->ssl, p->in, p->out);

  if (p->ctx->server) {
    SSL_set_accept_state(p->ssl);
    return engine(std::move(p));
  }
  SSL_set_connect_state(p->ssl);
  p->host = std::string(host);
  bool ok = true;
  if (!p->host.empty()) {
    if (is_ip_address(p->host)) {
      if (p->ctx->verify_peer) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(p->ssl), p->host.c_str()) == 1;
      }
    } else {
      ok = SSL_set_tlsext_host_name(p->ssl, p->host.c_str()) == 1;
      if (ok && p->ctx->verify_peer) ok = SSL_set1_host(p->ssl, p->host.c_str()) == 1;
    }
  }
  if (!ok) {
    ERR_clear_error();
    return make_error_code(errc::bad_option);
  }
  if (p->ctx->resume) {
    SSL_set_ex_data(p->ssl, host_slot(), &p->host);
    if (SSL_SESSION* s = p->ctx->session_for(p->host)) {
      SSL_set_session(p->ssl, s);
      SSL_SESSION_free(s);
    }
  }
  return engine(std::move(p));
}

engine::engine(std::unique_ptr<impl> p) noexcept : p_(std::move(p)) {}
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;
engine::~engine() = default;

step_result engine::handshake() {
  clear_stale_errors();
  const int r = SSL_do_handshake(p_->ssl);
  if (r == 1) return {step::done};
  const step_result st = p_->outcome(r, errc::handshake_failed);
  // A session that did not get through (a stale or refused ticket) must not be offered again.
  if (st.what == step::failed && p_->ctx->resume && !p_->ctx->server) {
    p_->ctx->forget_session(p_->host);
  }
  return st;
}

step_result engine::read(mutable_buffer plain) {
  clear_stale_errors();
  std::size_t n = 0;
  const int r = SSL_read_ex(p_->ssl, plain.data, plain.size, &n);
  if (r == 1) return {step::done, n};
  return p_->outcome(r, errc::protocol_error);
}

step_result engine::write(const_buffer plain) {
  clear_stale_errors();
  std::size_t n = 0;
  const int r = SSL_write_ex(p_->ssl, plain.data, plain.size, &n);
  if (r == 1) return {step::done, n};
  return p_->outcome(r, errc::protocol_error);
}

step_result engine::shutdown() {
  // Our close_notify is already out: SSL_shutdown again would read the peer's input (taking
  // what the reading task has not read yet).
  if ((SSL_get_shutdown(p_->ssl) & SSL_SENT_SHUTDOWN) != 0) return {step::done};
  clear_stale_errors();
  // 0: our close_notify is queued, the peer's has not arrived; 1: both. Neither waits.
  const int r = SSL_shutdown(p_->ssl);
  if (r >= 0) return {step::done};
  return p_->outcome(r, errc::protocol_error);
}

result<void> engine::key_update(bool request_peer) {
  clear_stale_errors();
  if (SSL_key_update(p_->ssl,
                     request_peer ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED) != 1) {
    p_->fail(errc::protocol_error);
    return make_error_code(errc::protocol_error);
  }
  // The KeyUpdate message is written by the next handshake call (or write).
  const int r = SSL_do_handshake(p_->ssl);
  if (r != 1) {
    p_->outcome(r, errc::protocol_error);
    return make_error_code(errc::protocol_error);
  }
  return {};
}

std::size_t engine::pending_output() const noexcept {
  return BIO_ctrl_pending(p_->out);
}

std::size_t engine::take_output(mutable_buffer out) noexcept {
  const int n = BIO_read(p_->out, out.data, clamp_int(out.size));
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void engine::drop_output() noexcept {
  (void)BIO_reset(p_->out);
}

void engine::give_input(const_buffer cipher) noexcept {
  // A memory BIO grows as needed: the write takes everything (or fails only without memory).
  BIO_write(p_->in, cipher.data, clamp_int(cipher.size));
}

std::error_code engine::error() const noexcept {
  return p_->error;
}

const std::string& engine::error_text() const noexcept {
  return p_->text;
}

std::string_view engine::alpn() const noexcept {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(p_->ssl, &data, &len);
  return data == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char*>(data), len);
}

bool engine::session_reused() const noexcept {
  return SSL_session_reused(p_->ssl) == 1;
}

std::string_view engine::protocol_version() const noexcept {
  return SSL_get_version(p_->ssl);
}

bool engine::handshake_done() const noexcept {
  return SSL_is_init_finished(p_->ssl) == 1;
}

}  // namespace kov::tls::detail
