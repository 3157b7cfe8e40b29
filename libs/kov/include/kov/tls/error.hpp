// kov::tls's error values: tls::errc in its own std::error_category ("kov.tls"). A deadline that
// passes is kov::errc::timed_out, as everywhere in kov; OpenSSL's own reason text for the last
// failure is on the stream (tls::stream::error_text()).
#pragma once

#include <kov/export.hpp>

#include <system_error>
#include <type_traits>

namespace kov::tls {

/// Why a TLS operation failed, in its own category ("kov.tls"); transport errors and
/// kov::errc::timed_out come through as they are.
enum class errc : int {
  verification_failed = 1,  ///< the peer's certificate chain or host name did not verify
  handshake_failed,         ///< the handshake failed for another reason (no shared protocol, alert)
  truncated,                ///< the peer closed the connection without a close_notify
  protocol_error,           ///< a TLS error after the handshake (a bad record, an alert)
  broken,                ///< a write failed or was cut off midway: later writes fail, reads go on
  no_handshake,          ///< read/write/shutdown before a successful handshake
  certificate_unusable,  ///< a certificate (chain) could not be loaded
  key_unusable,          ///< a private key could not be loaded, or does not match the certificate
  ca_unusable,           ///< the CA file, directory or system store could not be loaded
  bad_option,            ///< an option the TLS library refused (an ALPN name, a cipher list)
};

/// The category of tls::errc values ("kov.tls"), one static object.
KOV_API const std::error_category& error_category() noexcept;

/// A tls::errc as a std::error_code in error_category() (found by ADL for std::error_code's
/// converting constructor).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace kov::tls

/// @cond
template <>
struct std::is_error_code_enum<kov::tls::errc> : std::true_type {};
/// @endcond
