// kov::buf_reader: reads a byte stream through a buffer, a line or a delimited record at a time.
//
//   kov::buf_reader reader(std::move(conn));            // owns the stream (or pass Stream&)
//   auto lines = reader.lines();                          // lines of at most 64 KiB, LF or CRLF
//   while (auto line = co_await lines.next()) use(*line);
//   if (lines.error()) ...                                // why it stopped; none at a clean end
//
// The views it returns point into its buffer: they stay valid until the next call on the
// reader. The buffer grows only as far as a line's maximum length asks, never further.
#pragma once

#include <kov/buffer.hpp>
#include <kov/detail/ready_or_task.hpp>
#include <kov/io/stream.hpp>
#include <kov/result.hpp>
#include <kov/task.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace kov {

/// The longest line read_line and lines accept unless told otherwise, without its terminator.
inline constexpr std::size_t default_max_line = std::size_t{64} * 1024;

template <class Stream>
class line_reader;

/// Reads a byte stream through a buffer, a line or a delimited record at a time. The views it
/// returns point into its buffer and stay valid until the next call on the reader; the buffer
/// grows only as far as a record's maximum length asks.
///
/// `Stream` is a stream type (the reader owns it) or a reference to one (the caller owns it).
/// Each read call may be awaited only after the previous one finished.
///
/// Invariant: begin_ <= end_ <= capacity_; [begin_, end_) of buf_ are read but not yet handed out.
template <class Stream>
requires async_read_stream<std::remove_reference_t<Stream>>
class buf_reader {
 public:
  /// A record (a line, or bytes up to a delimiter); nullopt when the stream ended cleanly before
  /// its first byte.
  using record = result<std::optional<std::string_view>>;

  /// A reader over `stream` with a buffer of `capacity` bytes (at least 1) to start with.
  /// Not deducible from here: the deduction guide below decides between owning and borrowing.
  explicit buf_reader(std::type_identity_t<Stream> stream,
                      std::size_t capacity = default_buffer_size)
      : stream_(std::forward<Stream>(stream)),
        capacity_(std::max<std::size_t>(capacity, 1)),
        buf_(std::make_unique_for_overwrite<char[]>(capacity_)) {}

  /// The underlying stream.
  Stream& get() noexcept { return stream_; }
  /// The buffer's size now: the one given, or larger once a record needed more (at most the
  /// longest maximum length asked for, plus a line's CR and LF).
  std::size_t capacity() const noexcept { return capacity_; }
  /// The bytes read from the stream and not handed out yet. After an error (a line too long,
  /// the end of the stream in mid-line) they are the start of the record that failed.
  std::string_view buffered() const noexcept { return {buf_.get() + begin_, end_ - begin_}; }
  /// Drops the first `n` buffered bytes (at most all of them).
  void consume(std::size_t n) noexcept { begin_ += std::min(n, end_ - begin_); }

  /// Reads at most b.size bytes: from the buffer when it holds any, else from the stream (directly
  /// when `b` is at least as large as the buffer). 0 at the end of the stream. This makes a
  /// buf_reader an async_read_stream itself (kov::copy takes it).
  detail::ready_or_task<result<std::size_t>> read(mutable_buffer b) {
    if (begin_ != end_ || b.size == 0) return detail::ready_or_task<result<std::size_t>>(take(b));
    return detail::ready_or_task<result<std::size_t>>(read_slow(b));
  }

  /// The bytes up to and including the next `delim`. Errors: std::errc::message_size when
  /// `max_length` bytes hold no `delim` (nothing is consumed); errc::end_of_stream when the
  /// stream ends after some bytes but before a `delim` (they stay in buffered()).
  detail::ready_or_task<record> read_until(char delim, std::size_t max_length = default_max_line) {
    if (const std::size_t n = find_buffered(delim, max_length, 0)) {
      return detail::ready_or_task<record>(record(hand_out(n)));
    }
    return detail::ready_or_task<record>(read_until_slow(delim, max_length));
  }

