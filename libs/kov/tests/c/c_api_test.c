/* kov's C API, used from C11: the echo server of examples/c in-process with 50 clients that
 * connect through the C API and check every echoed byte; timers (order, repeat, cancel, from
 * inside their own callbacks); kov_spawn; kov_spawn_blocking; kov_stop and kov_post from another
 * thread; error values; close with operations pending; freeing a runtime with everything still
 * open; DNS (kov_resolve and kov_tcp_connect_name through /etc/hosts's localhost). At the end no
 * file descriptor may be left over. Every callback checks that it was not called from inside
 * the API call that started its operation. */
#include <kov.h>

#include "check.h"
#include "echo.h"
#include "fd_count.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h> /* not <threads.h>: ThreadSanitizer does not intercept thrd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Set while an API call that starts something runs; a callback seeing it set was called from
 * inside that call. */
static int in_api_call = 0;
static int call_result = 0;
#define CALL(expr) (in_api_call = 1, call_result = (expr), in_api_call = 0, call_result)
#define CALL_VOID(expr) \
  do {                  \
    in_api_call = 1;    \
    expr;               \
    in_api_call = 0;    \
  } while (0)
#define IN_CALLBACK() CHECK(!in_api_call)

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* A one-shot timer that ends a kov_run that went on for too long, and records that. */
static kov_timer* failsafe = NULL;
static int failsafe_fired = 0;

static void on_failsafe(kov_timer* t, void* user) {
  (void)t;
  failsafe = NULL; /* freed when this returns */
  failsafe_fired = 1;
  kov_stop((kov_runtime*)user);
}

static void arm_failsafe(kov_runtime* rt, uint64_t ms) {
  failsafe_fired = 0;
  failsafe = kov_timer_start(rt, ms, 0, on_failsafe, rt);
  CHECK(failsafe != NULL);
}

static void disarm_failsafe(void) {
  CHECK(!failsafe_fired);
  kov_timer_cancel(failsafe);
  failsafe = NULL;
}

/* ---- The echo server and 50 clients ----------------------------------------------------- */

enum { clients = 50, messages = 6, max_message = 24000 };

typedef struct client {
  int id;
  kov_tcp* tcp;
  int msg;         /* the message being echoed; `messages` once all were */
  size_t size;     /* its size */
  size_t received; /* bytes of it back so far */
  int written;     /* its write completed */
  unsigned char out[max_message];
  unsigned char in[4096];
} client;

static client the_clients[clients];
static kov_runtime* echo_rt = NULL;
static echo_server* echo_srv = NULL;
static int clients_finished = 0;
static int clients_ok = 0;
static unsigned long echo_accepted = 0;
static int echo_server_freed = 0;

static size_t message_size(int id, int msg) {
  return 1 + ((size_t)id * 7919u + (size_t)msg * 104729u) % max_message;
}

static unsigned char message_byte(int id, int msg, size_t i) {
  return (unsigned char)(((size_t)id * 31u + (size_t)msg * 17u + i * 13u + (i >> 8)) & 0xffu);
}

static void on_echo_server_closed(void* user) {
  IN_CALLBACK();
  echo_server_freed = 1;
  kov_stop((kov_runtime*)user);
}

static void client_finished(client* c, int ok) {
  if (c->tcp != NULL) kov_tcp_close(c->tcp);
  c->tcp = NULL;
  if (ok) ++clients_ok;
  if (++clients_finished == clients) {
    echo_accepted = echo_server_accepted(echo_srv);
    CALL_VOID(echo_server_close(echo_srv, on_echo_server_closed, echo_rt));
  }
}

static void on_echo(kov_tcp* tcp, long n, void* user);
static void on_written(kov_tcp* tcp, long n, void* user);

static void send_message(client* c) {
  if (c->msg == messages) {
    /* All echoed: send the end of the stream; the server closes, and the read sees 0. */
    CHECK(kov_tcp_shutdown(c->tcp) == 0);
    if (CALL(kov_tcp_read(c->tcp, c->in, sizeof c->in, on_echo, c)) != 0) client_finished(c, 0);
    return;
  }
  c->size = message_size(c->id, c->msg);
  c->received = 0;
  c->written = 0;
  for (size_t i = 0; i < c->size; ++i) c->out[i] = message_byte(c->id, c->msg, i);
  /* The write and the read are in flight together on one connection. */
  if (CALL(kov_tcp_write(c->tcp, c->out, c->size, on_written, c)) != 0 ||
      CALL(kov_tcp_read(c->tcp, c->in, sizeof c->in, on_echo, c)) != 0) {
    CHECK(0);
    client_finished(c, 0);
  }
}

