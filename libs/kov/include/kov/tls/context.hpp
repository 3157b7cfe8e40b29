// kov::tls::context: the settings one side of TLS connections shares (certificates, trust,
// ALPN, versions, resumption), built once and used by any number of tls::stream.
//
//   kov::tls::options o;
//   o.ca_file = "ca.pem";                               // or ca_dir, or the system store
//   o.alpn = {"h2", "http/1.1"};
//   auto client = kov::tls::context::client(o);          // result<context>
//
//   kov::tls::options s;
//   s.cert_chain_file = "server.pem";
//   s.key_file = "server.key";
//   auto server = kov::tls::context::server(s);
//
// A context is a cheap handle (copies share it) and may be used from several threads.
#pragma once

#include <kov/result.hpp>
#include <kov/tls/error.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kov::tls {

/// A TLS protocol version, for options::min_version and options::max_version.
enum class version : int {
  tls1_2,  ///< TLS 1.2, the oldest kov::tls speaks.
  tls1_3   ///< TLS 1.3.
};

/// What a context is built from: our certificate and key, whom to trust, verification, ALPN,
/// versions, ciphers and resumption. The defaults make a client that verifies the server
/// against the system store.
struct options {
  ///@{
  /// Our certificate chain (leaf first) and its private key, PEM, from files or from memory
  /// (the `*_pem` text wins when both are given). A server needs them; a client only for client
  /// certificates.
  std::string cert_chain_file;
  std::string key_file;
  std::string cert_chain_pem;
  std::string key_pem;
  ///@}

  ///@{
  /// The certificates that are trusted to sign the peer's: a PEM file, an OpenSSL hashed
  /// directory (c_rehash), PEM text; with none of them, the system store (when use_system_store).
  std::string ca_file;
  std::string ca_dir;
  std::string ca_pem;
  bool use_system_store = true;
  ///@}

  /// Verify the peer: on by default for a client (chain and host name); for a server it asks for
  /// a client certificate and requires one.
  bool verify_peer = true;

  /// ALPN protocol names in order of preference. A client offers them; a server picks the first
  /// of its own list that the client offered (and goes on without ALPN when none matches).
  std::vector<std::string> alpn;

  version min_version = version::tls1_2;  ///< The oldest version to negotiate.
  version max_version = version::tls1_3;  ///< The newest version to negotiate.
  ///@{
  /// OpenSSL cipher lists (TLS 1.2) and TLS 1.3 cipher suites; empty: OpenSSL's defaults.
  std::string cipher_list;
  std::string ciphersuites;
  ///@}

  /// Session resumption with tickets: a server issues them, a client keeps the newest per host
  /// name (in the context) and offers it on the next connection to that host.
  bool session_tickets = true;
};

namespace detail {
struct context_impl;
}

/// The settings one side of TLS connections shares (certificates, trust, ALPN, versions,
/// resumption), built once from options and used by any number of tls::stream. A cheap handle:
/// copies share it, and it may be used from several threads.
class KOV_API context {
 public:
  /// A client context. Errors: tls::errc::certificate_unusable, key_unusable, ca_unusable
  /// (trust that could not be loaded) or bad_option.
  static result<context> client(const options& o = {});
  /// A server context; `o` must give the certificate chain and its key. Errors as for client().
  static result<context> server(const options& o);

  /// True for a context made by server().
  bool is_server() const noexcept;

  /// For kov::tls's own use.
  const std::shared_ptr<detail::context_impl>& impl() const noexcept { return impl_; }

 private:
  explicit context(std::shared_ptr<detail::context_impl> impl) noexcept : impl_(std::move(impl)) {}
  static result<context> make(const options& o, bool server);
  std::shared_ptr<detail::context_impl> impl_;
};

}  // namespace kov::tls
