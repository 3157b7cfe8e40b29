// The TLS settings every HTTPS peer server and the handshake load client pin, so the servers
// differ only in their runtime: TLS 1.3 only, one cipher suite, no session tickets (neither
// scenario resumes, and a ticket per connection is work nobody uses), no server session cache.
// The certificate is made by bench/kov/net.sh with the openssl CLI (ECDSA P-256). The key
// exchange group is OpenSSL's default (X25519 first) on every side, as all link the same libssl.
// Server command line: `NAME --listen HOST:PORT --cert CERT.pem --key KEY.pem`.
#pragma once

#include "listen_arg.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace peers::tls_pinned {

inline constexpr const char* ciphersuite = "TLS_AES_128_GCM_SHA256";

struct server_args {
  listen_addr listen;
  std::string cert_file;
  std::string key_file;
};

// Exits with status 2 and a usage line unless the arguments are exactly
// `--listen HOST:PORT --cert FILE --key FILE`.
inline server_args parse_server_args(int argc, char** argv, const char* name) {
  if (argc != 7 || std::strcmp(argv[3], "--cert") != 0 || std::strcmp(argv[5], "--key") != 0) {
    std::fprintf(stderr, "usage: %s --listen HOST:PORT --cert CERT.pem --key KEY.pem\n", name);
    std::exit(2);
  }
  return {parse_listen(3, argv, name), argv[4], argv[6]};
}

}  // namespace peers::tls_pinned
