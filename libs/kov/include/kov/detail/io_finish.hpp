// The result conversions of io_awaitable that several I/O types share.
#pragma once

#include <kov/detail/io_handle.hpp>

#include <cstddef>

namespace kov::detail {

// A byte count (0 at the end of a stream for reads).
struct finish_size {
  result<std::size_t> operator()(const io_op& op) const noexcept {
    if (op.result < 0) return io_error(op.result);
    return static_cast<std::size_t>(op.result);
  }
};

// All `len` bytes, or why not: a read that met the end of the stream first is
// errc::end_of_stream.
struct finish_all {
  result<void> operator()(const io_op& op) const noexcept {
    if (op.result < 0) return io_error(op.result);
    if (static_cast<std::size_t>(op.result) < op.len) return errc::end_of_stream;
    return {};
  }
};

// Success or failure only.
struct finish_void {
  result<void> operator()(const io_op& op) const noexcept {
    if (op.result < 0) return io_error(op.result);
    return {};
  }
};

inline io_op make_op(io_kind kind, void* buf = nullptr, std::size_t len = 0) noexcept {
  io_op op;
  op.kind = kind;
  op.buf = buf;
  op.len = len;
  return op;
}

}  // namespace kov::detail