static void next_message(client* c) {
  ++c->msg;
  send_message(c);
}

static void on_written(kov_tcp* tcp, long n, void* user) {
  client* c = user;
  IN_CALLBACK();
  CHECK(tcp == c->tcp);
  CHECK(n == (long)c->size);
  if (n < 0) return; /* the read fails too and finishes the client */
  c->written = 1;
  if (c->received == c->size) next_message(c);
}

static void on_echo(kov_tcp* tcp, long n, void* user) {
  client* c = user;
  IN_CALLBACK();
  CHECK(tcp == c->tcp);
  if (c->msg == messages) {
    CHECK(n == 0);
    client_finished(c, n == 0);
    return;
  }
  if (n <= 0) {
    fprintf(stderr, "client %d: read: %s\n", c->id, kov_strerror((int)n));
    CHECK(n > 0);
    client_finished(c, 0);
    return;
  }
  const size_t got = (size_t)n;
  CHECK(c->received + got <= c->size);
  int same = 1;
  for (size_t i = 0; i < got && c->received + i < c->size; ++i) {
    if (c->in[i] != message_byte(c->id, c->msg, c->received + i)) same = 0;
  }
  CHECK(same);
  c->received += got;
  if (!same || c->received > c->size) {
    client_finished(c, 0);
  } else if (c->received < c->size) {
    if (CALL(kov_tcp_read(tcp, c->in, sizeof c->in, on_echo, c)) != 0) client_finished(c, 0);
  } else if (c->written) {
    next_message(c);
  }
}

static void on_client_connected(kov_tcp* conn, int status, void* user) {
  client* c = user;
  IN_CALLBACK();
  if (status != 0) {
    fprintf(stderr, "client %d: connect: %s\n", c->id, kov_strerror(status));
    CHECK(status == 0);
    CHECK(conn == NULL);
    client_finished(c, 0);
    return;
  }
  c->tcp = conn;
  CHECK(kov_tcp_set_nodelay(conn, 1) == 0);
  char peer[80];
  char local[80];
  CHECK(kov_tcp_peer_address(conn, peer, sizeof peer) > 0);
  CHECK(kov_tcp_local_address(conn, local, sizeof local) > 0);
  CHECK(strncmp(peer, "127.0.0.1:", 10) == 0 && strncmp(local, "127.0.0.1:", 10) == 0);
  send_message(c);
}

static void test_echo_server(void) {
  echo_rt = kov_runtime_new();
  CHECK(echo_rt != NULL);
  CHECK(echo_server_start(echo_rt, "127.0.0.1:0", &echo_srv) == 0);
  char addr[80];
  const int len = echo_server_address(echo_srv, addr, sizeof addr);
  CHECK(len > 10 && strncmp(addr, "127.0.0.1:", 10) == 0 && strcmp(addr, "127.0.0.1:0") != 0);
  for (int i = 0; i < clients; ++i) {
    client* c = &the_clients[i];
    c->id = i;
    c->tcp = NULL;
    c->msg = 0;
    CHECK(CALL(kov_tcp_connect(echo_rt, addr, 5000, on_client_connected, c)) == 0);
  }
  arm_failsafe(echo_rt, 60000);
  CHECK(kov_run(echo_rt) == 0);
  disarm_failsafe();
  CHECK(clients_finished == clients);
  CHECK(clients_ok == clients);
  CHECK(echo_accepted == clients);
  CHECK(echo_server_freed);
  kov_runtime_free(echo_rt);
}

/* ---- Timers ------------------------------------------------------------------------------ */

static int fired[16];
static int fired_count = 0;
static kov_timer* doomed = NULL; /* cancelled by the 10 ms timer before it is due */
static kov_timer* repeating = NULL;
static int repeating_calls = 0;
static int self_cancelling_calls = 0;
static int repeating_calls_at_cancel = -1;

static kov_runtime* timers_rt = NULL;

/* The first run ends once the last one-shot fired and the self-cancelling timer is done. */
static void stop_when_timers_done(void) {
  if (fired_count == 5 && self_cancelling_calls == 3) kov_stop(timers_rt);
}

static void record(kov_timer* t, void* user) {
  (void)t;
  IN_CALLBACK();
  if (fired_count < 16) fired[fired_count++] = (int)(intptr_t)user;
  stop_when_timers_done();
}

static void at_10ms(kov_timer* t, void* user) {
  record(t, user);
  kov_timer_cancel(doomed); /* due at 15 ms: never fires */
  doomed = NULL;
}

