// tls::context: an SSL_CTX set up from tls::options.
#include "context_impl.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <utility>

namespace kov::tls {
namespace detail {

context_impl::~context_impl() {
  for (auto& [host, s] : sessions_) SSL_SESSION_free(s);
  SSL_CTX_free(ctx);
}

SSL_SESSION* context_impl::session_for(const std::string& host) {
  const std::lock_guard lock(mutex_);
  const auto it = sessions_.find(host);
  if (it == sessions_.end()) return nullptr;
  SSL_SESSION_up_ref(it->second);
  return it->second;
}

void context_impl::forget_session(const std::string& host) {
  const std::lock_guard lock(mutex_);
  const auto it = sessions_.find(host);
  if (it == sessions_.end()) return;
  SSL_SESSION_free(it->second);
  sessions_.erase(it);
}

void context_impl::keep_session(const std::string& host, SSL_SESSION* s) {
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = sessions_.try_emplace(host, s);
  if (!inserted) SSL_SESSION_free(std::exchange(it->second, s));
}

int host_slot() {
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

}  // namespace detail

namespace {

struct bio_deleter {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

bio_ptr memory_bio(const std::string& text) {
  return bio_ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

int protocol_of(version v) {
  return v == version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

// The client's new-session callback: keeps the session under the connection's host name.
int on_new_session(SSL* ssl, SSL_SESSION* s) {
  auto* impl = static_cast<detail::context_impl*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  const auto* host = static_cast<const std::string*>(SSL_get_ex_data(ssl, detail::host_slot()));
  if (impl == nullptr || host == nullptr) return 0;
  impl->keep_session(*host, s);
  return 1;  // we took the reference
}

// The server's ALPN choice: its own first preference that the client offered.
int on_alpn_select(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                   unsigned int inlen, void* arg) {
  const auto* impl = static_cast<const detail::context_impl*>(arg);
  // Safety: OpenSSL only reads the server list; its signature lacks the const.
  auto* server =
      const_cast<unsigned char*>(reinterpret_cast<const unsigned char*>(impl->alpn_wire.data()));
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, server, static_cast<unsigned>(impl->alpn_wire.size()),
                            in, inlen) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

result<void> load_chain_pem(SSL_CTX* ctx, const std::string& pem) {
  bio_ptr bio = memory_bio(pem);
  X509* leaf = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr) return make_error_code(errc::certificate_unusable);
  const int ok = SSL_CTX_use_certificate(ctx, leaf);
  X509_free(leaf);
  if (ok != 1) return make_error_code(errc::certificate_unusable);
  while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      return make_error_code(errc::certificate_unusable);
    }
  }
  ERR_clear_error();  // the end of the PEM text is reported as an error
  return {};
}

result<void> load_own_certificate(SSL_CTX* ctx, const options& o) {
  if (!o.cert_chain_pem.empty()) {
    if (auto r = load_chain_pem(ctx, o.cert_chain_pem); !r) return r;
  } else if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_chain_file.c_str()) != 1) {
    return make_error_code(errc::certificate_unusable);
  }
  if (!o.key_pem.empty()) {
    bio_ptr bio = memory_bio(o.key_pem);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) return make_error_code(errc::key_unusable);
    const int ok = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (ok != 1) return make_error_code(errc::key_unusable);
  } else if (SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return make_error_code(errc::key_unusable);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) return make_error_code(errc::key_unusable);
  return {};
}

result<void> load_trust(SSL_CTX* ctx, const options& o) {
  const bool own = !o.ca_file.empty() || !o.ca_dir.empty() || !o.ca_pem.empty();
  if (!o.ca_file.empty() || !o.ca_dir.empty()) {
    const char* file = o.ca_file.empty() ? nullptr : o.ca_file.c_str();
    const char* dir = o.ca_dir.empty() ? nullptr : o.ca_dir.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, dir) != 1)
      return make_error_code(errc::ca_unusable);
  }
  if (!o.ca_pem.empty()) {
    bio_ptr bio = memory_bio(o.ca_pem);
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    int count = 0;
    while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      const int ok = X509_STORE_add_cert(store, ca);
      X509_free(ca);
      if (ok != 1) return make_error_code(errc::ca_unusable);
      ++count;
    }
    ERR_clear_error();
    if (count == 0) return make_error_code(errc::ca_unusable);
  }
  if (!own && o.use_system_store && SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return make_error_code(errc::ca_unusable);
  }
  return {};
}

