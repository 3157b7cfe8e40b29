// The C API's error values: kov's error codes as errno values, and kov_strerror.

#include <kov/net/dns.hpp>

#include "c_api.hpp"

#include <climits>
#include <cstring>
#include <iterator>

namespace kov::c_api {

int errno_of(std::error_code e) noexcept {
  if (!e) return 0;
  if (e.category() == kov::error_category()) {
    switch (static_cast<kov::errc>(e.value())) {
      case kov::errc::cancelled:
        return ECANCELED;
      case kov::errc::timed_out:
        return ETIMEDOUT;
      case kov::errc::closed:
        return EPIPE;
      case kov::errc::would_block:
        return EAGAIN;
      case kov::errc::end_of_stream:
        return ENODATA;
      case kov::errc::no_runtime:
        return EINVAL;
      case kov::errc::lagged:
        return EOVERFLOW;
    }
    return EIO;
  }
  if (e.category() == kov::net::dns_category()) {
    // KOV_EDNS_* (kov.h): 4000 + the dns_errc value; a lookup that timed out is ETIMEDOUT.
    const auto d = static_cast<kov::net::dns_errc>(e.value());
    return d == kov::net::dns_errc::timed_out ? ETIMEDOUT : dns_errno_base + e.value();
  }
  if (e.category() == std::system_category() || e.category() == std::generic_category()) {
    return e.value() > 0 ? e.value() : EIO;
  }
  return EIO;
}

}  // namespace kov::c_api

extern "C" {

const char* kov_strerror(int error) {
  if (error == 0) return "success";
  if (error < -INT_MAX) return "unknown error";  // INT_MIN has no positive counterpart
  const int e = error < 0 ? -error : error;
  if (e > kov::c_api::dns_errno_base && e <= kov::c_api::dns_errno_base + 100) {
    return kov::net::dns_description(
        static_cast<kov::net::dns_errc>(e - kov::c_api::dns_errno_base));
  }
  // KOV_ETLS_* (kov_tls.h): 4100 + the tls::errc value, in the order of its enumerators.
  static constexpr const char* tls_texts[] = {
      "TLS certificate verification failed",
      "TLS handshake failed",
      "TLS peer closed without close_notify (truncated)",
      "TLS protocol error",
      "TLS stream broken by an earlier failed write",
      "TLS operation before a successful handshake",
      "TLS certificate unusable",
      "TLS private key unusable",
      "TLS CA certificates unusable",
      "TLS option refused",
  };
  constexpr int tls_base = 4100;
  if (e > tls_base && e <= tls_base + static_cast<int>(std::size(tls_texts))) {
    return tls_texts[e - tls_base - 1];
  }
  // glibc's own static descriptions; unlike strerror, never a per-thread buffer.
  const char* text = e > 0 ? ::strerrordesc_np(e) : nullptr;
  return text != nullptr ? text : "unknown error";
}

}  // extern "C"