static void at_20ms(kov_timer* t, void* user) {
  record(t, user);
  repeating_calls_at_cancel = repeating_calls;
  kov_timer_cancel(repeating); /* a repeating timer, cancelled from another callback */
  repeating = NULL;
}

static void stop_runtime(kov_timer* t, void* user) {
  (void)t;
  IN_CALLBACK();
  kov_stop((kov_runtime*)user);
}

static void count_repeating(kov_timer* t, void* user) {
  (void)t;
  (void)user;
  IN_CALLBACK();
  ++repeating_calls;
}

static void cancel_self_on_third(kov_timer* t, void* user) {
  (void)user;
  IN_CALLBACK();
  if (++self_cancelling_calls == 3) {
    kov_timer_cancel(t);
    kov_timer_cancel(t); /* again, still inside the callback: nothing more happens */
    stop_when_timers_done();
  }
}

static void one_shot_cancels_itself(kov_timer* t, void* user) {
  record(t, user);
  kov_timer_cancel(t); /* allowed inside its own callback; freed once, when this returns */
}

static void test_timers(void) {
  kov_runtime* rt = kov_runtime_new();
  CHECK(rt != NULL);
  timers_rt = rt;
  CHECK(kov_timer_start(NULL, 1, 0, record, NULL) == NULL);
  CHECK(kov_timer_start(rt, 1, 0, NULL, NULL) == NULL);

  /* Deadlines are spaced by tick_ms so that a scheduler delay between two starts (a loaded
     machine) cannot reorder them. */
  const uint64_t tick_ms = 5;
  const double start = now_ms();
  CHECK(CALL(kov_timer_start(rt, 30 * tick_ms, 0, record, (void*)(intptr_t)30) != NULL));
  CHECK(CALL(kov_timer_start(rt, 10 * tick_ms, 0, at_10ms, (void*)(intptr_t)10) != NULL));
  CHECK(CALL(kov_timer_start(rt, 20 * tick_ms, 0, at_20ms, (void*)(intptr_t)20) != NULL));
  CHECK(CALL(kov_timer_start(rt, 0, 0, record, (void*)(intptr_t)0) != NULL));
  CHECK(CALL(kov_timer_start(rt, 5 * tick_ms, 0, one_shot_cancels_itself, (void*)(intptr_t)5) !=
             NULL));
  doomed = kov_timer_start(rt, 15 * tick_ms, 0, record, (void*)(intptr_t)15);
  kov_timer* never = kov_timer_start(rt, 2 * tick_ms, 0, record, (void*)(intptr_t)2);
  CHECK(doomed != NULL && never != NULL);
  kov_timer_cancel(never); /* outside kov_run, before it ever ran */
  repeating = kov_timer_start(rt, 1, 3, count_repeating, NULL);
  CHECK(repeating != NULL);
  CHECK(kov_timer_start(rt, 1, 2, cancel_self_on_third, NULL) != NULL);
  CHECK(fired_count == 0);

  arm_failsafe(rt, 10000);
  CHECK(kov_run(rt) == 0);
  CHECK(now_ms() - start >= 30.0 * (double)tick_ms); /* never early */

  CHECK(fired_count == 5);
  const int expected[] = {0, 5, 10, 20, 30};
  for (int i = 0; i < 5 && i < fired_count; ++i) CHECK(fired[i] == expected[i]);
  CHECK(self_cancelling_calls == 3);
  CHECK(repeating_calls_at_cancel >= 1);
  CHECK(repeating_calls == repeating_calls_at_cancel);

  /* Another run of the same runtime: the cancelled timers stay quiet. */
  const double again = now_ms();
  CHECK(kov_timer_start(rt, 20, 0, stop_runtime, rt) != NULL);
  CHECK(kov_run(rt) == 0);
  CHECK(now_ms() - again >= 20.0);
  CHECK(self_cancelling_calls == 3);
  CHECK(repeating_calls == repeating_calls_at_cancel);
  CHECK(fired_count == 5);
  disarm_failsafe();
  kov_runtime_free(rt);
}

/* ---- kov_spawn ------------------------------------------------------------------------- */

static int spawn_order[8];
static int spawn_count = 0;

static void spawned_3(kov_runtime* rt, void* user) {
  IN_CALLBACK();
  spawn_order[spawn_count++] = (int)(intptr_t)user;
  kov_stop(rt);
}

static void spawned_1(kov_runtime* rt, void* user) {
  IN_CALLBACK();
  spawn_order[spawn_count++] = (int)(intptr_t)user;
  CHECK(kov_run(rt) == -EBUSY); /* from a callback */
  CHECK(CALL(kov_spawn(rt, spawned_3, (void*)(intptr_t)3)) == 0);
}