result<std::string> alpn_wire(const std::vector<std::string>& names) {
  std::string wire;
  for (const std::string& n : names) {
    if (n.empty() || n.size() > 255) return make_error_code(errc::bad_option);
    wire.push_back(static_cast<char>(n.size()));
    wire += n;
  }
  return wire;
}

}  // namespace

result<context> context::make(const options& o, bool server) {
  auto impl = std::make_shared<detail::context_impl>();
  impl->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (impl->ctx == nullptr) return make_error_code(errc::bad_option);
  SSL_CTX* ctx = impl->ctx;
  impl->server = server;
  impl->verify_peer = o.verify_peer;
  impl->resume = o.session_tickets;
  SSL_CTX_set_app_data(ctx, impl.get());

  if (SSL_CTX_set_min_proto_version(ctx, protocol_of(o.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, protocol_of(o.max_version)) != 1) {
    return make_error_code(errc::bad_option);
  }
  // Renegotiation would let a read need a write and the other way round mid-stream.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (!o.cipher_list.empty() && SSL_CTX_set_cipher_list(ctx, o.cipher_list.c_str()) != 1) {
    return make_error_code(errc::bad_option);
  }
  if (!o.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites.c_str()) != 1) {
    return make_error_code(errc::bad_option);
  }

  if (server || !o.cert_chain_file.empty() || !o.cert_chain_pem.empty()) {
    if (auto r = load_own_certificate(ctx, o); !r) return r.error();
  }
  if (!server || o.verify_peer) {
    if (auto r = load_trust(ctx, o); !r) return r.error();
  }
  if (o.verify_peer) {
    SSL_CTX_set_verify(
        ctx, server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, nullptr);
  }

  auto wire = alpn_wire(o.alpn);
  if (!wire) return wire.error();
  impl->alpn_wire = std::move(*wire);
  if (!impl->alpn_wire.empty()) {
    if (server) {
      SSL_CTX_set_alpn_select_cb(ctx, on_alpn_select, impl.get());
    } else if (SSL_CTX_set_alpn_protos(
                   ctx, reinterpret_cast<const unsigned char*>(impl->alpn_wire.data()),
                   static_cast<unsigned>(impl->alpn_wire.size())) != 0) {
      return make_error_code(errc::bad_option);
    }
  }

  if (server) {
    // Without a session id context a resumption fails (fatally, when the server verifies
    // clients): every server context gets the same one, as all of kov's servers are one kind.
    static constexpr unsigned char id_context[] = "kov::tls";
    if (SSL_CTX_set_session_id_context(ctx, id_context, sizeof id_context - 1) != 1) {
      return make_error_code(errc::bad_option);
    }
    if (!o.session_tickets) {
      SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
      SSL_CTX_set_num_tickets(ctx, 0);
    }
    SSL_CTX_set_session_cache_mode(ctx,
                                   o.session_tickets ? SSL_SESS_CACHE_SERVER : SSL_SESS_CACHE_OFF);
  } else if (o.session_tickets) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  } else {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
  return context(std::move(impl));
}

result<context> context::client(const options& o) {
  auto r = make(o, false);
  ERR_clear_error();  // OpenSSL's queue is per thread: leave nothing behind for the next call
  return r;
}

result<context> context::server(const options& o) {
  auto r = make(o, true);
  ERR_clear_error();
  return r;
}

bool context::is_server() const noexcept {
  return impl_ != nullptr && impl_->server;
}

}  // namespace kov::tls
