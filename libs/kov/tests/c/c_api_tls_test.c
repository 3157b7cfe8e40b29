/* kov's TLS C API (kov_tls.h) from C11, a kov server and a kov client in one runtime, with
 * certificates made by the openssl CLI: a round trip of 256 KiB each way ending with
 * close_notify both ways; a wrong server name (KOV_ETLS_VERIFY with OpenSSL's reason); a server
 * closing without close_notify (KOV_ETLS_TRUNCATED, not the end of the stream); an insecure
 * client; argument errors; kov_runtime_free with connections still open. No file descriptor may
 * be left over. */
#include "check.h"
#include "fd_count.h"

#include <errno.h>
#include <kov_tls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAYLOAD_BYTES (256 * 1024)

static char dir[64];
static char path_buf[4][128];

static const char* path(int slot, const char* name) {
  snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
  return path_buf[slot];
}

/* A CA and a server certificate for localhost that it signs. */
static int make_certificates(void) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "cd %s && printf 'subjectAltName=DNS:localhost\\n' > san.ext && "
           "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
           "-out ca.pem -days 2 -subj /CN=kov-c-test-ca 2>/dev/null && "
           "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key "
           "-out tls.csr -subj /CN=localhost 2>/dev/null && "
           "openssl x509 -req -in tls.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tls.pem "
           "-days 2 -extfile san.ext 2>/dev/null",
           dir);
  return system(cmd);
}

/* One scenario: a server and a client connection, each through its steps. */
typedef struct side {
  kov_tls* tls;
  unsigned char buf[PAYLOAD_BYTES];
  long got;      /* bytes read so far */
  long end;      /* how reading ended: 0 (close_notify) or the error; 1 while unknown */
  int handshake; /* the handshake's status; 1 while unknown */
  int shutdown;  /* kov_tls_shutdown's status; 1 while unknown */
  struct side* peer;
} side;

static kov_runtime* rt;
static kov_tls_context* server_ctx;
static kov_tls_context* client_ctx;
static kov_tls_context* insecure_ctx;
static const kov_tls_context* chosen_client_ctx;
static const char* chosen_name;
static unsigned char payload[PAYLOAD_BYTES];
static side server_side, client_side;
static int finished_sides;
/* What a side does once its handshake succeeded. */
static void (*after_handshake)(side* s);

static void side_done(void) {
  if (++finished_sides == 2) kov_stop(rt);
}

static void on_shutdown(kov_tls* tls, int status, void* user) {
  (void)tls;
  side* s = user;
  s->shutdown = status;
}

static void on_read(kov_tls* tls, long n, void* user) {
  side* s = user;
  if (n > 0) {
    CHECK(s->got + n <= PAYLOAD_BYTES);
    s->got += n;
    if (s->got < PAYLOAD_BYTES) {
      CHECK(kov_tls_read(tls, s->buf + s->got, (size_t)(PAYLOAD_BYTES - s->got), on_read, s) == 0);
    } else {
      unsigned char extra;
      CHECK(kov_tls_read(tls, &extra, 1, on_read, s) == 0);
    }
    return;
  }
  s->end = n;
  side_done();
}

static void on_written(kov_tls* tls, long n, void* user) {
  CHECK(n == PAYLOAD_BYTES);
  CHECK(kov_tls_shutdown(tls, on_shutdown, user) == 0);
}

static void exchange(side* s) {
  CHECK(kov_tls_read(s->tls, s->buf, sizeof s->buf, on_read, s) == 0);
  CHECK(kov_tls_write(s->tls, payload, sizeof payload, on_written, s) == 0);
}

static void close_at_once(side* s) {
  if (s == &server_side) {
    kov_tls_close(s->tls);
    s->tls = NULL;
    side_done();
  } else {
    CHECK(kov_tls_read(s->tls, s->buf, sizeof s->buf, on_read, s) == 0);
  }
}

static void on_handshake(kov_tls* tls, int status, void* user) {
  side* s = user;
  s->handshake = status;
  if (status == 0) {
    after_handshake(s);
    return;
  }
  CHECK(tls == s->tls);
  side_done();
}

static void start_handshake(side* s) {
  /* Before the handshake nothing else may start. */
  unsigned char b;
  CHECK(kov_tls_read(s->tls, &b, 1, on_read, s) == KOV_ETLS_NO_HANDSHAKE);
  CHECK(kov_tls_handshake(s->tls, 10000, on_handshake, s) == 0);
  CHECK(kov_tls_handshake(s->tls, 10000, on_handshake, s) == -EBUSY);
}

static void on_accept(kov_tcp* listener, int status, kov_tcp* conn, void* user) {
  (void)listener;
  (void)user;
  CHECK(status == 0);
  if (status != 0) return;
  kov_tls* t = NULL;
  CHECK(kov_tls_client(conn, server_ctx, "localhost", &t) == -EINVAL); /* a server context */
  CHECK(kov_tls_server(conn, server_ctx, &t) == 0);
  server_side.tls = t;
  start_handshake(&server_side);
}