static void spawned_2(kov_runtime* rt, void* user) {
  (void)rt;
  IN_CALLBACK();
  spawn_order[spawn_count++] = (int)(intptr_t)user;
}

static void test_spawn(void) {
  kov_runtime* rt = kov_runtime_new();
  CHECK(rt != NULL);
  CHECK(kov_spawn(rt, NULL, NULL) == -EINVAL);
  CHECK(kov_spawn(NULL, spawned_2, NULL) == -EINVAL);
  CHECK(CALL(kov_spawn(rt, spawned_1, (void*)(intptr_t)1)) == 0);
  CHECK(CALL(kov_spawn(rt, spawned_2, (void*)(intptr_t)2)) == 0);
  CHECK(spawn_count == 0);
  arm_failsafe(rt, 10000);
  CHECK(kov_run(rt) == 0);
  disarm_failsafe();
  CHECK(spawn_count == 3);
  CHECK(spawn_order[0] == 1 && spawn_order[1] == 2 && spawn_order[2] == 3);
  kov_runtime_free(rt);
}

/* ---- kov_spawn_blocking ------------------------------------------------------------------ */

enum { blocking_jobs = 64 };

typedef struct blocking_job {
  struct blocking_state* state;
  int id;
  int squared;         /* written by work on a pool thread, read by done */
  int work_on_runtime; /* work ran on the runtime thread (it must not) */
} blocking_job;

typedef struct blocking_state {
  kov_runtime* rt;
  pthread_t runtime_thread;
  blocking_job jobs[blocking_jobs];
  int done_calls[blocking_jobs];
  int done_total;
  int done_bad; /* a done off the runtime thread, with a bad status, or before its work */
} blocking_state;

static void square(void* user) {
  blocking_job* j = user;
  j->work_on_runtime = pthread_equal(pthread_self(), j->state->runtime_thread);
  j->squared = j->id * j->id;
}

static void squared_done(kov_runtime* rt, int status, void* user) {
  blocking_job* j = user;
  blocking_state* s = j->state;
  IN_CALLBACK();
  if (!pthread_equal(pthread_self(), s->runtime_thread) || status != 0 ||
      j->squared != j->id * j->id || j->work_on_runtime) {
    ++s->done_bad;
  }
  ++s->done_calls[j->id];
  if (++s->done_total == blocking_jobs) kov_stop(rt);
}

static void test_spawn_blocking(void) {
  static blocking_state s;
  memset(&s, 0, sizeof s);
  s.rt = kov_runtime_new();
  CHECK(s.rt != NULL);
  s.runtime_thread = pthread_self();
  CHECK(kov_spawn_blocking(NULL, square, squared_done, NULL) == -EINVAL);
  CHECK(kov_spawn_blocking(s.rt, NULL, squared_done, NULL) == -EINVAL);
  CHECK(kov_spawn_blocking(s.rt, square, NULL, NULL) == -EINVAL);
  arm_failsafe(s.rt, 20000);
  for (int i = 0; i < blocking_jobs; ++i) {
    s.jobs[i].state = &s;
    s.jobs[i].id = i;
    CHECK(CALL(kov_spawn_blocking(s.rt, square, squared_done, &s.jobs[i])) == 0);
  }
  CHECK(kov_run(s.rt) == 0);
  disarm_failsafe();
  CHECK(s.done_total == blocking_jobs);
  CHECK(s.done_bad == 0);
  for (int i = 0; i < blocking_jobs; ++i) CHECK(s.done_calls[i] == 1);
  kov_runtime_free(s.rt);
}

/* ---- kov_stop and kov_post from another thread ----------------------------------------- */

typedef struct stopper {
  kov_runtime* rt;
  pthread_t runtime_thread;
  int foreign_run;
  int foreign_spawn;
  int post_result;
  int posted_ran;
  int posted_on_runtime_thread;
} stopper;

static void posted(kov_runtime* rt, void* user) {
  stopper* s = user;
  (void)rt;
  IN_CALLBACK();
  s->posted_ran = 1;
  s->posted_on_runtime_thread = pthread_equal(pthread_self(), s->runtime_thread);
}

static void noop(kov_runtime* rt, void* user) {
  (void)rt;
  (void)user;
}

static void* stop_later(void* arg) {
  stopper* s = arg;
  s->foreign_run = kov_run(s->rt);
  s->foreign_spawn = kov_spawn(s->rt, noop, NULL);
  /* By now the runtime thread is parked in epoll with nothing to do but the far failsafe. */
  sleep_ms(50);
  s->post_result = kov_post(s->rt, posted, s);
  kov_stop(s->rt);
  return NULL;
}

