/* KOV_API: the mark on kov's exported entry points. The library is built with hidden
 * visibility (cmake/trio_library.cmake), so a function, class or variable defined in its
 * sources and used from a header is reachable from a shared kov only when marked. Plain
 * preprocessor, usable from C (kov.h) and C++. */
#pragma once

#if defined(__GNUC__)
#define KOV_API __attribute__((visibility("default")))
#else
#define KOV_API
#endif
