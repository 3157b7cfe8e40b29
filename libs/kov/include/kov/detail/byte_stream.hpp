// The reads and writes every byte-stream I/O type offers (async_fd with read(2)/write(2),
// stream sockets with recv(2)/send(2)), over the fd it owns.
#pragma once

#include <kov/buffer.hpp>
#include <kov/detail/io_finish.hpp>
#include <kov/detail/io_handle.hpp>

#include <utility>

namespace kov::detail {

template <io_kind Read, io_kind Write>
class byte_stream {
 public:
  // One read: the byte count, 0 at the end of the stream.
  auto read(mutable_buffer b) noexcept { return op(make_op(Read, b.data, b.size), finish_size{}); }
  // Fills `b` completely, or fails (errc::end_of_stream if the stream ends first). An empty
  // `b` succeeds at once, without a syscall.
  auto read_exact(mutable_buffer b) noexcept {
    io_op o = make_op(Read, b.data, b.size);
    o.all = true;
    return op(o, finish_all{});
  }
  // One write: the byte count, possibly short.
  auto write(const_buffer b) noexcept {
    // Safety: a write op only reads its buffer; io_op holds one pointer type for both ways.
    return op(make_op(Write, const_cast<void*>(b.data), b.size), finish_size{});
  }
  // Writes all of `b`, completing partial writes. An empty `b` succeeds at once, without a
  // syscall (its data pointer may be null).
  auto write_all(const_buffer b) noexcept {
    // Safety: as in write().
    io_op o = make_op(Write, const_cast<void*>(b.data), b.size);
    o.all = true;
    return op(o, finish_all{});
  }
  // Waits until a read (or a write) would not block, without doing one.
  auto readable() noexcept { return op(make_op(io_kind::readable), finish_void{}); }
  auto writable() noexcept { return op(make_op(io_kind::writable), finish_void{}); }

  int native_handle() const noexcept { return handle_.fd(); }
  bool is_open() const noexcept { return handle_.valid(); }
  // Deregisters and closes now (the destructor does it otherwise).
  void close() noexcept { handle_.close(); }

 protected:
  byte_stream() noexcept = default;
  explicit byte_stream(io_handle h) noexcept : handle_(std::move(h)) {}
  template <class Finish>
  io_awaitable<Finish> op(const io_op& o, Finish f) noexcept {
    return {handle_.source(), o, std::move(f)};
  }
  io_handle handle_;
};

}  // namespace kov::detail