static void test_stop_from_another_thread(void) {
  stopper s;
  memset(&s, 0, sizeof s);
  s.rt = kov_runtime_new();
  CHECK(s.rt != NULL);
  s.runtime_thread = pthread_self();
  CHECK(kov_post(NULL, posted, &s) == -EINVAL);
  CHECK(kov_post(s.rt, NULL, &s) == -EINVAL);
  arm_failsafe(s.rt, 20000);

  pthread_t t;
  CHECK(pthread_create(&t, NULL, stop_later, &s) == 0);
  const double start = now_ms();
  CHECK(kov_run(s.rt) == 0);
  const double took = now_ms() - start;
  pthread_join(t, NULL);
  CHECK(!failsafe_fired);
  CHECK(took < 10000.0);
  CHECK(s.posted_ran && s.posted_on_runtime_thread);
  CHECK(s.foreign_run == -EPERM);
  CHECK(s.foreign_spawn == -EPERM);
  CHECK(s.post_result == 0);

  /* Stops before kov_run: the next run returns at once, and the two made one, so the run
   * after that goes on until its own timer stops it. */
  kov_stop(s.rt);
  kov_stop(s.rt);
  CHECK(kov_run(s.rt) == 0);
  const double again = now_ms();
  CHECK(kov_timer_start(s.rt, 20, 0, stop_runtime, s.rt) != NULL);
  CHECK(kov_run(s.rt) == 0);
  CHECK(now_ms() - again >= 19.0);
  disarm_failsafe();
  kov_runtime_free(s.rt);
}

/* ---- Errors -------------------------------------------------------------------------- */

static int refused_calls = 0;

static void on_refused(kov_tcp* conn, int status, void* user) {
  IN_CALLBACK();
  ++refused_calls;
  CHECK(conn == NULL);
  CHECK(status == -ECONNREFUSED);
  kov_stop((kov_runtime*)user);
}

static void never_called_connect(kov_tcp* conn, int status, void* user) {
  (void)conn;
  (void)status;
  (void)user;
  CHECK(0);
}

static void test_errors(void) {
  kov_runtime* rt = kov_runtime_new();
  CHECK(rt != NULL);
  kov_tcp* l = NULL;
  CHECK(kov_tcp_listen(rt, "127.0.0.1", &l) == -EINVAL);
  CHECK(kov_tcp_listen(rt, "localhost:80", &l) == -EINVAL);
  CHECK(kov_tcp_listen(rt, "[::1]:99999", &l) == -EINVAL);
  CHECK(kov_tcp_listen(rt, "::1:80", &l) == -EINVAL);
  CHECK(kov_tcp_listen(rt, NULL, &l) == -EINVAL);
  CHECK(kov_tcp_listen(rt, "127.0.0.1:0", NULL) == -EINVAL);
  CHECK(l == NULL);
  CHECK(kov_tcp_connect(rt, "not an address", 0, never_called_connect, NULL) == -EINVAL);
  CHECK(kov_tcp_connect(rt, "127.0.0.1:", 0, never_called_connect, NULL) == -EINVAL);
  CHECK(kov_tcp_connect(rt, "127.0.0.1:80", 0, NULL, NULL) == -EINVAL);

  CHECK(strcmp(kov_strerror(-ECONNREFUSED), "Connection refused") == 0);
  CHECK(strcmp(kov_strerror(ECONNREFUSED), "Connection refused") == 0);
  CHECK(strcmp(kov_strerror(0), "success") == 0);
  CHECK(kov_strerror(INT_MIN) != NULL && kov_strerror(-100000) != NULL);

  /* A port nobody listens on: bind one, note it, close it. */
  CHECK(kov_tcp_listen(rt, "127.0.0.1:0", &l) == 0);
  char addr[80];
  char small[4];
  CHECK(kov_tcp_local_address(l, addr, sizeof addr) > 10);
  CHECK(kov_tcp_local_address(l, small, sizeof small) == -ENOSPC);
  CHECK(kov_tcp_peer_address(l, addr + 40, 40) == -ENOTCONN);
  CHECK(kov_tcp_read(l, small, sizeof small, NULL, NULL) == -EINVAL);
  CHECK(kov_tcp_shutdown(l) == -EINVAL);
  kov_tcp_close(l);
  l = NULL;

  /* The port is taken while a listener has it. */
  kov_tcp* first = NULL;
  kov_tcp* second = NULL;
  CHECK(kov_tcp_listen(rt, "127.0.0.1:0", &first) == 0);
  char taken[80];
  CHECK(kov_tcp_local_address(first, taken, sizeof taken) > 0);
  CHECK(kov_tcp_listen(rt, taken, &second) == -EADDRINUSE);
  kov_tcp_close(first);

  /* IPv6 loopback, where the system has it. */
  kov_tcp* v6 = NULL;
  const int r6 = kov_tcp_listen(rt, "[::1]:0", &v6);
  if (r6 == 0) {
    char a6[80];
    CHECK(kov_tcp_local_address(v6, a6, sizeof a6) > 6 && strncmp(a6, "[::1]:", 6) == 0);
    kov_tcp_close(v6);
  } else {
    printf("c_api_test: no IPv6 loopback here (%s)\n", kov_strerror(r6));
    CHECK(r6 == -EADDRNOTAVAIL || r6 == -EAFNOSUPPORT);
  }

  CHECK(CALL(kov_tcp_connect(rt, addr, 2000, on_refused, rt)) == 0);
  arm_failsafe(rt, 10000);
  CHECK(kov_run(rt) == 0);
  disarm_failsafe();
  CHECK(refused_calls == 1);
  kov_runtime_free(rt);
}

