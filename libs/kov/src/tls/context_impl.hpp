// What a tls::context holds: the SSL_CTX and the client's resumption sessions per host.
#pragma once

#include <kov/tls/context.hpp>

#include <openssl/ssl.h>

#include <map>
#include <mutex>
#include <string>

namespace kov::tls::detail {

struct context_impl {
  context_impl() = default;
  context_impl(const context_impl&) = delete;
  context_impl& operator=(const context_impl&) = delete;
  ~context_impl();

  // The newest session for `host` with a reference for the caller, or null.
  SSL_SESSION* session_for(const std::string& host);
  // Drops the session kept for `host` (it failed to resume).
  void forget_session(const std::string& host);
  // Keeps `s` (taking the caller's reference) as the newest session for `host`.
  void keep_session(const std::string& host, SSL_SESSION* s);

  SSL_CTX* ctx = nullptr;
  bool server = false;
  bool verify_peer = true;
  bool resume = true;
  std::string alpn_wire;  // ALPN names as length-prefixed bytes (RFC 7301)

 private:
  std::mutex mutex_;  // streams on several threads share the context
  std::map<std::string, SSL_SESSION*> sessions_;
};

// The SSL ex_data slot that holds a client SSL's host name (a std::string owned by the engine).
int host_slot();

}  // namespace kov::tls::detail
