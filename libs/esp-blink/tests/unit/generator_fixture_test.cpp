// Headers generated at build time from tests/data/fixture.svd: the SVD features the C3's own
// file does not use.
#include <esp_blink/pac/demo0.hpp>
#include <esp_blink/pac/demo1.hpp>

#include "register_file_fake.hpp"

#include <gtest/gtest.h>

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
  static_assert(static_cast<uint32_t>(demo0::ctrl::mode::values::sleep) == 2);
  // One enum type per field: shared by the derived peripheral, separate from a cluster's.
  static_assert(detail::is_same_v<demo0::ctrl::mode::values, pac::demo0_ctrl_mode>);
  static_assert(detail::is_same_v<demo1::ctrl::mode::values, pac::demo0_ctrl_mode>);
  static_assert(detail::is_same_v<demo0::ch<2>::conf::mode::values, pac::demo0_ch_conf_mode>);
  static_assert(detail::is_same_v<demo0::ctrl::en::values, uint32_t>);  // no named values
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

TEST(generator_fixture, fields_mask_is_the_union_of_the_fields) {
  static_assert(demo0::ctrl::fields_mask == 0x80000031u);
  static_assert(demo0::int_raw::fields_mask == 0x1500u);  // field array: bits 8, 10, 12
  static_assert(demo0::slot<2>::fields_mask == 0x3FFFFu);
  SUCCEED();
}

TEST(generator_fixture, packer_builds_the_word_write_would_store) {
  using slot = demo0::slot<3>;
  // Over the reset value (KIND = BYTE); constants checked against the field at compile time,
  // run-time values in a constant expression too (a too-wide one does not compile).
  static_assert(slot::pack(slot::data::value<0x1234>()) == 0x00011234u);
  static_assert(slot::pack(slot::kind::value<slot::kind::values::word>(),
                           slot::data::dynamic(0xFFFFu)) == 0x0003FFFFu);
  static_assert(slot::merge(0xFFFFFFFFu, slot::kind::value<slot::kind::values::empty>()) ==
                0xFFFCFFFFu);
  static_assert(slot::kind::extract(0x00030000u) == pac::demo0_slot_kind::word);
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  slot::write(slot::data::value<7>());
  EXPECT_EQ(fake.peek(0x40001014), slot::pack(slot::data::value<7>()));
}

TEST(generator_fixture, register_arrays_are_indexed_at_run_time_from_their_first_index) {
  using slots = demo0::slot_array;  // SLOT2, SLOT3
  using word = slots::element;
  static_assert(detail::is_same_v<word, demo0::slot<2>>);
  static_assert(slots::size == 2 && slots::first_index == 2);
  static_assert(slots::address(2) == 0x40001010 && slots::address(3) == 0x40001014);
  static_assert(demo1::slot_array::address(3) == 0x40002014);
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  for (unsigned i = slots::first_index; i < slots::first_index + slots::size; ++i) {
    slots::write(i, word::data::dynamic(i * 100u), word::kind::dynamic(pac::demo0_slot_kind::word));
  }
  ASSERT_EQ(fake.log.size(), 2u);  // one store each
  EXPECT_EQ(fake.log[0].address, 0x40001010u);
  EXPECT_EQ(fake.log[0].value, 0x00030000u | 200u);
  EXPECT_EQ(fake.log[1].address, 0x40001014u);
  EXPECT_EQ(fake.log[1].value, 0x00030000u | 300u);
  slots::modify(3, word::kind::value<word::kind::values::empty>());
  EXPECT_EQ(fake.peek(0x40001014), 300u);
  EXPECT_EQ(word::data::extract(slots::read(3)), 300u);
  EXPECT_EQ(word::kind::extract(slots::read(2)), pac::demo0_slot_kind::word);
}

TEST(generator_fixture_death, register_array_index_below_the_first_panics) {
  test::register_file_fake fake;
  mmio::host_bus_guard guard(fake);
  volatile unsigned one = 1;  // SLOT1 does not exist: the array starts at SLOT2
  EXPECT_DEATH((void)demo0::slot_array::read(one), "register array index out of range");
}

}  // namespace