/* ---- Close with operations pending ----------------------------------------------------- */

typedef struct closing {
  kov_runtime* rt;
  kov_tcp* listener;
  kov_tcp* client;
  kov_tcp* server_side;
  char client_buf[64];
  char server_buf[64];
  int client_read_calls;
  int server_read_calls;
  int accept_calls;
  int cancelled_accepts;
  int done;
} closing;

static void closing_step_done(closing* s) {
  if (++s->done == 3) kov_stop(s->rt);
}

static void on_client_read(kov_tcp* tcp, long n, void* user) {
  closing* s = user;
  IN_CALLBACK();
  ++s->client_read_calls;
  CHECK(n == -ECANCELED);
  char b[4];
  CHECK(kov_tcp_read(tcp, b, sizeof b, on_client_read, s) == -EBADF);
  CHECK(kov_tcp_local_address(tcp, b, sizeof b) == -EBADF);
  kov_tcp_close(tcp); /* closed already and still alive in its callback: does nothing */
  closing_step_done(s);
}

static void on_server_read(kov_tcp* tcp, long n, void* user) {
  closing* s = user;
  IN_CALLBACK();
  ++s->server_read_calls;
  CHECK(n == 0); /* the client's close is the end of the stream */
  kov_tcp_close(tcp);
  s->server_side = NULL;
  closing_step_done(s);
}

static void on_closing_accept(kov_tcp* listener, int status, kov_tcp* conn, void* user) {
  closing* s = user;
  IN_CALLBACK();
  CHECK(listener == s->listener);
  ++s->accept_calls;
  if (s->accept_calls == 1) {
    CHECK(status == 0 && conn != NULL);
    s->server_side = conn;
    CHECK(kov_tcp_accept(conn, on_closing_accept, s) == -EINVAL); /* not a listener */
    CHECK(CALL(kov_tcp_read(conn, s->server_buf, sizeof s->server_buf, on_server_read, s)) == 0);
    /* Accept again, then close the listener with that accept pending. */
    CHECK(CALL(kov_tcp_accept(listener, on_closing_accept, s)) == 0);
    CHECK(kov_tcp_accept(listener, on_closing_accept, s) == -EBUSY);
    CALL_VOID(kov_tcp_close(listener));
    return;
  }
  CHECK(status == -ECANCELED && conn == NULL);
  ++s->cancelled_accepts;
  closing_step_done(s);
}

static void on_closing_connected(kov_tcp* conn, int status, void* user) {
  closing* s = user;
  IN_CALLBACK();
  CHECK(status == 0);
  if (status != 0) return;
  s->client = conn;
  CHECK(CALL(kov_tcp_read(conn, s->client_buf, sizeof s->client_buf, on_client_read, s)) == 0);
  CHECK(kov_tcp_read(conn, s->client_buf, sizeof s->client_buf, on_client_read, s) == -EBUSY);
  CHECK(kov_tcp_read(conn, s->client_buf, 0, on_client_read, s) == -EINVAL);
  /* Nothing will arrive: the read stays pending until the close cancels it. */
  CALL_VOID(kov_tcp_close(conn));
  CHECK(s->client_read_calls == 0);
}

