// Headers generated at build time from tests/data/fixture.svd: the SVD features the C3's own
// file does not use.
#include <gtest/gtest.h>

#include <esp_blink/pac/demo0.hpp>
#include <esp_blink/pac/demo1.hpp>

#include "register_file_fake.hpp"

namespace {

using namespace esp_blink;
using pac::demo0;
using pac::demo1;

TEST(generator_fixture, clusters_are_nested_blocks) {
  static_assert(demo0::ch<0>::conf::address == 0x40001100);
  static_assert(demo0::ch<2>::status::address == 0x40001128);
  static_assert(demo0::ch<1>::conf::reset_value == 5);
  static_assert(demo0::misc::id::address == 0x40001204);
  static_assert(demo0::misc::id::access_mode == access::read_only);
  SUCCEED();
}

TEST(generator_fixture, dim_arrays_keep_their_index_base) {
  static_assert(demo0::slot<2>::address == 0x40001010);
  static_assert(demo0::slot<3>::address == 0x40001014);
  static_assert(demo0::port_a::address == 0x40001020);
  static_assert(demo0::port_b::address == 0x40001024);
  static_assert(demo0::port_b::access_mode == access::write_only);
  SUCCEED();
}

TEST(generator_fixture, field_arrays_expand_per_index) {
  static_assert(demo0::int_raw::ch0_done::offset == 8);
  static_assert(demo0::int_raw::ch1_done::offset == 10);
  static_assert(demo0::int_raw::ch2_done::offset == 12);
  static_assert(demo0::int_raw::ch2_done::access_mode == access::read_only);
  SUCCEED();
}

TEST(generator_fixture, derived_peripheral_is_the_same_layout_elsewhere) {
  static_assert(demo1::ctrl::address == 0x40002000);
  static_assert(demo1::ch<1>::conf::address == 0x40002110);
  static_assert(demo1::ctrl::reset_value == demo0::ctrl::reset_value);
  SUCCEED();
}

TEST(generator_fixture, enumerated_values_and_access) {
  static_assert(demo0::ctrl::mode::values::sleep == 2);
  static_assert(demo0::ctrl::busy::access_mode == access::read_only);
  static_assert(demo0::port_a::kick::access_mode == access::write_only);  // inherited
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  demo0::ctrl::write(demo0::ctrl::mode::value<demo0::ctrl::mode::values::run>());
  EXPECT_EQ(fake.peek(0x40001000), 0x11u);  // reset 0x11 already has MODE = RUN
  demo0::ctrl::write(demo0::ctrl::mode::value<demo0::ctrl::mode::values::sleep>(),
                     demo0::ctrl::en::value<0>());
  EXPECT_EQ(fake.peek(0x40001000), 0x20u);
}

}  // namespace
