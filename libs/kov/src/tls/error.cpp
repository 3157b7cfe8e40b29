// kov::tls's error category: the messages of tls::errc.
#include <kov/tls/error.hpp>

#include <string>

namespace kov::tls {
namespace {

class tls_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kov.tls"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::verification_failed:
        return "TLS peer certificate verification failed";
      case errc::handshake_failed:
        return "TLS handshake failed";
      case errc::truncated:
        return "TLS peer closed the connection without close_notify (truncated)";
      case errc::protocol_error:
        return "TLS protocol error";
      case errc::broken:
        return "TLS stream unusable after an abandoned or failed write";
      case errc::no_handshake:
        return "TLS operation before a successful handshake";
      case errc::certificate_unusable:
        return "TLS certificate could not be loaded";
      case errc::key_unusable:
        return "TLS private key could not be loaded or does not match the certificate";
      case errc::ca_unusable:
        return "TLS CA certificates could not be loaded";
      case errc::bad_option:
        return "TLS option refused";
    }
    return "unknown TLS error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const tls_category category;
  return category;
}

}  // namespace kov::tls
