// kov's error category: the messages of kov's own error codes.
#include <kov/result.hpp>

#include <string>

namespace kov {
namespace {

class kov_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kov"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::cancelled:
        return "operation cancelled";
      case errc::timed_out:
        return "timed out";
      case errc::closed:
        return "channel closed";
      case errc::no_runtime:
        return "no kov runtime on this thread";
      case errc::would_block:
        return "nothing ready";
      case errc::end_of_stream:
        return "end of stream before the expected bytes";
      case errc::lagged:
        return "receiver lagged: messages were overwritten before it read them";
    }
    return "unknown kov error";
  }
  std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
      case errc::cancelled:
        return std::errc::operation_canceled;
      case errc::timed_out:
        return std::errc::timed_out;
      default:
        return {value, *this};
    }
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const kov_category category;
  return category;
}

}  // namespace kov
