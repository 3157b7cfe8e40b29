// Typed registers and fields: what the generated peripheral headers are made of.
//
// A register type carries its address, access and reset value; a field type its position,
// width and access. Misuse is a compile error:
//   - reading a write-only register or field, writing a read-only one;
//   - a constant field value that does not fit the field (`field::value<V>()`);
//   - mixing fields of two registers, or naming one field twice, in one write.
// A write of several fields is one store:
//   gpio::func_out_sel_cfg<8>::write(gpio::func_out_sel_cfg<8>::out_sel::value<128>(),
//                                     gpio::func_out_sel_cfg<8>::oen_sel::value<0>());
#pragma once

#include <stdint.h>

#include <esp_blink/detail/traits.hpp>
#include <esp_blink/mmio.hpp>

namespace esp_blink {

enum class access : uint8_t { read_only, write_only, read_write };

constexpr bool readable(access a) { return a != access::write_only; }
constexpr bool writable(access a) { return a != access::read_only; }

// A value destined for one field, already shifted into place. Only fields make these.
template <typename Field>
struct field_value {
  using field_type = Field;
  uint32_t bits;
};

namespace detail {

template <typename Value>
inline constexpr uint32_t mask_of = Value::field_type::mask;

// True when no two values name overlapping bits.
template <typename... Values>
constexpr bool disjoint() {
  uint32_t seen = 0;
  bool ok = true;
  ((ok = ok && (seen & mask_of<Values>) == 0, seen |= mask_of<Values>), ...);
  return ok;
}

}  // namespace detail

// One 32-bit register at a fixed address.
template <uint32_t Address, access Access, uint32_t Reset>
struct reg {
  static constexpr uint32_t address = Address;
  static constexpr access access_mode = Access;
  static constexpr uint32_t reset_value = Reset;

  /// The whole register. Does not compile for a write-only register.
  static uint32_t read() {
    static_assert(readable(Access), "esp_blink: register is write-only");
    return mmio::read(Address);
  }

  /// Stores a raw word. Does not compile for a read-only register.
  static void write_raw(uint32_t value) {
    static_assert(writable(Access), "esp_blink: register is read-only");
    mmio::write(Address, value);
  }

  /// Stores the reset value with the given fields replaced: one store, no read.
  template <typename... Values>
  static void write(Values... values) {
    check<Values...>();
    write_raw(merge(Reset, values...));
  }

  /// Reads once, replaces the given fields, stores once. Other fields keep their value.
  template <typename... Values>
  static void modify(Values... values) {
    static_assert(readable(Access), "esp_blink: modify() needs a readable register");
    check<Values...>();
    write_raw(merge(mmio::read(Address), values...));
  }

 private:
  template <typename... Values>
  static constexpr void check() {
    static_assert(sizeof...(Values) > 0, "esp_blink: name at least one field");
    static_assert(detail::all_of_v<(Values::field_type::register_address == Address)...>,
                  "esp_blink: field belongs to another register");
    static_assert(detail::disjoint<Values...>(), "esp_blink: a field is named twice");
  }

  template <typename... Values>
  static constexpr uint32_t merge(uint32_t base, Values... values) {
    constexpr uint32_t cleared = (0u | ... | detail::mask_of<Values>);
    return (base & ~cleared) | (0u | ... | values.bits);
  }
};

// Bits [Offset, Offset + Width) of the register at RegisterAddress. The generator gives a
// field the narrower of its own and its register's access, so the field alone decides.
// (The register is named by address, not type, so a field can be declared inside its
// register's still-incomplete definition.)
template <uint32_t RegisterAddress, unsigned Offset, unsigned Width, access Access>
struct field {
  static_assert(Width >= 1 && Offset + Width <= 32, "esp_blink: field outside 32 bits");

  static constexpr uint32_t register_address = RegisterAddress;
  static constexpr unsigned offset = Offset;
  static constexpr unsigned width = Width;
  static constexpr access access_mode = Access;
  static constexpr uint32_t max = Width == 32 ? 0xFFFFFFFFu : (1u << Width) - 1u;
  static constexpr uint32_t mask = max << Offset;

  /// A constant value; a value wider than the field does not compile.
  template <uint32_t V>
  static constexpr field_value<field> value() {
    static_assert(writable(Access), "esp_blink: field is read-only");
    static_assert(V <= max, "esp_blink: constant does not fit the field");
    return field_value<field>{V << Offset};
  }

  /// A run-time value; bits beyond the field's width are dropped.
  static constexpr field_value<field> dynamic(uint32_t v) {
    static_assert(writable(Access), "esp_blink: field is read-only");
    return field_value<field>{(v & max) << Offset};
  }

  /// The field out of a word read from the register.
  static constexpr uint32_t extract(uint32_t word) { return (word >> Offset) & max; }

  /// Reads the register and returns this field.
  static uint32_t read() {
    static_assert(readable(Access), "esp_blink: field is write-only");
    return extract(mmio::read(RegisterAddress));
  }
};

}  // namespace esp_blink
