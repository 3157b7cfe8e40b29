// Views of the bytes an I/O operation reads into or writes from. They convert from any
// contiguous range of bytes (std::string, std::vector<char>, std::array<std::byte, N>, char
// arrays, std::span) and from a pointer and a size. They do not own: the bytes must outlive
// the operation that uses them.
#pragma once

#include <cstddef>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>

namespace kov {
namespace detail {

template <class T>
concept byte_like = sizeof(T) == 1 && std::is_trivially_copyable_v<T>;

template <class R>
concept byte_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    byte_like<std::ranges::range_value_t<R>>;

}  // namespace detail

/// A non-owning view of writable bytes that an I/O operation reads into.
struct mutable_buffer {
  void* data = nullptr;  ///< Start of the bytes.
  std::size_t size = 0;  ///< Number of bytes.

  /// An empty buffer.
  constexpr mutable_buffer() noexcept = default;
  /// Views `n` bytes at `d`.
  constexpr mutable_buffer(void* d, std::size_t n) noexcept : data(d), size(n) {}
  // Implicit by design; the requires-clause keeps copies and moves off this constructor.
  // NOLINTBEGIN(bugprone-forwarding-reference-overload, google-explicit-constructor)
  /// Views a contiguous range of single-byte, non-const elements (implicit).
  template <detail::byte_range R>
  requires(!std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>)
      mutable_buffer(R&& r)
  noexcept : data(std::ranges::data(r)), size(std::ranges::size(r)) {}
  // NOLINTEND(bugprone-forwarding-reference-overload, google-explicit-constructor)
};

/// A non-owning view of read-only bytes that an I/O operation writes from.
struct const_buffer {
  const void* data = nullptr;  ///< Start of the bytes.
  std::size_t size = 0;        ///< Number of bytes.

  /// An empty buffer.
  constexpr const_buffer() noexcept = default;
  /// Views `n` bytes at `d`.
  constexpr const_buffer(const void* d, std::size_t n) noexcept : data(d), size(n) {}
  ///@{
  /// Views the bytes of a `mutable_buffer`, or the characters of a string view (implicit).
  constexpr const_buffer(mutable_buffer b) noexcept : data(b.data), size(b.size) {}        // NOLINT
  constexpr const_buffer(std::string_view s) noexcept : data(s.data()), size(s.size()) {}  // NOLINT
  ///@}
  /// A string literal: without its terminating NUL.
  template <std::size_t N>
  constexpr const_buffer(const char (&s)[N]) noexcept : data(s), size(N - 1) {}  // NOLINT
  /// Views a contiguous range of single-byte elements (implicit).
  template <detail::byte_range R>
  const_buffer(const R& r) noexcept  // NOLINT: implicit by design
      : data(std::ranges::data(r)), size(std::ranges::size(r)) {}
};

}  // namespace kov
