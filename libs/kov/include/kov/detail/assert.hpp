// Debug-only contract checks: a broken invariant stops the process with its location.
#pragma once

#include <cstdio>
#include <cstdlib>

#ifndef NDEBUG
#define KOV_ASSERT(cond, msg)                                                        \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "kov: %s:%d: %s (%s)\n", __FILE__, __LINE__, msg, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (false)
#else
#define KOV_ASSERT(cond, msg) \
  do {                        \
  } while (false)
#endif
