// kov::copy and kov::copy_bidirectional: move bytes between streams until the end.
//
//   auto n = co_await kov::copy(file, conn);                   // bytes copied, or an error
//   auto both = co_await kov::copy_bidirectional(client, upstream);
//   if (both) log(both->first, both->second);                   // client->upstream, back
#pragma once

#include <kov/buffer.hpp>
#include <kov/io/stream.hpp>
#include <kov/net/stream_socket.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>
#include <kov/when_all.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>
#include <utility>

namespace kov {

/// The buffer each direction of a copy reads into.
inline constexpr std::size_t copy_buffer_size = std::size_t{16} * 1024;

/// Reads `from` to its end and writes everything to `to`; flushes `to` at the end when it has a
/// flush() (a buf_writer). The byte count, or the first error of either side (some bytes may have
/// been copied by then). Neither stream is shut down or closed.
template <async_read_stream From, async_write_stream To>
task<result<std::uint64_t>> copy(From& from, To& to) {
  auto buf = std::make_unique_for_overwrite<char[]>(copy_buffer_size);
  std::uint64_t total = 0;
  for (;;) {
    auto n = co_await from.read(mutable_buffer(buf.get(), copy_buffer_size));
    if (!n) co_return n.error();
    if (*n == 0) break;
    auto w = co_await to.write_all(const_buffer(buf.get(), *n));
    if (!w) co_return w.error();
    total += *n;
  }
  if constexpr (requires { to.flush(); }) {
    auto f = co_await to.flush();
    if (!f) co_return f.error();
  }
  co_return total;
}

namespace detail {

// One direction of copy_bidirectional: to the end of `from`, then a half-close of `to`. On an
// error, the first of both directions is kept in `first_error` and both streams are closed,
// which ends the other direction too (its operation completes cancelled).
template <class From, class To>
task<result<std::uint64_t>> copy_then_shutdown(From& from, To& to, std::error_code& first_error) {
  auto n = co_await copy(from, to);
  result<void> ended = n ? to.shutdown(net::shutdown_how::write) : result<void>(n.error());
  if (!ended) {
    if (!first_error) first_error = ended.error();
    from.close();
    to.close();
    co_return ended.error();
  }
  co_return n;
}

}  // namespace detail

/// Copies both ways between `a` and `b` at once until both directions end: the end of one side
/// becomes a half-close (shutdown(write)) of the other, so a peer's half-close passes through.
/// The byte counts (a to b, b to a). On an error in either direction both streams are closed and
/// the first error is returned.
template <async_duplex_stream A, async_duplex_stream B>
task<result<std::pair<std::uint64_t, std::uint64_t>>> copy_bidirectional(A& a, B& b) {
  std::error_code first_error;
  auto [there, back] = co_await when_all(detail::copy_then_shutdown(a, b, first_error),
                                         detail::copy_then_shutdown(b, a, first_error));
  if (first_error) co_return first_error;
  co_return std::pair<std::uint64_t, std::uint64_t>(*there, *back);
}

}  // namespace kov
