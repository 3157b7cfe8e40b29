/** @file
 * kov's C API: an event loop with tasks, timers and TCP, for C programs and foreign-function
 * interfaces (Rust, Python, ...). It drives the same single-threaded runtime as the C++ API.
 *
 *   static void on_tick(kov_timer* t, void* user) { (void)t; kov_stop((kov_runtime*)user); }
 *
 *   kov_runtime* rt = kov_runtime_new();
 *   kov_timer_start(rt, 100, 0, on_tick, rt);   // once, in 100 ms; frees itself after on_tick
 *   int err = kov_run(rt);                       // runs callbacks until on_tick calls kov_stop
 *   kov_runtime_free(rt);
 *
 * Rules that hold for every function below:
 *
 * - Threads. A runtime belongs to the thread that created it (the runtime thread). Every
 *   function must be called on that thread, except kov_stop and kov_post, which any thread may
 *   call (kov_strerror too). Functions that return an int report a call from another thread
 *   as -EPERM.
 * - Callbacks run on the runtime thread, from inside kov_run, one at a time: never from inside
 *   the call that started the operation, so a C program is never re-entered. A callback may
 *   call any function of this API except kov_run (which returns -EBUSY there) and
 *   kov_runtime_free. A callback must return normally (no longjmp out, no C++ exception).
 * - Errors are negative errno values: -EINVAL for a null or malformed argument, -EBUSY for a
 *   second operation of a kind that allows one at a time, -ENOMEM when out of memory,
 *   -ECANCELED for an operation whose handle was closed, and what the system reports
 *   (-ECONNREFUSED, -EADDRINUSE, ...). kov_strerror describes them. No C++ exception ever
 *   leaves this API.
 * - Memory. Pointers passed in (addresses, buffers) are read during the call only, except
 *   the buffer of kov_tcp_read / kov_tcp_write, which must stay valid until that operation's
 *   callback runs. `user` pointers are never dereferenced: they are handed back to callbacks.
 *   kov_runtime_free frees every handle (timer, TCP) still alive without calling any callback.
 *
 * Linking: kov is C++ inside. Link with -lkov -lflume_lock -lcares -lstdc++, or, in CMake, link
 * kov::kov from a project that enables CXX besides C (CMake then links with the C++ driver).
 */
#ifndef KOV_H
#define KOV_H

#include <kov/export.hpp>
#include <kov/version.hpp>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An event loop and everything it owns (opaque; kov_runtime_new, kov_runtime_free). */
typedef struct kov_runtime kov_runtime;
/** A one-shot or repeating timer (opaque; kov_timer_start, kov_timer_cancel). */
typedef struct kov_timer kov_timer;
/** A TCP listener or connection (opaque; kov_tcp_listen, kov_tcp_connect, kov_tcp_close). */
typedef struct kov_tcp kov_tcp;

/* ---- Runtime -------------------------------------------------------------------------- */

/** Creates a runtime owned by the calling thread. NULL on failure (out of memory, or the
 * system refused an eventfd or an epoll instance). Free it with kov_runtime_free. */
KOV_API kov_runtime* kov_runtime_new(void);

/** Frees `rt` (NULL is ignored). Every handle still alive is closed and freed and every
 * pending operation is dropped; no callback runs. Pointers to those handles become invalid.
 * Work queued with kov_post and not yet run is dropped. Call it on the runtime thread, outside
 * kov_run, after every other thread's kov_stop / kov_post call on `rt` has returned. */
KOV_API void kov_runtime_free(kov_runtime* rt);

/** Runs callbacks (tasks, timers, I/O completions, posted work) until kov_stop is called, then
 * returns 0. Waits in epoll while there is nothing to do. Work that is still pending stays
 * queued: a later kov_run carries on with it. Errors: -EBUSY when called from a callback (of
 * this runtime, or of another one running on this thread), -EPERM from another thread than
 * the runtime's, -ENOMEM. */
KOV_API int kov_run(kov_runtime* rt);

