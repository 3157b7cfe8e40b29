/* The C API's MPMC channels, used from C11: two producers and three receivers share the values
 * exactly once (sum check), cloned receivers, len, full, and disconnect from either side. */
#include <flume_lock.h>

#include "check.h"

#include <pthread.h> /* not <threads.h>: ThreadSanitizer does not intercept thrd_create */
#include <stdint.h>
#include <stdio.h>

enum { per_producer = 40000, receivers = 3 };

typedef struct {
  flume_lock_mpmc_receiver* rx;
  uint64_t sum;
  uint64_t count;
  flume_lock_status last;
} consumer;

static void* produce(void* arg) {
  flume_lock_mpmc_sender* tx = (flume_lock_mpmc_sender*)arg;
  uintptr_t failed = 0;
  for (uint64_t i = 1; i <= per_producer; ++i) {
    if (flume_lock_mpmc_send(tx, i) != FLUME_LOCK_OK) failed = 1;
  }
  flume_lock_mpmc_sender_destroy(tx);
  return (void*)failed;
}

static void* consume(void* arg) {
  consumer* c = (consumer*)arg;
  uint64_t v = 0;
  while ((c->last = flume_lock_mpmc_recv_timeout(c->rx, &v, -1)) == FLUME_LOCK_OK) {
    c->sum += v;
    ++c->count;
  }
  flume_lock_mpmc_receiver_destroy(c->rx);
  return NULL;
}

static void test_shared_exactly_once(size_t capacity) {
  flume_lock_mpmc_sender* tx = NULL;
  flume_lock_mpmc_receiver* rx = NULL;
  CHECK(flume_lock_mpmc_channel_create(capacity, &tx, &rx) == FLUME_LOCK_OK);
  consumer consumers[receivers];
  pthread_t threads[receivers + 2];
  for (int i = 0; i < receivers; ++i) {
    consumers[i] = (consumer){flume_lock_mpmc_receiver_clone(rx), 0, 0, FLUME_LOCK_OK};
    CHECK(consumers[i].rx != NULL);
    CHECK(pthread_create(&threads[i], NULL, consume, &consumers[i]) == 0);
  }
  flume_lock_mpmc_receiver_destroy(rx);
  for (int i = 0; i < 2; ++i) {
    flume_lock_mpmc_sender* clone = flume_lock_mpmc_sender_clone(tx);
    CHECK(clone != NULL);
    CHECK(pthread_create(&threads[receivers + i], NULL, produce, clone) == 0);
  }
  flume_lock_mpmc_sender_destroy(tx);
  for (int i = 0; i < 2; ++i) {
    void* failed = (void*)1;
    pthread_join(threads[receivers + i], &failed);
    CHECK(failed == NULL);
  }
  uint64_t sum = 0, count = 0;
  for (int i = 0; i < receivers; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(consumers[i].last == FLUME_LOCK_DISCONNECTED);
    sum += consumers[i].sum;
    count += consumers[i].count;
  }
  CHECK(count == 2 * per_producer);
  CHECK(sum == 2 * ((uint64_t)per_producer * (per_producer + 1) / 2));
}

static void test_len_full_and_disconnect(void) {
  flume_lock_mpmc_sender* tx = NULL;
  flume_lock_mpmc_receiver* rx = NULL;
  CHECK(flume_lock_mpmc_channel_create(2, &tx, &rx) == FLUME_LOCK_OK);
  flume_lock_mpmc_receiver* rx2 = flume_lock_mpmc_receiver_clone(rx);
  uint64_t v = 0;
  CHECK(flume_lock_mpmc_try_recv(rx2, &v) == FLUME_LOCK_EMPTY);
  CHECK(flume_lock_mpmc_recv_timeout(rx, &v, 1000000) == FLUME_LOCK_TIMEOUT);
  CHECK(flume_lock_mpmc_try_send(tx, 1) == FLUME_LOCK_OK);
  CHECK(flume_lock_mpmc_try_send(tx, 2) == FLUME_LOCK_OK);
  CHECK(flume_lock_mpmc_try_send(tx, 3) == FLUME_LOCK_FULL);
  CHECK(flume_lock_mpmc_len(rx) == 2);
  CHECK(flume_lock_mpmc_try_recv(rx2, &v) == FLUME_LOCK_OK && v == 1);
  CHECK(flume_lock_mpmc_len(rx2) == 1);

  flume_lock_mpmc_receiver_destroy(rx2); /* one receiver left: still open */
  CHECK(flume_lock_mpmc_send(tx, 4) == FLUME_LOCK_OK);
  flume_lock_mpmc_receiver_destroy(rx); /* the last one: closed, queued values dropped */
  CHECK(flume_lock_mpmc_send(tx, 5) == FLUME_LOCK_DISCONNECTED);

  CHECK(flume_lock_mpmc_try_recv(NULL, &v) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_mpmc_send(NULL, 1) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_mpmc_channel_create(0, &tx, NULL) == FLUME_LOCK_INVALID);
  CHECK(flume_lock_mpmc_receiver_clone(NULL) == NULL);
  CHECK(flume_lock_mpmc_len(NULL) == 0);
  flume_lock_mpmc_sender_destroy(tx);
  flume_lock_mpmc_sender_destroy(NULL);
  flume_lock_mpmc_receiver_destroy(NULL);
}

static void test_close_from_sender(void) {
  flume_lock_mpmc_sender* tx = NULL;
  flume_lock_mpmc_receiver* rx = NULL;
  CHECK(flume_lock_mpmc_channel_create(0, &tx, &rx) == FLUME_LOCK_OK);
  CHECK(flume_lock_mpmc_send(tx, 7) == FLUME_LOCK_OK);
  flume_lock_mpmc_sender_close(tx);
  CHECK(flume_lock_mpmc_send(tx, 8) == FLUME_LOCK_DISCONNECTED);
  uint64_t v = 0;
  CHECK(flume_lock_mpmc_try_recv(rx, &v) == FLUME_LOCK_OK && v == 7);
  CHECK(flume_lock_mpmc_try_recv(rx, &v) == FLUME_LOCK_DISCONNECTED);
  flume_lock_mpmc_receiver_close(rx); /* idempotent */
  flume_lock_mpmc_sender_destroy(tx);
  flume_lock_mpmc_receiver_destroy(rx);
}

int main(void) {
  test_shared_exactly_once(0);
  test_shared_exactly_once(8);
  test_len_full_and_disconnect();
  test_close_from_sender();
  return check_report("flume_lock_c_api_mpmc_test");
}
