// kov::buf_writer: gathers small writes to a byte stream into one buffer and writes it out when
// full or on flush().
//
//   kov::buf_writer out(conn);                  // borrows conn (std::move(conn) would own it)
//   co_await out.write_all("HTTP/1.1 200 OK\r\n");
//   co_await out.write_all(body);
//   co_await out.flush();                        // nothing reaches the stream before this
//
// Bytes still buffered when the writer is destroyed are dropped: flush first (an async write
// cannot run from a destructor).
#pragma once

#include <kov/buffer.hpp>
#include <kov/detail/ready_or_task.hpp>
#include <kov/io/stream.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

namespace kov {

/// Gathers small writes to a byte stream into one buffer and writes it out when full or on
/// flush(). Bytes still buffered when the writer is destroyed are dropped: flush first.
///
/// `Stream` is a stream type (the writer owns it) or a reference to one (the caller owns it).
/// Each call may be awaited only after the previous one finished.
///
/// Invariant: used_ <= capacity_; the first used_ bytes of buf_ are accepted but not yet written.
template <class Stream>
requires async_write_stream<std::remove_reference_t<Stream>>
class buf_writer {
 public:
  /// A writer over `stream` with a buffer of `capacity` bytes (at least 1).
  /// Not deducible from here: the deduction guide below decides between owning and borrowing.
  explicit buf_writer(std::type_identity_t<Stream> stream,
                      std::size_t capacity = default_buffer_size)
      : stream_(std::forward<Stream>(stream)),
        capacity_(std::max<std::size_t>(capacity, 1)),
        buf_(std::make_unique_for_overwrite<char[]>(capacity_)) {}

  /// The underlying stream.
  Stream& get() noexcept { return stream_; }
  /// How many bytes wait for a flush.
  std::size_t buffered() const noexcept { return used_; }

  /// Accepts all of `b`: into the buffer when it fits (no I/O), otherwise after writing out what
  /// is buffered (and `b` itself directly when it is at least as large as the buffer). An error is
  /// the stream's: part of the bytes may have been written, and the buffer keeps the rest.
  detail::ready_or_task<result<void>> write_all(const_buffer b) {
    if (b.size <= capacity_ - used_) {
      append(b);
      return detail::ready_or_task<result<void>>(result<void>());
    }
    return detail::ready_or_task<result<void>>(write_all_slow(b));
  }

  /// Writes out everything buffered.
  task<result<void>> flush() {
    if (used_ == 0) co_return result<void>();
    auto w = co_await stream_.write_all(const_buffer(buf_.get(), used_));
    if (w) used_ = 0;
    co_return w;
  }

  /// @{
  /// The stream's half-close and close, for streams that have them (flush first: shutdown does
  /// not flush).
  result<void> shutdown(net::shutdown_how how) noexcept requires
      async_duplex_stream<std::remove_reference_t<Stream>> {
    return stream_.shutdown(how);
  }
  void close() noexcept requires async_duplex_stream<std::remove_reference_t<Stream>> {
    stream_.close();
  }
  /// @}

 private:
  void append(const_buffer b) noexcept {
    if (b.size > 0) std::memcpy(buf_.get() + used_, b.data, b.size);
    used_ += b.size;
  }

  task<result<void>> write_all_slow(const_buffer b) {
    auto f = co_await flush();
    if (!f) co_return f;
    if (b.size >= capacity_) co_return co_await stream_.write_all(b);
    append(b);
    co_return result<void>();
  }

  Stream stream_;
  std::size_t capacity_;
  std::unique_ptr<char[]> buf_;
  std::size_t used_ = 0;
};

/// An rvalue stream is moved in and owned; an lvalue one is borrowed (buf_writer<Stream&>).
template <class Stream>
buf_writer(Stream&&, std::size_t = default_buffer_size) -> buf_writer<Stream>;

}  // namespace kov