static void test_close_with_pending_operations(void) {
  closing s;
  memset(&s, 0, sizeof s);
  s.rt = kov_runtime_new();
  CHECK(s.rt != NULL);
  CHECK(kov_tcp_listen(s.rt, "127.0.0.1:0", &s.listener) == 0);
  char addr[80];
  CHECK(kov_tcp_local_address(s.listener, addr, sizeof addr) > 0);
  CHECK(CALL(kov_tcp_accept(s.listener, on_closing_accept, &s)) == 0);
  CHECK(CALL(kov_tcp_connect(s.rt, addr, 0, on_closing_connected, &s)) == 0);
  arm_failsafe(s.rt, 10000);
  CHECK(kov_run(s.rt) == 0);
  disarm_failsafe();
  CHECK(s.client_read_calls == 1);
  CHECK(s.server_read_calls == 1);
  CHECK(s.accept_calls == 2 && s.cancelled_accepts == 1);
  kov_runtime_free(s.rt);
}

/* ---- Freeing a runtime with everything still open --------------------------------------- */

typedef struct abandoned {
  kov_runtime* rt;
  char client_buf[64];
  char server_buf[64];
  int ready;
} abandoned;

static void never_called_io(kov_tcp* tcp, long n, void* user) {
  (void)tcp;
  (void)n;
  (void)user;
  CHECK(0);
}

static void never_called_accept(kov_tcp* l, int status, kov_tcp* conn, void* user) {
  (void)l;
  (void)status;
  (void)conn;
  (void)user;
  CHECK(0);
}

static void never_called_timer(kov_timer* t, void* user) {
  (void)t;
  (void)user;
  CHECK(0);
}

static void abandoned_ready(abandoned* a) {
  if (++a->ready == 3) kov_stop(a->rt);
}

static void on_empty_write(kov_tcp* tcp, long n, void* user) {
  abandoned* a = user;
  (void)tcp;
  IN_CALLBACK();
  CHECK(n == 0);
  abandoned_ready(a);
}

static void on_abandoned_accept(kov_tcp* listener, int status, kov_tcp* conn, void* user) {
  abandoned* a = user;
  CHECK(status == 0);
  if (status != 0) return;
  CHECK(kov_tcp_read(conn, a->server_buf, sizeof a->server_buf, never_called_io, a) == 0);
  CHECK(kov_tcp_accept(listener, never_called_accept, a) == 0);
  abandoned_ready(a);
}

static void on_abandoned_connect(kov_tcp* conn, int status, void* user) {
  abandoned* a = user;
  CHECK(status == 0);
  if (status != 0) return;
  CHECK(kov_tcp_read(conn, a->client_buf, sizeof a->client_buf, never_called_io, a) == 0);
  CHECK(CALL(kov_tcp_write(conn, NULL, 0, on_empty_write, a)) == 0);
  CHECK(kov_tcp_write(conn, "x", 1, on_empty_write, a) == -EBUSY);
  abandoned_ready(a);
}

static void test_free_with_everything_open(void) {
  abandoned a;
  memset(&a, 0, sizeof a);
  a.rt = kov_runtime_new();
  CHECK(a.rt != NULL);
  kov_tcp* l = NULL;
  CHECK(kov_tcp_listen(a.rt, "127.0.0.1:0", &l) == 0);
  char addr[80];
  CHECK(kov_tcp_local_address(l, addr, sizeof addr) > 0);
  CHECK(kov_tcp_accept(l, on_abandoned_accept, &a) == 0);
  CHECK(kov_tcp_connect(a.rt, addr, 0, on_abandoned_connect, &a) == 0);
  CHECK(kov_timer_start(a.rt, 1, 1, count_repeating, NULL) != NULL);
  arm_failsafe(a.rt, 10000);
  CHECK(kov_run(a.rt) == 0);
  disarm_failsafe();
  CHECK(a.ready == 3);
  /* Left behind: the listener and its pending accept, both connections with reads pending,
   * a repeating and a far one-shot timer, a connection attempt, posted work. */
  CHECK(kov_timer_start(a.rt, 100000, 0, never_called_timer, NULL) != NULL);
  CHECK(kov_tcp_connect(a.rt, addr, 0, never_called_connect, NULL) == 0);
  CHECK(kov_post(a.rt, noop, NULL) == 0);
  kov_runtime_free(a.rt); /* no callback runs; everything is freed (the sanitizers check) */
  kov_runtime_free(NULL);
  kov_stop(NULL);
  kov_timer_cancel(NULL);
  kov_tcp_close(NULL);
}

/* ---- DNS: resolve localhost, connect to a listener by name, the errors ---- */

static int dns_done = 0;
static int dns_localhost_ok = 0;
static int dns_unknown_status = 0;
static int dns_connect_status = 1;
static int dns_bad_service_status = 0;
static kov_tcp* dns_conn = NULL;

static void dns_maybe_stop(kov_runtime* rt) {
  if (++dns_done == 4) kov_stop(rt);
}

