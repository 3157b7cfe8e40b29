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
// `pack` builds the same word without storing it; a `reg_array` is a dim array of registers
// indexed at run time (the generator emits `comd_array` beside `comd<N>`):
//   using comd = pac::i2c0::comd_array;
//   comd::write(i, comd::element::op_code::dynamic(code), comd::element::byte_num::dynamic(n));
#pragma once

#include <esp_blink/detail/traits.hpp>
#include <esp_blink/mmio.hpp>
#include <esp_blink/panic.hpp>

#include <stdint.h>

namespace esp_blink {

/// What a register or field allows: reading, writing, or both.
enum class access : uint8_t { read_only, write_only, read_write };

/// Whether `a` permits reading.
constexpr bool readable(access a) {
  return a != access::write_only;
}
/// Whether `a` permits writing.
constexpr bool writable(access a) {
  return a != access::read_only;
}

/// A value destined for one field, already shifted into place. Only fields make these.
template <typename Field>
struct field_value {
  /// The field this value is for.
  using field_type = Field;
  /// The value shifted to the field's offset; other bits zero.
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

// Not constexpr on purpose: a dynamic() value too wide for its field, met while evaluating a
// constant expression, calls this and so makes the expression (and the build) fail.
inline void value_does_not_fit_the_field() {}

// A register array index out of range. On the chip a trap: one instruction, and the trap
// report names the faulting pc (a panic would link the handler and a message into every
// image that indexes an array). On the host a panic, so a test can expect the message. Not
// constexpr either: in a constant expression the bad index does not compile.
[[noreturn]] inline void index_out_of_range() {
#if ESP_BLINK_TARGET
  __builtin_trap();
#else
  panic("esp_blink: register array index out of range");
#endif
}

}  // namespace detail

/// One 32-bit register at a fixed address.
template <uint32_t Address, access Access, uint32_t Reset>
struct reg {
  /// The register's address.
  static constexpr uint32_t address = Address;
  /// Whether the register may be read, written or both.
  static constexpr access access_mode = Access;
  /// The value after reset; write() and pack() keep it in the fields they are not given.
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
    write_raw(pack(values...));
  }

  /// Reads once, replaces the given fields, stores once. Other fields keep their value.
  template <typename... Values>
  static void modify(Values... values) {
    static_assert(readable(Access), "esp_blink: modify() needs a readable register");
    write_raw(merge(mmio::read(Address), values...));
  }

  /// The word write(values...) stores: the reset value with the given fields replaced.
  /// Constant in, constant out, so a packed word can be a static_assert's subject.
  template <typename... Values>
  static constexpr uint32_t pack(Values... values) {
    return merge(Reset, values...);
  }

  /// `word` with the given fields replaced, the others kept: what modify() stores.
  template <typename... Values>
  static constexpr uint32_t merge(uint32_t word, Values... values) {
    static_assert(sizeof...(Values) > 0, "esp_blink: name at least one field");
    static_assert(detail::all_of_v<(Values::field_type::register_address == Address)...>,
                  "esp_blink: field belongs to another register");
    static_assert(detail::disjoint<Values...>(), "esp_blink: a field is named twice");
    constexpr uint32_t cleared = (0u | ... | detail::mask_of<Values>);
    return (word & ~cleared) | (0u | ... | values.bits);
  }
};

/// Count registers of one layout, Stride bytes apart, numbered from FirstIndex, indexed at run
/// time: svd2rust's comd(n) where reg<...> is comd<N>. Element is the first register's type;
/// its fields name the bits of every element and are what write(), modify() and pack() take
/// (field::read() reads the first element only: read element i as Field::extract(read(i))).
/// An index outside [FirstIndex, FirstIndex + Count) stops the program (index_out_of_range)
/// rather than touch another register.
template <typename Element, uint32_t Stride, unsigned Count, unsigned FirstIndex = 0>
struct reg_array {
  /// The first register's type; its fields describe every element.
  using element = Element;
  /// The number of registers.
  static constexpr unsigned size = Count;
  /// The index of the first register.
  static constexpr unsigned first_index = FirstIndex;

