/* The echo server of echo.h: one accept at a time on the listener, and per connection a loop
 * of read, then write back what was read. Connections alternate between their read and their
 * write, so each always has exactly one operation pending: closing it brings exactly one
 * callback (with -ECANCELED), which frees it. */
#include "echo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

enum { buffer_size = 16384, backoff_ms = 50 };

typedef struct echo_conn echo_conn;
struct echo_conn {
  echo_server* srv;
  kov_tcp* tcp;
  echo_conn* prev;
  echo_conn* next;
  char buf[buffer_size];
};

struct echo_server {
  kov_runtime* rt;
  kov_tcp* listener;
  kov_timer* backoff; /* waiting before the next accept, after running out of fds */
  int accepting;      /* an accept is pending */
  int closing;
  int finishing; /* the server's memory is about to go */
  echo_conn* conns;
  unsigned long accepted;
  void (*done)(void* user);
  void* done_user;
};

static void start_accept(echo_server* srv);

static void finish(kov_runtime* rt, void* user) {
  echo_server* srv = user;
  void (*done)(void*) = srv->done;
  void* done_user = srv->done_user;
  (void)rt;
  free(srv);
  if (done != NULL) done(done_user);
}

/* Frees the server once it is closing and no callback of it can come any more. */
static void finish_if_idle(echo_server* srv) {
  if (!srv->closing || srv->finishing || srv->accepting || srv->conns != NULL) return;
  srv->finishing = 1;
  /* From a task: echo_server_close promises not to call `done` from inside itself. */
  if (kov_spawn(srv->rt, finish, srv) != 0) finish(srv->rt, srv);
}

static void conn_end(echo_conn* c) {
  echo_server* srv = c->srv;
  if (c->prev != NULL) {
    c->prev->next = c->next;
  } else {
    srv->conns = c->next;
  }
  if (c->next != NULL) c->next->prev = c->prev;
  kov_tcp_close(c->tcp); /* does nothing if echo_server_close closed it already */
  free(c);
  finish_if_idle(srv);
}

static void on_write(kov_tcp* tcp, long n, void* user);

static void on_read(kov_tcp* tcp, long n, void* user) {
  echo_conn* c = user;
  /* n == 0: the client is done; n < 0: reset, or closed by echo_server_close. */
  if (n <= 0 || kov_tcp_write(tcp, c->buf, (size_t)n, on_write, c) != 0) conn_end(c);
}

static void on_write(kov_tcp* tcp, long n, void* user) {
  echo_conn* c = user;
  if (n < 0 || kov_tcp_read(tcp, c->buf, sizeof c->buf, on_read, c) != 0) conn_end(c);
}

static void add_conn(echo_server* srv, kov_tcp* tcp) {
  echo_conn* c = malloc(sizeof *c);
  if (c == NULL) {
    kov_tcp_close(tcp);
    return;
  }
  c->srv = srv;
  c->tcp = tcp;
  c->prev = NULL;
  c->next = srv->conns;
  if (srv->conns != NULL) srv->conns->prev = c;
  srv->conns = c;
  ++srv->accepted;
  (void)kov_tcp_set_nodelay(tcp, 1);
  if (kov_tcp_read(tcp, c->buf, sizeof c->buf, on_read, c) != 0) conn_end(c);
}

static void on_backoff(kov_timer* timer, void* user) {
  echo_server* srv = user;
  (void)timer; /* a one-shot timer: it frees itself when this returns */
  srv->backoff = NULL;
  start_accept(srv);
}

static void back_off(echo_server* srv) {
  srv->backoff = kov_timer_start(srv->rt, backoff_ms, 0, on_backoff, srv);
  if (srv->backoff == NULL) fprintf(stderr, "kov-echo-c: out of memory, no longer accepting\n");
}

static void on_accept(kov_tcp* listener, int status, kov_tcp* conn, void* user) {
  echo_server* srv = user;
  (void)listener;
  srv->accepting = 0;
  if (srv->closing) { /* status is -ECANCELED and conn NULL: the listener was closed */
    finish_if_idle(srv);
    return;
  }
  if (status == 0) {
    add_conn(srv, conn);
  } else if (status == -EMFILE || status == -ENFILE || status == -ENOBUFS || status == -ENOMEM) {
    /* The connection stays queued: accepting again at once would spin. */
    back_off(srv);
    return;
  } else if (status != -ECONNABORTED) {
    fprintf(stderr, "kov-echo-c: accept: %s\n", kov_strerror(status));
  }
  start_accept(srv);
}

static void start_accept(echo_server* srv) {
  const int err = kov_tcp_accept(srv->listener, on_accept, srv);
  if (err == 0) {
    srv->accepting = 1;
  } else {
    fprintf(stderr, "kov-echo-c: accept: %s\n", kov_strerror(err));
    back_off(srv);
  }
}

int echo_server_start(kov_runtime* rt, const char* addr, echo_server** out) {
  echo_server* srv = calloc(1, sizeof *srv);
  if (srv == NULL) return -ENOMEM;
  srv->rt = rt;
  int err = kov_tcp_listen(rt, addr, &srv->listener);
  if (err == 0) {
    err = kov_tcp_accept(srv->listener, on_accept, srv);
    if (err != 0) kov_tcp_close(srv->listener);
  }
  if (err != 0) {
    free(srv);
    return err;
  }
  srv->accepting = 1;
  *out = srv;
  return 0;
}

int echo_server_address(const echo_server* srv, char* buf, size_t len) {
  return kov_tcp_local_address(srv->listener, buf, len);
}

unsigned long echo_server_accepted(const echo_server* srv) {
  return srv->accepted;
}

void echo_server_close(echo_server* srv, void (*done)(void* user), void* user) {
  srv->closing = 1;
  srv->done = done;
  srv->done_user = user;
  if (srv->backoff != NULL) {
    kov_timer_cancel(srv->backoff);
    srv->backoff = NULL;
  }
  kov_tcp_close(srv->listener); /* a pending accept calls back with -ECANCELED */
  srv->listener = NULL;
  /* Each connection's one pending operation calls back with -ECANCELED and frees it. */
  for (echo_conn* c = srv->conns; c != NULL; c = c->next) kov_tcp_close(c->tcp);
  finish_if_idle(srv);
}
