// kov::net::into_split: a stream socket as an owned read half and an owned write half, which two
// tasks can use at once (one reading, one writing), as tokio's into_split does.
//
//   auto [rd, wr] = kov::net::into_split(std::move(conn));
//   kov::spawn(pump_out(std::move(wr)));           // writes while ...
//   while (auto n = co_await rd.read(buf)) ...      // ... this task reads
//
// The socket closes when both halves are gone; reunite() puts it back together. The reactor lets
// one read and one write wait on the same fd at once (each io_source has a reader and a writer
// slot), which is what makes the halves independent.
#pragma once

#include <kov/buffer.hpp>
#include <kov/net/stream_socket.hpp>
#include <kov/result.hpp>

#include <concepts>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>

namespace kov::net {

template <class Stream>
class read_half;
template <class Stream>
class write_half;
template <class Stream>
result<Stream> reunite(read_half<Stream> r, write_half<Stream> w) noexcept;

namespace detail {

// What both halves have: the shared stream and its addresses.
template <class Stream>
class stream_half {
 public:
  stream_half() noexcept = default;
  explicit stream_half(std::shared_ptr<Stream> s) noexcept : s_(std::move(s)) {}

  result<socket_address> local_address() const noexcept { return s_->local_address(); }
  result<socket_address> peer_address() const noexcept { return s_->peer_address(); }
  int native_handle() const noexcept { return s_->native_handle(); }

 protected:
  template <class S>
  friend result<S> net::reunite(read_half<S> r, write_half<S> w) noexcept;
  std::shared_ptr<Stream> s_;
};

}  // namespace detail

/// The reading side of a stream split by into_split(): read, read_exact, readable (plus
/// local_address, peer_address and native_handle). One task may use it while another uses the
/// write_half; the stream closes when both halves are gone. The operations are the stream's
/// own awaitables, so they take `.with_timeout(d)` and have the same cancel-safety.
template <class Stream>
class read_half : public detail::stream_half<Stream> {
 public:
  using detail::stream_half<Stream>::stream_half;

  /// One read: the byte count, 0 at the end of the stream.
  auto read(mutable_buffer b) noexcept { return this->s_->read(b); }
  /// Fills `b` completely, or fails (errc::end_of_stream if the stream ends first).
  auto read_exact(mutable_buffer b) noexcept { return this->s_->read_exact(b); }
  /// Waits until a read would not block, without doing one.
  auto readable() noexcept { return this->s_->readable(); }
};

/// The writing side of a stream split by into_split(): write, write_all, writable, and the
/// half-close (plus local_address, peer_address and native_handle). One task may use it while
/// another uses the read_half; the stream closes when both halves are gone. The operations are
/// the stream's own awaitables, so they take `.with_timeout(d)`.
template <class Stream>
class write_half : public detail::stream_half<Stream> {
 public:
  using detail::stream_half<Stream>::stream_half;

  /// One write: the byte count, possibly short.
  auto write(const_buffer b) noexcept { return this->s_->write(b); }
  /// Writes all of `b`, completing partial writes.
  auto write_all(const_buffer b) noexcept { return this->s_->write_all(b); }
  /// Waits until a write would not block, without doing one.
  auto writable() noexcept { return this->s_->writable(); }
  /// Ends the sending direction (shutdown(2) with SHUT_WR); the read half goes on reading.
  result<void> shutdown() noexcept { return this->s_->shutdown(shutdown_how::write); }
};

/// Splits `s` (a tcp_stream or unix_stream) into halves that share it.
template <std::derived_from<stream_socket> Stream>
std::pair<read_half<Stream>, write_half<Stream>> into_split(Stream s) {
  auto shared = std::make_shared<Stream>(std::move(s));
  return {read_half<Stream>(shared), write_half<Stream>(shared)};
}

/// The stream back from its two halves; std::errc::invalid_argument (both halves dropped) when
/// they come from different streams.
template <class Stream>
result<Stream> reunite(read_half<Stream> r, write_half<Stream> w) noexcept {
  if (r.s_ == nullptr || r.s_ != w.s_) return std::make_error_code(std::errc::invalid_argument);
  Stream s = std::move(*r.s_);
  return s;
}

}  // namespace kov::net