  /// The address of register `index`; outside the array, index_out_of_range().
  static constexpr uint32_t address(unsigned index) {
    // Unsigned: an index below FirstIndex wraps to a large position and fails the check too.
    const unsigned position = index - FirstIndex;
    if (position >= Count) [[unlikely]] {
      detail::index_out_of_range();
    }
    return Element::address + Stride * position;
  }

  /// Reads register `index` whole. Does not compile for a write-only register.
  static uint32_t read(unsigned index) {
    static_assert(readable(Element::access_mode), "esp_blink: register is write-only");
    return mmio::read(address(index));
  }

  /// Stores a raw word in register `index`. Does not compile for a read-only register.
  static void write_raw(unsigned index, uint32_t value) {
    static_assert(writable(Element::access_mode), "esp_blink: register is read-only");
    mmio::write(address(index), value);
  }

  /// As reg::write, on register `index`.
  template <typename... Values>
  static void write(unsigned index, Values... values) {
    write_raw(index, Element::pack(values...));
  }

  /// As reg::modify, on register `index`.
  template <typename... Values>
  static void modify(unsigned index, Values... values) {
    static_assert(readable(Element::access_mode), "esp_blink: modify() needs a readable register");
    const uint32_t at = address(index);
    mmio::write(at, Element::merge(mmio::read(at), values...));
  }
};

/// Bits [Offset, Offset + Width) of the register at RegisterAddress. The generator gives a
/// field the narrower of its own and its register's access, so the field alone decides.
/// (The register is named by address, not type, so a field can be declared inside its
/// register's still-incomplete definition.) Values is uint32_t, or the enum class of the
/// values the SVD names (I2C COMD OP_CODE): then only those values go in and come out.
template <uint32_t RegisterAddress, unsigned Offset, unsigned Width, access Access,
          typename Values = uint32_t>
struct field {
  static_assert(Width >= 1 && Offset + Width <= 32, "esp_blink: field outside 32 bits");

  /// The address of the register holding the field.
  static constexpr uint32_t register_address = RegisterAddress;
  /// The lowest bit of the field.
  static constexpr unsigned offset = Offset;
  /// The number of bits.
  static constexpr unsigned width = Width;
  /// Whether the field may be read, written or both.
  static constexpr access access_mode = Access;
  /// The largest value that fits.
  static constexpr uint32_t max = Width == 32 ? 0xFFFFFFFFu : (1u << Width) - 1u;
  /// The field's bits within the register.
  static constexpr uint32_t mask = max << Offset;
  /// The type values go in and come out as: uint32_t or an enum class.
  using values = Values;

  /// A constant value; a value wider than the field does not compile.
  template <Values V>
  static constexpr field_value<field> value() {
    static_assert(writable(Access), "esp_blink: field is read-only");
    static_assert(static_cast<uint32_t>(V) <= max, "esp_blink: constant does not fit the field");
    return field_value<field>{static_cast<uint32_t>(V) << Offset};
  }

  /// A run-time value; bits beyond the field's width are dropped. In a constant expression a
  /// value wider than the field does not compile.
  static constexpr field_value<field> dynamic(Values v) {
    static_assert(writable(Access), "esp_blink: field is read-only");
    const uint32_t raw = static_cast<uint32_t>(v);
    if (__builtin_is_constant_evaluated() && raw > max) detail::value_does_not_fit_the_field();
    return field_value<field>{(raw & max) << Offset};
  }

  /// The field out of a word read from the register.
  static constexpr Values extract(uint32_t word) {
    return static_cast<Values>((word >> Offset) & max);
  }

  /// Reads the register and returns this field.
  static Values read() {
    static_assert(readable(Access), "esp_blink: field is write-only");
    return extract(mmio::read(RegisterAddress));
  }
};

}  // namespace esp_blink
