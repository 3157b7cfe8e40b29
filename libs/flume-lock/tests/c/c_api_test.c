/* The C API, used from C11: values, pointers, timeouts, close and disconnect, threads, select. */
#include <flume_lock.h>

#include "check.h"

#include <pthread.h> /* not <threads.h>: ThreadSanitizer does not intercept thrd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { per_producer = 50000 };

static void* produce(void* arg) {
  flume_lock_sender* tx = (flume_lock_sender*)arg;
  uintptr_t failed = 0;
  for (uint64_t i = 1; i <= per_producer; ++i) {
    if (flume_lock_send(tx, i) != FLUME_LOCK_OK) failed = 1;
  }
  flume_lock_sender_destroy(tx);
  return (void*)failed;
}

static void test_values_and_disconnect(size_t capacity) {
  flume_lock_sender* tx = NULL;
  flume_lock_receiver* rx = NULL;
  CHECK(flume_lock_channel_create(capacity, &tx, &rx) == FLUME_LOCK_OK);

  pthread_t threads[2];
  for (int i = 0; i < 2; ++i) {
    flume_lock_sender* clone = flume_lock_sender_clone(tx);
    CHECK(clone != NULL);
    CHECK(pthread_create(&threads[i], NULL, produce, clone) == 0);
  }
  flume_lock_sender_destroy(tx);

  uint64_t sum = 0, count = 0, v = 0;
  flume_lock_status s;
  while ((s = flume_lock_recv_timeout(rx, &v, -1)) == FLUME_LOCK_OK) {
    sum += v;
    ++count;
  }
  CHECK(s == FLUME_LOCK_DISCONNECTED);
  CHECK(count == 2 * per_producer);
  CHECK(sum == 2 * ((uint64_t)per_producer * (per_producer + 1) / 2));
  for (int i = 0; i < 2; ++i) {
    void* failed = (void*)1;
    pthread_join(threads[i], &failed);
    CHECK(failed == NULL);
  }
  flume_lock_receiver_destroy(rx);
}

static void test_timeout_full_close_and_pointers(void) {
  flume_lock_sender* tx = NULL;
  flume_lock_receiver* rx = NULL;
  CHECK(flume_lock_channel_create(1, &tx, &rx) == FLUME_LOCK_OK);
  uint64_t v = 0;
  CHECK(flume_lock_try_recv(rx, &v) == FLUME_LOCK_EMPTY);
  CHECK(flume_lock_recv_timeout(rx, &v, 1000000) == FLUME_LOCK_TIMEOUT);

  int target = 5;
  CHECK(flume_lock_send_ptr(tx, &target) == FLUME_LOCK_OK);
  CHECK(flume_lock_try_send(tx, 9) == FLUME_LOCK_FULL);
  void* p = NULL;
  CHECK(flume_lock_recv_ptr_timeout(rx, &p, 0) == FLUME_LOCK_OK);
  CHECK(p == &target);

  CHECK(flume_lock_send(tx, 10) == FLUME_LOCK_OK);
  flume_lock_receiver_close(rx);
  CHECK(flume_lock_send(tx, 11) == FLUME_LOCK_DISCONNECTED);
  CHECK(flume_lock_try_recv(rx, &v) == FLUME_LOCK_OK && v == 10);
  CHECK(flume_lock_try_recv(rx, &v) == FLUME_LOCK_DISCONNECTED);

  CHECK(flume_lock_try_recv(NULL, &v) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_send(NULL, 1) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_channel_create(0, NULL, &rx) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_sender_clone(NULL) == NULL);
  printf("status name: %s\n", flume_lock_status_name(FLUME_LOCK_DISCONNECTED));

  flume_lock_sender_destroy(tx);
  flume_lock_receiver_destroy(rx);
  flume_lock_sender_destroy(NULL);
}

enum { select_channels = 3 };

/* Three producers, each on its own channel; one thread selects over all three and drops each
 * channel from the set once it reports DISCONNECTED. */
static void test_select_threads(void) {
  flume_lock_receiver* rxs[select_channels];
  pthread_t threads[select_channels];
  for (int c = 0; c < select_channels; ++c) {
    flume_lock_sender* tx = NULL;
    CHECK(flume_lock_channel_create(c == 0 ? 0 : 8, &tx, &rxs[c]) == FLUME_LOCK_OK);
    CHECK(pthread_create(&threads[c], NULL, produce, tx) == 0);
  }
  flume_lock_receiver* open_set[select_channels];
  size_t open = select_channels;
  for (int c = 0; c < select_channels; ++c) open_set[c] = rxs[c];
  uint64_t sum = 0, count = 0, v = 0;
  size_t index = 0;
  while (open > 0) {
    const flume_lock_status s = flume_lock_select(open_set, open, &v, &index, -1);
    CHECK(index < open);
    if (s == FLUME_LOCK_DISCONNECTED) {
      open_set[index] = open_set[open - 1];
      --open;
      continue;
    }
    CHECK(s == FLUME_LOCK_OK);
    sum += v;
    ++count;
  }
  CHECK(count == select_channels * per_producer);
  CHECK(sum == select_channels * ((uint64_t)per_producer * (per_producer + 1) / 2));
  for (int c = 0; c < select_channels; ++c) {
    void* failed = (void*)1;
    pthread_join(threads[c], &failed);
    CHECK(failed == NULL);
    flume_lock_receiver_destroy(rxs[c]);
  }
}