/** Makes the running kov_run return, or, when none is running, the next one (as soon as it
 * has run the callbacks that are ready). Stops requested before kov_run sees one count as
 * one. Safe from any thread, including from a callback; wakes a runtime parked in epoll.
 * Not async-signal-safe: from a signal handler, hand the signal to a thread (see
 * examples/c/echo_server.c) and call kov_stop (or kov_post) there. */
KOV_API void kov_stop(kov_runtime* rt);

/** Queues `fn(rt, user)` to run on the runtime thread inside kov_run, in the order of the
 * kov_post calls of each calling thread. Safe from any thread (not from a signal handler).
 * 0, -EINVAL (null rt or fn) or -ENOMEM. Posted work still queued when the runtime is freed
 * is dropped without a call. */
KOV_API int kov_post(kov_runtime* rt, void (*fn)(kov_runtime* rt, void* user), void* user);

/** Starts a task that calls `fn(rt, user)` on the runtime thread: it runs after the tasks
 * already queued, during kov_run (never inside kov_spawn). Runtime thread only (kov_post is
 * the thread-safe way). 0, -EINVAL (null rt or fn), -EPERM or -ENOMEM. */
KOV_API int kov_spawn(kov_runtime* rt, void (*fn)(kov_runtime* rt, void* user), void* user);

/** Runs `work(user)` on the runtime's pool of threads for blocking calls (a file read, a slow
 * library call), so callbacks go on running meanwhile; then calls `done(rt, status, user)` on
 * the runtime thread, inside kov_run: status 0 once `work` has returned (-EIO if a C++ `work`
 * threw). `work` starts at once, on a pool thread (started on demand, at most 512, each
 * leaving after 10 s idle); it must not call this API except kov_post and kov_stop. A running
 * `work` cannot be stopped. kov_runtime_free drops the work no thread has started (neither
 * function is called) and waits for the running `work` calls to return (their `done` is not
 * called). Runtime thread only. 0, -EINVAL (null rt, work or done), -EPERM, -ENOMEM, or the
 * system's error when no pool thread can be started. */
KOV_API int kov_spawn_blocking(kov_runtime* rt, void (*work)(void* user),
                               void (*done)(kov_runtime* rt, int status, void* user), void* user);

/** A static, human-readable description of an error value of this API ("Connection refused"
 * for -ECONNREFUSED, "success" for 0). A positive value is read as its negation. Never NULL;
 * thread-safe. */
KOV_API const char* kov_strerror(int error);

/* ---- DNS ------------------------------------------------------------------------------ */

/** Errors of a lookup that have no errno value (kov_strerror describes them). A lookup that
 * got no answer in time is -ETIMEDOUT. */
#define KOV_EDNS_NOTFOUND (-4001)    /**< no such host */
#define KOV_EDNS_NODATA (-4002)      /**< the name has no address */
#define KOV_EDNS_REFUSED (-4004)     /**< the server refused the query */
#define KOV_EDNS_SERVFAIL (-4005)    /**< the server failed */
#define KOV_EDNS_UNREACHABLE (-4006) /**< no server gave an answer */
#define KOV_EDNS_BADNAME (-4007)     /**< malformed host name */
#define KOV_EDNS_BADSERVICE (-4008)  /**< unknown service */
#define KOV_EDNS_BADRESP (-4009)     /**< malformed answer */
#define KOV_EDNS_FAILURE (-4010)     /**< any other lookup failure */

/** Resolves `host` (/etc/hosts first, then the servers of /etc/resolv.conf) on the runtime
 * thread, with no helper thread: `cb(0, addrs, count, user)` with every address as text with
 * the port of `service` ("127.0.0.1:80", "[::1]:80"; service NULL or "" gives port 0), in the
 * order getaddrinfo would use; or `cb(error, NULL, 0, user)`. The strings live until `cb`
 * returns. timeout_ms 0 means 10 s. Returns 0 when started, or -EINVAL (null rt, host or cb),
 * -EPERM, -ENOMEM: then `cb` never runs. A lookup ends with the runtime (no callback then). */
KOV_API int kov_resolve(kov_runtime* rt, const char* host, const char* service, uint64_t timeout_ms,
                        void (*cb)(int status, const char* const* addrs, size_t count, void* user),
                        void* user);

