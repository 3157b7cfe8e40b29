/* kov-echo-c --listen ADDR: the TCP echo server of echo.c as a program, written in C against
 * kov.h. Every byte a client sends comes back.
 *
 * Stopping on SIGINT or SIGTERM: kov's C API is not async-signal-safe, so no handler calls
 * it. Instead both signals are blocked in every thread (the mask is set before any thread
 * starts and is inherited), and one thread waits for them with sigwait. When one arrives it
 * posts a function to the runtime thread (kov_post is thread-safe and wakes the loop), which
 * closes the server; once the last connection is closed and freed, the server's `done`
 * callback calls kov_stop and kov_run returns.
 */
#include <kov.h>

#include "echo.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char name[] = "kov-echo-c";

typedef struct signal_watch {
  kov_runtime* rt;
  echo_server* srv;
  sigset_t signals;
} signal_watch;

static void on_server_closed(void* user) {
  kov_stop((kov_runtime*)user);
}

/* On the runtime thread. */
static void on_signal(kov_runtime* rt, void* user) {
  echo_server_close((echo_server*)user, on_server_closed, rt);
}

static void* watch_signals(void* arg) {
  signal_watch* w = arg;
  int signo = 0;
  if (sigwait(&w->signals, &signo) != 0) return NULL;
  printf("%s: %s, stopping\n", name, strsignal(signo));
  fflush(stdout);
  if (kov_post(w->rt, on_signal, w->srv) != 0) kov_stop(w->rt);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3 || strcmp(argv[1], "--listen") != 0) {
    fprintf(stderr, "usage: %s --listen ADDR   (ADDR: 127.0.0.1:8080, [::1]:8080)\n", name);
    return 64;
  }
  signal_watch w;
  sigemptyset(&w.signals);
  sigaddset(&w.signals, SIGINT);
  sigaddset(&w.signals, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &w.signals, NULL) != 0) {
    fprintf(stderr, "%s: cannot block signals\n", name);
    return 1;
  }

  w.rt = kov_runtime_new();
  if (w.rt == NULL) {
    fprintf(stderr, "%s: cannot create a runtime\n", name);
    return 1;
  }
  int err = echo_server_start(w.rt, argv[2], &w.srv);
  if (err != 0) {
    fprintf(stderr, "%s: cannot listen on '%s': %s\n", name, argv[2], kov_strerror(err));
    kov_runtime_free(w.rt);
    return err == -EINVAL ? 64 : 1;
  }
  char addr[80];
  if (echo_server_address(w.srv, addr, sizeof addr) < 0) strcpy(addr, argv[2]);
  printf("%s: listening on %s\n", name, addr);
  fflush(stdout);

  pthread_t watcher;
  if (pthread_create(&watcher, NULL, watch_signals, &w) != 0) {
    fprintf(stderr, "%s: cannot start the signal thread\n", name);
    kov_runtime_free(w.rt); /* frees the server's handles; the process ends anyway */
    return 1;
  }
  err = kov_run(w.rt);
  if (err != 0) {
    fprintf(stderr, "%s: %s\n", name, kov_strerror(err));
    pthread_kill(watcher, SIGTERM); /* ends its sigwait */
  }
  pthread_join(watcher, NULL);
  kov_runtime_free(w.rt);
  return err != 0 ? 1 : 0;
}
