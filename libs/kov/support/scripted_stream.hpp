// A read stream for tests and fuzz targets of kov's buffered I/O: hands out `bytes` at most
// `piece` at a time (never waiting), then the end of the stream (reads of 0 from then on).
#pragma once

#include <kov/buffer.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

namespace kov_support {

struct scripted_stream {
  std::string bytes;
  std::size_t piece = 1;
  std::size_t at = 0;

  kov::task<kov::result<std::size_t>> read(kov::mutable_buffer b) {
    const std::size_t n = std::min({b.size, piece, bytes.size() - at});
    if (n > 0) std::memcpy(b.data, bytes.data() + at, n);
    at += n;
    co_return n;
  }
};

}  // namespace kov_support