/* ---- Timers --------------------------------------------------------------------------- */

/** Calls `cb(timer, user)` once `delay_ms` milliseconds from now, then, when `repeat_ms` is not
 * 0, every `repeat_ms` milliseconds (when the loop falls behind, missed ticks are skipped, not
 * bunched). A timer is never early; it fires at the first 1 ms tick at or after its time. A
 * delay of 0 fires on the next turn of the loop. Delays above 10^12 ms (about 31 years) are
 * cut to that. NULL when `rt` or `cb` is NULL, on a foreign thread, or out of memory.
 *
 * Who frees what: the runtime owns every timer. A one-shot timer (repeat_ms 0) frees itself
 * when its callback returns: its pointer is valid until then, and no longer. A repeating
 * timer lives until kov_timer_cancel (or kov_runtime_free). */
KOV_API kov_timer* kov_timer_start(kov_runtime* rt, uint64_t delay_ms, uint64_t repeat_ms,
                                   void (*cb)(kov_timer* timer, void* user), void* user);

/** Stops a live timer and frees it: its callback does not run again. Allowed from any
 * callback, including the timer's own (it is then freed when that callback returns), and
 * outside kov_run on the runtime thread. NULL is ignored. A one-shot timer whose callback has
 * returned is already freed: do not cancel it then. */
KOV_API void kov_timer_cancel(kov_timer* timer);

/* ---- TCP ------------------------------------------------------------------------------ */
/* A kov_tcp is a listening socket or a connection. The program owns each kov_tcp it gets
 * (from kov_tcp_listen, or from the callback of kov_tcp_accept / kov_tcp_connect) and gives it
 * up with kov_tcp_close, exactly once. Operations in flight keep the memory alive: it is freed
 * when the handle is closed and no callback of it is pending or running. One read, one write
 * (a connection) and one accept (a listener) may be pending at a time: a second one of the
 * same kind is -EBUSY. Addresses are IP literals with a port: "127.0.0.1:8080", "[::1]:0",
 * "[fe80::1%eth0]:80" (no host names); anything else is -EINVAL. */

/** Binds and listens on `addr` (SO_REUSEADDR; port 0 picks a free port, see
 * kov_tcp_local_address). On success stores the listener in *out and returns 0; otherwise
 * *out is left alone and the error is returned (-EINVAL, -EADDRINUSE, -EACCES, ...). */
KOV_API int kov_tcp_listen(kov_runtime* rt, const char* addr, kov_tcp** out);

/** Accepts one connection: `cb(listener, 0, conn, user)` with a new connection that the
 * program then owns, or `cb(listener, -errno, NULL, user)`. Call kov_tcp_accept again (from
 * the callback, typically) for the next connection. Errors leave the listener usable; on
 * -EMFILE / -ENFILE (out of file descriptors) the connection stays queued, so wait a little
 * (a timer) before accepting again rather than spinning. Returns 0 when started, or -EINVAL
 * (null argument, or `listener` is a connection), -EBADF (closed), -EBUSY, -EPERM, -ENOMEM. */
KOV_API int kov_tcp_accept(kov_tcp* listener,
                           void (*cb)(kov_tcp* listener, int status, kov_tcp* conn, void* user),
                           void* user);

/** Connects to `addr`: `cb(conn, 0, user)` with a connection that the program then owns, or
 * `cb(NULL, -errno, user)` (-ECONNREFUSED, -ETIMEDOUT after `timeout_ms`, ...). timeout_ms 0
 * means no limit but the system's own. Returns 0 when started, or -EINVAL (null argument,
 * malformed address), -EPERM, -ENOMEM: then `cb` never runs. A connection attempt cannot be
 * cancelled (it ends with the runtime). */
KOV_API int kov_tcp_connect(kov_runtime* rt, const char* addr, uint64_t timeout_ms,
                            void (*cb)(kov_tcp* conn, int status, void* user), void* user);