  /// The next line without its terminator (LF or CRLF; a CR elsewhere is data). Errors as in
  /// read_until: std::errc::message_size for a line longer than `max_length`,
  /// errc::end_of_stream for a last line without a terminator.
  detail::ready_or_task<record> read_line(std::size_t max_length = default_max_line) {
    if (auto line = take_buffered_line(max_length)) return detail::ready_or_task<record>(line);
    return detail::ready_or_task<record>(read_line_slow(max_length));
  }

  /// A loop over the lines of the stream (see line_reader). It borrows this reader, which must
  /// outlive it.
  line_reader<Stream> lines(std::size_t max_length = default_max_line) noexcept {
    return line_reader<Stream>(*this, max_length);
  }

 private:
  friend class line_reader<Stream>;

  // The next line when the buffer already holds all of it, handed out; nullopt when more must
  // be read, or when it is longer than `max_length` (the slow path, which finds it at once,
  // reports that). This is the whole cost of a line served from the buffer: keep it small
  // enough to inline.
  std::optional<std::string_view> take_buffered_line(std::size_t max_length) noexcept {
    const std::size_t n = find_buffered('\n', line_limit(max_length), 0);
    if (n == 0) return std::nullopt;
    const char* start = buf_.get() + begin_;
    const std::size_t len = n - 1 - (n > 1 && start[n - 2] == '\r' ? 1 : 0);
    if (len > max_length) return std::nullopt;
    begin_ += n;
    return std::string_view(start, len);
  }

  // The search window for a line of at most `max_length` bytes: its CR and LF too.
  static std::size_t line_limit(std::size_t max_length) noexcept {
    return max_length > std::numeric_limits<std::size_t>::max() - 2 ? max_length : max_length + 2;
  }

  // The length of the buffered bytes up to and including `delim`, looking at the first `limit`
  // and skipping the first `from` (already searched); 0 when not there.
  std::size_t find_buffered(char delim, std::size_t limit, std::size_t from) const noexcept {
    const std::size_t window = std::min(end_ - begin_, limit);
    if (from >= window) return 0;
    const char* start = buf_.get() + begin_;
    const void* hit = std::memchr(start + from, delim, window - from);
    return hit == nullptr ? 0 : static_cast<std::size_t>(static_cast<const char*>(hit) - start) + 1;
  }

  // Hands out the first `n` buffered bytes as a view.
  std::string_view hand_out(std::size_t n) noexcept {
    const std::string_view v(buf_.get() + begin_, n);
    begin_ += n;
    return v;
  }

  // The first `n` buffered bytes end with '\n': the line without its terminator, handed out,
  // or message_size (nothing consumed) when it is longer than `max_length`.
  record line_of(std::size_t n, std::size_t max_length) noexcept {
    std::size_t len = n - 1;
    if (len > 0 && buf_[begin_ + len - 1] == '\r') --len;
    if (len > max_length) return std::make_error_code(std::errc::message_size);
    const std::string_view line(buf_.get() + begin_, len);
    begin_ += n;
    return record(line);
  }

  result<std::size_t> take(mutable_buffer b) noexcept {
    const std::size_t n = std::min(b.size, end_ - begin_);
    if (n > 0) std::memcpy(b.data, buf_.get() + begin_, n);
    begin_ += n;
    return n;
  }

  [[gnu::noinline]] task<result<std::size_t>> read_slow(mutable_buffer b) {
    if (b.size >= capacity_) co_return co_await stream_.read(b);
    auto n = co_await fill(capacity_);
    if (!n) co_return n.error();
    co_return take(b);
  }

