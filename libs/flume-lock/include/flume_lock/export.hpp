/* FLUME_LOCK_API: the mark on flume_lock's exported entry points. The library is built with hidden
 * visibility (cmake/trio_library.cmake), so a function, class or variable defined in its
 * sources and used from a header is reachable from a shared flume_lock only when marked. Plain
 * preprocessor, usable from C (flume_lock.h) and C++. */
#pragma once

#if defined(__GNUC__)
#define FLUME_LOCK_API __attribute__((visibility("default")))
#else
#define FLUME_LOCK_API
#endif
