// result<T> and kov's error category.

#include <kov/result.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <system_error>

namespace {

TEST(result, holds_a_value_or_an_error) {
  kov::result<int> ok = 3;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 3);
  EXPECT_EQ(ok.value(), 3);
  EXPECT_FALSE(ok.error());

  kov::result<int> bad = kov::errc::timed_out;
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), kov::errc::timed_out);
  EXPECT_THROW((void)bad.value(), std::system_error);
}

TEST(result, in_place_keeps_an_error_code_as_a_value) {
  kov::result<std::error_code> r(std::in_place, make_error_code(kov::errc::closed));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, kov::errc::closed);
}

TEST(result, move_only_values) {
  kov::result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
}

TEST(result, void_result) {
  kov::result<void> ok;
  EXPECT_TRUE(ok);
  EXPECT_NO_THROW(ok.value());
  kov::result<void> bad = kov::errc::cancelled;
  EXPECT_FALSE(bad);
  EXPECT_THROW(bad.value(), std::system_error);
}

TEST(errc, maps_to_portable_conditions_and_messages) {
  EXPECT_EQ(make_error_code(kov::errc::cancelled), std::errc::operation_canceled);
  EXPECT_EQ(make_error_code(kov::errc::timed_out), std::errc::timed_out);
  EXPECT_NE(make_error_code(kov::errc::closed), std::errc::timed_out);
  EXPECT_EQ(std::string(kov::error_category().name()), "kov");
  EXPECT_EQ(make_error_code(kov::errc::closed).message(), "channel closed");
}

}  // namespace
