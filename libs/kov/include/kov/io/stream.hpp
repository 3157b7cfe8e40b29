// The shapes of byte stream that kov's buffered I/O works over, as C++20 concepts. tcp_stream,
// unix_stream, async_fd, the halves of a split stream, buf_reader and buf_writer model them, and
// so does any type of the user's with the same members.
#pragma once

#include <kov/as_task.hpp>
#include <kov/buffer.hpp>
#include <kov/net/stream_socket.hpp>
#include <kov/result.hpp>

#include <concepts>
#include <cstddef>

namespace kov {

/// A buffered stream's buffer size unless told otherwise (tokio's and Go's choice too).
inline constexpr std::size_t default_buffer_size = std::size_t{8} * 1024;

/// `co_await s.read(b)` reads at most b.size bytes: the count, 0 at the end of the stream.
template <class S>
concept async_read_stream = requires(S& s, mutable_buffer b) {
  requires std::same_as<detail::await_result_t<decltype(s.read(b))>, result<std::size_t>>;
};

/// `co_await s.write_all(b)` writes all of b, or fails.
template <class S>
concept async_write_stream = requires(S& s, const_buffer b) {
  requires std::same_as<detail::await_result_t<decltype(s.write_all(b))>, result<void>>;
};

/// A stream whose sending side can be ended on its own (a half-close) and that can be closed at
/// once: what copy_bidirectional needs of both its ends.
template <class S>
concept async_duplex_stream = async_read_stream<S> && async_write_stream<S> && requires(S& s) {
  { s.shutdown(net::shutdown_how::write) } -> std::same_as<result<void>>;
  s.close();
};

}  // namespace kov
