/* A TCP echo server on kov's C API: every byte a client sends comes back. The program
 * kov-echo-c (echo_server.c) runs it; the C API test runs it in-process.
 *
 *   echo_server* srv;
 *   if (echo_server_start(rt, "127.0.0.1:8080", &srv) != 0) ...
 *   kov_run(rt);                          // serves until something calls kov_stop
 *   ...
 *   echo_server_close(srv, on_closed, rt);  // on_closed runs once all is closed and freed
 *
 * All functions run on the runtime thread of `rt`.
 */
#ifndef KOV_EXAMPLES_ECHO_H
#define KOV_EXAMPLES_ECHO_H

#include <kov.h>

#include <stddef.h>

typedef struct echo_server echo_server;

/* Listens on `addr` and serves every connection from kov_run. 0 and *out set, or a negative
 * errno (nothing to free then). */
int echo_server_start(kov_runtime* rt, const char* addr, echo_server** out);

/* The listening address as text, as kov_tcp_local_address. */
int echo_server_address(const echo_server* srv, char* buf, size_t len);

/* Connections accepted so far. */
unsigned long echo_server_accepted(const echo_server* srv);

/* Stops accepting and closes every connection. Once the last callback of the server has run,
 * the server is freed and `done(user)` runs (from kov_run; never inside this call). `done` may
 * be NULL. */
void echo_server_close(echo_server* srv, void (*done)(void* user), void* user);

#endif /* KOV_EXAMPLES_ECHO_H */
