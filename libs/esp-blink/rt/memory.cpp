// The four functions a freestanding C++ compiler may call on its own (for struct copies and
// zero-initialisation), since the firmware links no C library. Linked only when referenced.
// This file is compiled with -fno-tree-loop-distribute-patterns so that these loops are not
// turned back into calls to themselves.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memset(void* dest, int value, size_t n) {
  // Safety: the caller guarantees [dest, dest + n) is writable, as for the standard memset.
  auto* d = static_cast<unsigned char*>(dest);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(value);
  return dest;
}

void* memcpy(void* dest, const void* src, size_t n) {
  // Safety: as the standard memcpy: both ranges valid for n bytes and not overlapping.
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
  return dest;
}

void* memmove(void* dest, const void* src, size_t n) {
  // Safety: as the standard memmove; copies backwards when dest is above an overlapping src.
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  }
  return dest;
}

int memcmp(const void* a, const void* b, size_t n) {
  // Safety: as the standard memcmp: both ranges readable for n bytes.
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

}  // extern "C"
