/* count_fds(): how many file descriptors the process has open (/proc/self/fd), for the C API
 * tests' check that nothing is left over. */
#pragma once

#include <dirent.h>

static int count_fds(void) {
  DIR* d = opendir("/proc/self/fd");
  if (d == NULL) return -1;
  int n = 0;
  for (struct dirent* e = readdir(d); e != NULL; e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
}
