// The echo work every echo server in the kov suite does, so they differ only in their runtime:
// read at most `echo_read_size` bytes, write all of them back, repeat until the peer is done.
#pragma once

#include <cstddef>

namespace peers {

inline constexpr std::size_t echo_read_size = 16384;

}  // namespace peers
