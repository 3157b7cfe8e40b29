/* CHECK(cond) for the libraries' C API tests: a false condition is reported with its file and
 * line and counted, and the test goes on; main ends with `return check_report("name");`, which
 * prints the count and gives the exit status. One counter per program: include this header from
 * the test's single .c file only.
 *
 *   CHECK(flume_lock_send(tx, 1) == FLUME_LOCK_OK);
 *   ...
 *   return check_report("flume_lock_c_api_test");
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>

static int check_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++check_failures;                                                        \
    }                                                                          \
  } while (0)

/* Prints the outcome under `name` and returns the exit status for main. */
static inline int check_report(const char* name) {
  if (check_failures != 0) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    return EXIT_FAILURE;
  }
  printf("%s: all checks passed\n", name);
  return EXIT_SUCCESS;
}
