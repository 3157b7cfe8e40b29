// kov's error values: an error enum in its own std::error_category and a small result type
// (std::expected needs C++23, which Clang 14 cannot use with libstdc++).
#pragma once

#include <kov/detail/assert.hpp>
#include <kov/export.hpp>

#include <cerrno>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace kov {

/// kov's error values, in kov::error_category(); an errc converts to std::error_code implicitly.
enum class errc : int {
  cancelled = 1,  ///< the operation's task was aborted, or its runtime shut down
  timed_out,      ///< a deadline passed first
  closed,         ///< the other side of a channel is gone
  no_runtime,     ///< called outside a running kov runtime
  would_block,    ///< a try_ operation found nothing ready
  end_of_stream,  ///< the peer ended the stream before the expected bytes arrived
  lagged,         ///< a broadcast receiver fell behind: messages were overwritten unread
};

/// The std::error_category of errc (name "kov").
KOV_API const std::error_category& error_category() noexcept;

/// An errc as a std::error_code in kov's category (found by ADL for std::error_code's converting
/// constructor).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace kov

/// @cond
template <>
struct std::is_error_code_enum<kov::errc> : std::true_type {};
/// @endcond

namespace kov::detail {

// An errno value as an error_code (std::system_category): kov's one spelling of it.
inline std::error_code errno_code(int err) noexcept {
  return {err, std::system_category()};
}

// The calling thread's errno now, as an error_code: right after the failed call that set it.
inline std::error_code last_error() noexcept {
  return errno_code(errno);
}

}  // namespace kov::detail

namespace kov {

/// A value of T or an error.
///
/// Invariant: exactly one of the two is held; a held error is never the zero error_code.
template <class T>
class [[nodiscard]] result {
 public:
  // (clang-format 14 cannot lay out a requires clause.)
  // clang-format off
  /// A value: implicit from anything T can be made from (but not from an error).
  template <class U = T>
    requires std::is_constructible_v<T, U&&> &&
             (!std::is_same_v<std::remove_cvref_t<U>, result>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, std::error_code>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, errc>)
  result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT: implicit by design
  // clang-format on
  /// Always a value, even when T is itself an error type.
  template <class... Args>
  explicit result(std::in_place_t, Args&&... args)
      : v_(std::in_place_index<0>, std::forward<Args>(args)...) {}
  /// An error; `error` must not be the zero error_code (asserted).
  result(std::error_code error) : v_(std::in_place_index<1>, error) {  // NOLINT
    KOV_ASSERT(error, "a result's error must be an error");
  }
  /// An errc error.
  result(errc error) : result(make_error_code(error)) {}  // NOLINT

  /// Whether a value is held.
  bool has_value() const noexcept { return v_.index() == 0; }
  /// Whether a value is held.
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws std::system_error holding the error otherwise.
  T& value() & {
    check();
    return std::get<0>(v_);
  }
  /// The value, moved out; throws std::system_error holding the error otherwise.
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }
  /// The value; throws std::system_error holding the error otherwise.
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  /// The value, unchecked (a value must be held).
  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  /// The value, unchecked and moved out (a value must be held).
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  /// Access to the value, unchecked (a value must be held).
  T* operator->() noexcept { return std::get_if<0>(&v_); }

  /// The error, or the zero error_code when a value is held.
  std::error_code error() const noexcept {
    const auto* e = std::get_if<1>(&v_);
    return e != nullptr ? *e : std::error_code{};
  }

 private:
  void check() const {
    if (v_.index() != 0) throw std::system_error(std::get<1>(v_));
  }
  std::variant<T, std::error_code> v_;
};

/// The outcome of an operation with no value: success or an error.
///
/// Invariant: category_ is null exactly on success. (Not a std::error_code member: its default
/// constructor calls std::system_category() out of line, a cost on every successful send.)
template <>
class [[nodiscard]] result<void> {
 public:
  /// Success.
  result() noexcept = default;
  /// An error; the zero error_code means success.
  result(std::error_code error) noexcept  // NOLINT: implicit by design
      : code_(error.value()), category_(error ? &error.category() : nullptr) {}
  /// An errc error.
  result(errc error) noexcept : result(make_error_code(error)) {}  // NOLINT

  /// Whether it is success.
  bool has_value() const noexcept { return category_ == nullptr; }
  /// Whether it is success.
  explicit operator bool() const noexcept { return has_value(); }
  /// Nothing on success; throws std::system_error holding the error otherwise.
  void value() const {
    if (!has_value()) throw std::system_error(error());
  }
  /// The error, or the zero error_code on success.
  std::error_code error() const noexcept {
    return has_value() ? std::error_code{} : std::error_code(code_, *category_);
  }

 private:
  int code_ = 0;
  const std::error_category* category_ = nullptr;
};

}  // namespace kov