  // Reads more from the stream after the buffered bytes, first making room: moving them to the
  // front, or growing the buffer while it is smaller than `limit`. The count, 0 at the end.
  task<result<std::size_t>> fill(std::size_t limit) {
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ == capacity_) {
      if (begin_ > 0) {
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      } else {
        grow(limit);
      }
    }
    auto n = co_await stream_.read(mutable_buffer(buf_.get() + end_, capacity_ - end_));
    if (n) end_ += *n;
    co_return n;
  }

  // Called with a full buffer that starts at 0 and is smaller than `limit`.
  void grow(std::size_t limit) {
    const std::size_t bigger =
        capacity_ > limit / 2 ? limit : std::max(capacity_ * 2, capacity_ + 1);
    auto next = std::make_unique_for_overwrite<char[]>(bigger);
    std::memcpy(next.get(), buf_.get(), end_);
    buf_ = std::move(next);
    capacity_ = bigger;
  }

  // Reads until `delim` is within the first `limit` buffered bytes: their count up to and
  // including it, or nullopt at a clean end. Errors as read_until says.
  task<result<std::optional<std::size_t>>> fill_until(char delim, std::size_t limit) {
    std::size_t searched = 0;
    for (;;) {
      const std::size_t buffered_now = end_ - begin_;
      if (buffered_now >= limit) co_return std::make_error_code(std::errc::message_size);
      auto n = co_await fill(limit);
      if (!n) co_return n.error();
      if (*n == 0) {
        if (begin_ == end_) co_return std::optional<std::size_t>();
        co_return errc::end_of_stream;
      }
      searched = std::min(buffered_now, limit);
      if (const std::size_t found = find_buffered(delim, limit, searched)) {
        co_return std::optional<std::size_t>(found);
      }
    }
  }

  [[gnu::noinline]] task<record> read_until_slow(char delim, std::size_t max_length) {
    auto n = co_await fill_until(delim, max_length);
    if (!n) co_return n.error();
    if (!*n) co_return record(std::nullopt);
    co_return record(hand_out(**n));
  }

  [[gnu::noinline]] task<record> read_line_slow(std::size_t max_length) {
    auto n = co_await fill_until('\n', line_limit(max_length));
    if (!n) co_return n.error();
    if (!*n) co_return record(std::nullopt);
    co_return line_of(**n, max_length);
  }

  Stream stream_;
  std::size_t capacity_;
  std::unique_ptr<char[]> buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

/// An rvalue stream is moved in and owned; an lvalue one is borrowed (buf_reader<Stream&>).
template <class Stream>
buf_reader(Stream&&, std::size_t = default_buffer_size) -> buf_reader<Stream>;

/// The lines of a buf_reader, one per next(), in the style of a scanner: next() yields a line
/// (a view valid until the next call) or nullopt when the lines end, and error() then says why:
/// none at a clean end of the stream; std::errc::message_size for a line over the maximum;
/// errc::end_of_stream when the stream ended in mid-line (buffered() holds that partial line);
/// or the stream's own error. Once ended it stays ended.
template <class Stream>
class line_reader {
 public:
  /// Reads the lines of `reader` (made by buf_reader::lines()).
  line_reader(buf_reader<Stream>& reader, std::size_t max_length) noexcept
      : reader_(&reader), max_length_(max_length) {}

  /// The next line (a view valid until the next call), or nullopt when the lines end: then see
  /// error().
  // A line in the buffer costs a memchr and a few instructions here: no coroutine frame; only
  // a line that needs a read from the stream runs a task.
  detail::ready_or_task<std::optional<std::string_view>> next() {
    using answer = detail::ready_or_task<std::optional<std::string_view>>;
    if (error_) return answer(std::nullopt);
    if (auto line = reader_->take_buffered_line(max_length_)) return answer(line);
    return answer(next_slow());
  }

  /// Why the lines ended: none at a clean end of the stream, else the error that stopped them.
  std::error_code error() const noexcept { return error_; }

 private:
  using record = typename buf_reader<Stream>::record;

  std::optional<std::string_view> settle(record r) noexcept {
    if (!r) {
      error_ = r.error();
      return std::nullopt;
    }
    return *r;
  }
  // Out of line, so that next() stays small enough to inline into the caller's loop.
  [[gnu::noinline]] task<std::optional<std::string_view>> next_slow() {
    co_return settle(co_await reader_->read_line_slow(max_length_));
  }

  // Safety: the buf_reader outlives its line_reader (lines() documents the borrow).
  buf_reader<Stream>* reader_;
  std::size_t max_length_;
  std::error_code error_;
};

}  // namespace kov