static void test_select_rules(void) {
  flume_lock_sender* tx[2];
  flume_lock_receiver* rx[2];
  for (int c = 0; c < 2; ++c) CHECK(flume_lock_channel_create(0, &tx[c], &rx[c]) == FLUME_LOCK_OK);
  uint64_t v = 0;
  size_t index = 0;
  CHECK(flume_lock_select(rx, 2, &v, &index, 0) == FLUME_LOCK_TIMEOUT && index == 2);
  CHECK(flume_lock_select(rx, 2, &v, &index, 1000000) == FLUME_LOCK_TIMEOUT && index == 2);

  CHECK(flume_lock_send(tx[1], 21) == FLUME_LOCK_OK);
  CHECK(flume_lock_select(rx, 2, &v, &index, -1) == FLUME_LOCK_OK && index == 1 && v == 21);

  /* Both ready: consecutive calls serve both channels; each value is taken once. */
  CHECK(flume_lock_send(tx[0], 10) == FLUME_LOCK_OK);
  CHECK(flume_lock_send(tx[1], 22) == FLUME_LOCK_OK);
  size_t first = 0;
  CHECK(flume_lock_select(rx, 2, &v, &first, 0) == FLUME_LOCK_OK);
  CHECK(v == (first == 0 ? 10u : 22u));
  CHECK(flume_lock_select(rx, 2, &v, &index, 0) == FLUME_LOCK_OK && index == 1 - first);
  CHECK(v == (index == 0 ? 10u : 22u));
  CHECK(flume_lock_try_recv(rx[0], &v) == FLUME_LOCK_EMPTY);
  CHECK(flume_lock_try_recv(rx[1], &v) == FLUME_LOCK_EMPTY);

  flume_lock_sender_destroy(tx[0]);
  CHECK(flume_lock_select(rx, 2, &v, &index, -1) == FLUME_LOCK_DISCONNECTED && index == 0);

  flume_lock_receiver* twice[2] = {rx[1], rx[1]};
  flume_lock_receiver* with_null[2] = {rx[1], NULL};
  CHECK(flume_lock_select(twice, 2, &v, &index, 0) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_select(with_null, 2, &v, &index, 0) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_select(rx, 0, &v, &index, 0) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_select(rx, FLUME_LOCK_SELECT_MAX + 1, &v, &index, 0) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_select(NULL, 2, &v, &index, 0) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_select(rx, 2, NULL, &index, 0) == FLUME_LOCK_INVALID);

  flume_lock_sender_destroy(tx[1]);
  for (int c = 0; c < 2; ++c) flume_lock_receiver_destroy(rx[c]);
}

static void* send_one_thousand(void* arg) {
  flume_lock_sender* tx = (flume_lock_sender*)arg;
  uintptr_t failed = 0;
  for (uint64_t i = 1; i <= 1000; ++i) {
    if (flume_lock_send(tx, i) != FLUME_LOCK_OK) failed = 1;
  }
  flume_lock_sender_destroy(tx);
  return (void*)failed;
}

static void test_rendezvous(void) {
  flume_lock_sender* tx = NULL;
  flume_lock_receiver* rx = NULL;
  CHECK(flume_lock_rendezvous_create(&tx, &rx) == FLUME_LOCK_OK);
  CHECK(flume_lock_try_send(tx, 1) == FLUME_LOCK_FULL); /* nobody is waiting */
  uint64_t v = 0;
  CHECK(flume_lock_recv_timeout(rx, &v, 1000000) == FLUME_LOCK_TIMEOUT);
  size_t len = 99;
  CHECK(flume_lock_receiver_len(rx, &len) == FLUME_LOCK_OK && len == 0);

  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, send_one_thousand, flume_lock_sender_clone(tx)) == 0);
  flume_lock_sender_destroy(tx);
  uint64_t sum = 0, count = 0;
  flume_lock_status s;
  while ((s = flume_lock_recv_timeout(rx, &v, -1)) == FLUME_LOCK_OK) {
    CHECK(v == count + 1); /* one sender: in order */
    sum += v;
    ++count;
  }
  CHECK(s == FLUME_LOCK_DISCONNECTED);
  CHECK(count == 1000 && sum == 1000 * 1001 / 2);
  void* failed = (void*)1;
  pthread_join(thread, &failed);
  CHECK(failed == NULL);
  flume_lock_receiver_destroy(rx);
  CHECK(flume_lock_rendezvous_create(NULL, &rx) == FLUME_LOCK_INVALID);
}

static void test_len(void) {
  flume_lock_sender* tx = NULL;
  flume_lock_receiver* rx = NULL;
  CHECK(flume_lock_channel_create(0, &tx, &rx) == FLUME_LOCK_OK); /* 0: unbounded */
  size_t len = 99;
  CHECK(flume_lock_receiver_len(rx, &len) == FLUME_LOCK_OK && len == 0);
  for (uint64_t i = 0; i < 3; ++i) CHECK(flume_lock_send(tx, i) == FLUME_LOCK_OK);
  CHECK(flume_lock_receiver_len(rx, &len) == FLUME_LOCK_OK && len == 3);
  uint64_t v = 0;
  CHECK(flume_lock_try_recv(rx, &v) == FLUME_LOCK_OK);
  CHECK(flume_lock_receiver_len(rx, &len) == FLUME_LOCK_OK && len == 2);
  CHECK(flume_lock_receiver_len(NULL, &len) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_receiver_len(rx, NULL) == FLUME_LOCK_INVALID);
  flume_lock_sender_destroy(tx);
  flume_lock_receiver_destroy(rx);
}

int main(void) {
  test_rendezvous();
  test_len();
  test_values_and_disconnect(0);
  test_values_and_disconnect(16);
  test_timeout_full_close_and_pointers();
  test_select_rules();
  test_select_threads();
  return check_report("flume_lock_c_api_test");
}