/** Connects by name: `host_port` is "example.com:443", "localhost:8080" or an IP literal with
 * its port. The host is resolved as kov_resolve does, then the addresses are tried as
 * tcp_stream::connect by name does (Happy Eyeballs, RFC 8305); when all fail, `cb(NULL, error of
 * the last attempt, user)`. A failed lookup is one of the KOV_EDNS_* values (or -ETIMEDOUT).
 * timeout_ms bounds the whole; 0 means the lookup's default (10 s) and no limit on the attempts.
 * Returns 0 when started, or -EINVAL (null argument, no HOST:PORT shape), -EPERM, -ENOMEM: then
 * `cb` never runs. A host that is not a name (such as an unbracketed IPv6 address) reaches `cb` as
 * -EINVAL. */
KOV_API int kov_tcp_connect_name(kov_runtime* rt, const char* host_port, uint64_t timeout_ms,
                                 void (*cb)(kov_tcp* conn, int status, void* user), void* user);

/** Reads what is there, up to `len` bytes, into `buf`, waiting until at least one byte is:
 * `cb(conn, n, user)` with n > 0 bytes read, 0 at the end of the stream, or -errno
 * (-ECONNRESET, -ECANCELED when the handle was closed first). `buf` must stay valid until
 * `cb` runs. Returns 0 when started, or -EINVAL (null argument, len 0, or a listener),
 * -EBADF (closed), -EBUSY (a read is pending), -EPERM, -ENOMEM. */
KOV_API int kov_tcp_read(kov_tcp* conn, void* buf, size_t len,
                         void (*cb)(kov_tcp* conn, long n, void* user), void* user);

/** Writes all `len` bytes of `buf`: `cb(conn, n, user)` with n == len once every byte is
 * handed to the kernel, or -errno (-EPIPE, -ECONNRESET, -ECANCELED when the handle was
 * closed first; how much was written is then unknown). Never raises SIGPIPE. `buf` must stay
 * valid until `cb` runs; it may be NULL when len is 0 (the callback then gets 0). Returns 0 when
 * started, or -EINVAL (null argument, a listener, or len above LONG_MAX), -EBADF, -EBUSY (a write
 * is pending), -EPERM, -ENOMEM. */
KOV_API int kov_tcp_write(kov_tcp* conn, const void* buf, size_t len,
                          void (*cb)(kov_tcp* conn, long n, void* user), void* user);

/** Sends the end of the stream (shutdown(SHUT_WR)): the peer reads 0 once it has the bytes
 * written before; reading goes on. 0, -EINVAL (a listener), -EBADF, -EPERM or -ENOTCONN. */
KOV_API int kov_tcp_shutdown(kov_tcp* conn);

/** TCP_NODELAY on (on != 0) or off: with it on, small writes go out at once (no Nagle
 * delay). 0, -EINVAL (a listener), -EBADF or -EPERM. */
KOV_API int kov_tcp_set_nodelay(kov_tcp* conn, int on);

/** @{ */
/** The handle's own address (kov_tcp_local_address) or its peer's (kov_tcp_peer_address, a
 * connection only) as text, "127.0.0.1:8080" or "[::1]:8080", NUL-terminated in `buf`.
 * Returns the text's length (without the NUL), or -ENOSPC when `len` cannot hold it and the
 * NUL, -EINVAL, -EBADF, -ENOTCONN, -EPERM. */
KOV_API int kov_tcp_local_address(kov_tcp* tcp, char* buf, size_t len);
KOV_API int kov_tcp_peer_address(kov_tcp* conn, char* buf, size_t len);
/** @} */

/** Closes the socket now and gives up the program's ownership (NULL is ignored). Each
 * callback of this handle still pending then runs once, later, from kov_run, with -ECANCELED
 * (a read or write) or status -ECANCELED (an accept), even when its operation had finished
 * just before the close. The memory goes once no callback of it is pending or running. A
 * callback may close its own handle; calling kov_tcp_close again on a closed handle that is
 * still alive (from one of its callbacks) does nothing. Runtime thread only. */
KOV_API void kov_tcp_close(kov_tcp* tcp);

#ifdef __cplusplus
}
#endif

#endif /* KOV_H */