static void on_connect(kov_tcp* conn, int status, void* user) {
  (void)user;
  CHECK(status == 0);
  if (status != 0) return;
  kov_tls* t = NULL;
  CHECK(kov_tls_client(conn, chosen_client_ctx, chosen_name, &t) == 0);
  client_side.tls = t;
  start_handshake(&client_side);
}

static void reset_side(side* s, side* peer) {
  s->tls = NULL;
  s->got = 0;
  s->end = 1;
  s->handshake = 1;
  s->shutdown = 1;
  s->peer = peer;
}

/* Runs one connection between a kov server and a kov client; the sides stay open after. */
static void run_pair(const kov_tls_context* cctx, const char* name, void (*then)(side*)) {
  reset_side(&server_side, &client_side);
  reset_side(&client_side, &server_side);
  finished_sides = 0;
  chosen_client_ctx = cctx;
  chosen_name = name;
  after_handshake = then;
  kov_tcp* listener = NULL;
  CHECK(kov_tcp_listen(rt, "127.0.0.1:0", &listener) == 0);
  char addr[64];
  CHECK(kov_tcp_local_address(listener, addr, sizeof addr) > 0);
  CHECK(kov_tcp_accept(listener, on_accept, NULL) == 0);
  CHECK(kov_tcp_connect(rt, addr, 10000, on_connect, NULL) == 0);
  CHECK(kov_run(rt) == 0);
  kov_tcp_close(listener);
}

static void close_sides(void) {
  kov_tls_close(server_side.tls);
  kov_tls_close(client_side.tls);
}

int main(void) {
  const int fds_at_start = count_fds();
  snprintf(dir, sizeof dir, "/tmp/kov-c-tls-XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
  CHECK(make_certificates() == 0);
  for (size_t i = 0; i < sizeof payload; ++i) payload[i] = (unsigned char)(i * 7 + i / 251);

  /* Contexts and their errors. */
  CHECK(kov_tls_context_new(path(0, "tls.pem"), path(1, "tls.key"), NULL, KOV_TLS_SERVER,
                            &server_ctx) == 0);
  CHECK(kov_tls_context_new(NULL, NULL, path(0, "ca.pem"), 0, &client_ctx) == 0);
  CHECK(kov_tls_context_new(NULL, NULL, NULL, KOV_TLS_INSECURE, &insecure_ctx) == 0);
  kov_tls_context* bad = NULL;
  CHECK(kov_tls_context_new(path(0, "missing.pem"), path(1, "tls.key"), NULL, KOV_TLS_SERVER,
                            &bad) == KOV_ETLS_CERT);
  CHECK(kov_tls_context_new(path(0, "tls.pem"), path(1, "ca.key"), NULL, KOV_TLS_SERVER, &bad) ==
        KOV_ETLS_KEY);
  CHECK(kov_tls_context_new(NULL, NULL, path(0, "missing.pem"), 0, &bad) == KOV_ETLS_CA);
  CHECK(kov_tls_context_new(NULL, NULL, NULL, KOV_TLS_SERVER, &bad) == -EINVAL);
  CHECK(kov_tls_context_new(NULL, NULL, NULL, 64, &bad) == -EINVAL);
  CHECK(bad == NULL);
  CHECK(strstr(kov_strerror(KOV_ETLS_VERIFY), "verification") != NULL);
  CHECK(strstr(kov_strerror(KOV_ETLS_TRUNCATED), "close_notify") != NULL);
  CHECK(kov_tls_error_text(NULL) == NULL);

  rt = kov_runtime_new();
  CHECK(rt != NULL);

  /* 256 KiB both ways at once, each side ending with close_notify then FIN. */
  run_pair(client_ctx, "localhost", exchange);
  for (int i = 0; i < 2; ++i) {
    side* s = i == 0 ? &server_side : &client_side;
    CHECK(s->handshake == 0);
    CHECK(s->got == PAYLOAD_BYTES && memcmp(s->buf, payload, PAYLOAD_BYTES) == 0);
    CHECK(s->end == 0);
    CHECK(s->shutdown == 0);
    CHECK(strcmp(kov_tls_error_text(s->tls), "") == 0);
  }
  close_sides();

  /* The wrong name: a verification error, with OpenSSL's reason. */
  run_pair(client_ctx, "wrong.example", exchange);
  CHECK(client_side.handshake == KOV_ETLS_VERIFY);
  CHECK(strlen(kov_tls_error_text(client_side.tls)) > 0);
  CHECK(server_side.handshake != 0);
  close_sides();

  /* A server that closes without close_notify: the client sees a truncation. */
  run_pair(client_ctx, "localhost", close_at_once);
  CHECK(client_side.handshake == 0);
  CHECK(client_side.end == KOV_ETLS_TRUNCATED);
  kov_tls_close(client_side.tls);

  /* No CA given, no verification: the handshake goes through; then freeing the runtime with
   * both connections still open frees them. */
  run_pair(insecure_ctx, NULL, exchange);
  CHECK(client_side.handshake == 0 && client_side.end == 0);
  kov_runtime_free(rt);

  kov_tls_context_free(server_ctx);
  kov_tls_context_free(client_ctx);
  kov_tls_context_free(insecure_ctx);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  CHECK(count_fds() == fds_at_start);
  return check_report("kov_c_api_tls_test");
}
