/** @file
 * kov's C API for TLS (kov::tls, OpenSSL 3): a context built from PEM files, and a connected
 * kov_tcp wrapped in TLS as a client or a server. The rules of kov.h hold (runtime thread,
 * callbacks from kov_run only, negative error values, kov_strerror).
 *
 *   kov_tls_context* ctx;
 *   kov_tls_context_new(NULL, NULL, "ca.pem", 0, &ctx);   // a client that verifies
 *   kov_tls* tls;
 *   kov_tls_client(conn, ctx, "example.com", &tls);       // takes over conn
 *   kov_tls_handshake(tls, 5000, on_handshake, user);     // then read, write, shutdown
 *
 * Linking: -lkov_tls -lkov ... -lssl -lcrypto (pkg-config kov_tls), or kov::kov_tls in CMake.
 */
#ifndef KOV_TLS_H
#define KOV_TLS_H

#include <kov.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Settings shared by TLS connections (opaque; kov_tls_context_new, kov_tls_context_free). Not
 * tied to a runtime: any thread may make, use and free one. */
typedef struct kov_tls_context kov_tls_context;
/** A TLS connection over a kov_tcp (opaque; kov_tls_client, kov_tls_server, kov_tls_close). */
typedef struct kov_tls kov_tls;

/** Flags of kov_tls_context_new. */
#define KOV_TLS_SERVER 1   /**< a server context (cert_file and key_file are required) */
#define KOV_TLS_INSECURE 2 /**< a client that does not verify the server (tests only) */

/** @{ */
/** TLS errors (kov_strerror describes them; kov_tls_error_text says what OpenSSL said). */
#define KOV_ETLS_VERIFY (-4101)       /**< the peer's certificate or name did not verify */
#define KOV_ETLS_HANDSHAKE (-4102)    /**< the handshake failed for another reason */
#define KOV_ETLS_TRUNCATED (-4103)    /**< the peer closed without close_notify */
#define KOV_ETLS_PROTOCOL (-4104)     /**< a TLS error after the handshake */
#define KOV_ETLS_BROKEN (-4105)       /**< an earlier write failed midway: no more writes */
#define KOV_ETLS_NO_HANDSHAKE (-4106) /**< read/write/shutdown before a handshake succeeded */
#define KOV_ETLS_CERT (-4107)         /**< the certificate file could not be used */
#define KOV_ETLS_KEY (-4108)          /**< the key file could not be used or does not match */
#define KOV_ETLS_CA (-4109)           /**< the CA file (or the system store) could not be used */
#define KOV_ETLS_OPTION (-4110)       /**< an option OpenSSL refused (a server name) */
/** @} */

/** Makes a context from PEM files (any may be NULL): our certificate chain and key (required
 * with KOV_TLS_SERVER; a client's for client certificates), and the CA file that signs the
 * peer's certificate (NULL: the system store). A client verifies the server's chain and name
 * unless KOV_TLS_INSECURE; a server given a CA file requires a client certificate signed by it.
 * Stores it in *out and returns 0, or -EINVAL, -ENOMEM, KOV_ETLS_CERT, KEY, CA. */
KOV_API int kov_tls_context_new(const char* cert_file, const char* key_file, const char* ca_file,
                                int flags, kov_tls_context** out);
/** Frees a context (NULL is ignored). Connections made with it keep what they need. */
KOV_API void kov_tls_context_free(kov_tls_context* ctx);

/** @{ */
/** Wraps the connection `conn` in TLS, as a client checking the server's certificate against
 * `server_name` (also sent as SNI; NULL: no name check) or as a server. On success the kov_tls
 * owns `conn` (kov_tls_close closes it; the program no longer uses or closes it), *out is set
 * and 0 returned; otherwise `conn` stays the program's: -EINVAL (a null argument, a listener, a
 * context of the wrong side), -EBADF, -EBUSY (a read or write of `conn` pending), -EPERM,
 * -ENOMEM, KOV_ETLS_OPTION. */
KOV_API int kov_tls_client(kov_tcp* conn, const kov_tls_context* ctx, const char* server_name,
                           kov_tls** out);
KOV_API int kov_tls_server(kov_tcp* conn, const kov_tls_context* ctx, kov_tls** out);
/** @} */

/** Runs the handshake, within timeout_ms (0: no limit): `cb(tls, status, user)` with 0, or
 * KOV_ETLS_VERIFY, KOV_ETLS_HANDSHAKE, KOV_ETLS_TRUNCATED, -ETIMEDOUT, -ECONNRESET, -ECANCELED
 * (closed first). Returns 0 when started, or -EINVAL, -EBADF, -EBUSY (started already), -EPERM,
 * -ENOMEM. */
KOV_API int kov_tls_handshake(kov_tls* tls, uint64_t timeout_ms,
                              void (*cb)(kov_tls* tls, int status, void* user), void* user);

/** Reads plaintext as kov_tcp_read does: `cb(tls, n, user)` with n > 0, 0 at the peer's
 * close_notify, KOV_ETLS_TRUNCATED when the connection ended without one, or another error.
 * One read at a time (-EBUSY); it may run beside a write or a shutdown. Returns as
 * kov_tcp_read, and KOV_ETLS_NO_HANDSHAKE before a successful handshake. */
KOV_API int kov_tls_read(kov_tls* tls, void* buf, size_t len,
                         void (*cb)(kov_tls* tls, long n, void* user), void* user);

/** Writes all of `buf` as kov_tcp_write does (`cb` with n == len, or an error; a failure midway
 * leaves the connection KOV_ETLS_BROKEN for writing). One write or shutdown at a time (-EBUSY).
 * Returns as kov_tcp_write, and KOV_ETLS_NO_HANDSHAKE before a successful handshake. */
KOV_API int kov_tls_write(kov_tls* tls, const void* buf, size_t len,
                          void (*cb)(kov_tls* tls, long n, void* user), void* user);

/** Sends close_notify and then the end of the TCP stream: `cb(tls, status, user)` with 0 or an
 * error. Reading may go on up to the peer's close_notify. Returns as kov_tls_write. */
KOV_API int kov_tls_shutdown(kov_tls* tls, void (*cb)(kov_tls* tls, int status, void* user),
                             void* user);

/** OpenSSL's words for the connection's last failure (the X.509 reason for KOV_ETLS_VERIFY),
 * "" when none; valid until the next operation or kov_tls_close. NULL for a NULL handle. */
KOV_API const char* kov_tls_error_text(const kov_tls* tls);

/** Closes the connection now (no close_notify: kov_tls_shutdown first for a clean end) and
 * gives up the program's ownership, as kov_tcp_close does: pending callbacks run later with
 * -ECANCELED. NULL is ignored. kov_runtime_free closes a kov_tls still open too. */
KOV_API void kov_tls_close(kov_tls* tls);

#ifdef __cplusplus
}
#endif

#endif /* KOV_TLS_H */