static void on_resolved_localhost(int status, const char* const* addrs, size_t count, void* user) {
  IN_CALLBACK();
  const char* want = (const char*)user; /* "127.0.0.1:<port>" or "[::1]:<port>" */
  CHECK(status == 0);
  CHECK(count > 0);
  int seen = 0;
  for (size_t i = 0; i < count; ++i) {
    if (strcmp(addrs[i], want) == 0) seen = 1;
  }
  dns_localhost_ok = seen;
}

static kov_runtime* dns_rt = NULL;

static void on_resolved_localhost_then_stop(int status, const char* const* addrs, size_t count,
                                            void* user) {
  on_resolved_localhost(status, addrs, count, user);
  dns_maybe_stop(dns_rt);
}

static void on_resolved_error(int status, const char* const* addrs, size_t count, void* user) {
  IN_CALLBACK();
  CHECK(addrs == NULL && count == 0);
  *(int*)user = status;
  dns_maybe_stop(dns_rt);
}

static void on_connected_by_name(kov_tcp* conn, int status, void* user) {
  IN_CALLBACK();
  (void)user;
  dns_connect_status = status;
  dns_conn = conn;
  dns_maybe_stop(dns_rt);
}

static void test_dns(void) {
  dns_rt = kov_runtime_new();
  CHECK(dns_rt != NULL);
  kov_tcp* l = NULL;
  CHECK(kov_tcp_listen(dns_rt, "127.0.0.1:0", &l) == 0);
  char addr[64];
  CHECK(kov_tcp_local_address(l, addr, sizeof addr) > 10);
  const char* port = strrchr(addr, ':') + 1;
  char by_name[64];
  snprintf(by_name, sizeof by_name, "localhost:%s", port);

  CHECK(kov_resolve(NULL, "localhost", "80", 0, on_resolved_error, NULL) == -EINVAL);
  CHECK(kov_resolve(dns_rt, NULL, "80", 0, on_resolved_error, NULL) == -EINVAL);
  CHECK(kov_tcp_connect_name(dns_rt, "localhost", 0, on_connected_by_name, NULL) == -EINVAL);
  CHECK(kov_tcp_connect_name(dns_rt, ":80", 0, on_connected_by_name, NULL) == -EINVAL);

  CHECK(CALL(kov_resolve(dns_rt, "localhost", port, 5000, on_resolved_localhost_then_stop, addr)) ==
        0);
  /* An unknown service name fails in the lookup itself, whatever DNS the machine has. */
  CHECK(CALL(kov_resolve(dns_rt, "localhost", "no-such-service-kov", 5000, on_resolved_error,
                         &dns_bad_service_status)) == 0);
  /* .invalid never resolves (RFC 6761); with no reachable DNS it may time out instead. */
  CHECK(CALL(kov_resolve(dns_rt, "name.invalid", NULL, 2000, on_resolved_error,
                         &dns_unknown_status)) == 0);
  CHECK(CALL(kov_tcp_connect_name(dns_rt, by_name, 5000, on_connected_by_name, NULL)) == 0);
  arm_failsafe(dns_rt, 20000);
  CHECK(kov_run(dns_rt) == 0);
  disarm_failsafe();

  CHECK(dns_done == 4);
  CHECK(dns_localhost_ok);
  CHECK(dns_bad_service_status == KOV_EDNS_BADSERVICE);
  CHECK(strcmp(kov_strerror(KOV_EDNS_BADSERVICE), "unknown service") == 0);
  CHECK(dns_unknown_status < 0);
  CHECK(strcmp(kov_strerror(KOV_EDNS_NOTFOUND), "host not found") == 0);
  CHECK(dns_connect_status == 0);
  CHECK(dns_conn != NULL);
  char peer[64];
  CHECK(kov_tcp_peer_address(dns_conn, peer, sizeof peer) > 0);
  CHECK(strcmp(peer, addr) == 0);
  kov_tcp_close(dns_conn);
  kov_tcp_close(l);
  kov_runtime_free(dns_rt);
}

int main(void) {
  const int fds_before = count_fds();
  CHECK(fds_before > 0);

  test_timers();
  test_spawn();
  test_stop_from_another_thread();
  test_spawn_blocking();
  test_errors();
  test_close_with_pending_operations();
  test_free_with_everything_open();
  test_echo_server();
  test_dns();

  const int fds_after = count_fds();
  if (fds_after != fds_before) fprintf(stderr, "fds: %d before, %d after\n", fds_before, fds_after);
  CHECK(fds_after == fds_before);

  return check_report("kov_c_api_test");
}
