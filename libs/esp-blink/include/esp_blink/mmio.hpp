// The one place where a register address becomes a memory access.
//
// On the chip every access is a volatile 32-bit load or store. On the host (unit tests) the
// same calls go to a register-file fake installed with `host_bus_guard`, so drivers are
// tested unchanged.
#pragma once

#include <stdint.h>

#if defined(__riscv)
#define ESP_BLINK_TARGET 1
#else
#define ESP_BLINK_TARGET 0
#endif

namespace esp_blink::mmio {

#if ESP_BLINK_TARGET

/// Loads the 32-bit register at `address` (a volatile load).
[[gnu::always_inline]] inline uint32_t read(uint32_t address) {
  // Safety: `address` comes from a generated register type, i.e. from the SVD's memory map;
  // a 32-bit aligned peripheral register is always readable as a volatile word.
  return *reinterpret_cast<volatile uint32_t*>(address);
}

/// Stores `value` in the 32-bit register at `address` (a volatile store).
[[gnu::always_inline]] inline void write(uint32_t address, uint32_t value) {
  // Safety: as in read(); the register type has already checked that the register is writable.
  *reinterpret_cast<volatile uint32_t*>(address) = value;
}

#else

/// What a host test puts behind the registers.
class bus {
 public:
  /// Returns the register at `address` as the fake models it.
  virtual uint32_t read(uint32_t address) = 0;
  /// Records a store of `value` to the register at `address`.
  virtual void write(uint32_t address, uint32_t value) = 0;

 protected:
  ~bus() = default;
};

/// The installed fake (host builds); a register access without one traps.
inline bus* host_bus = nullptr;

/// Loads the register at `address` from the installed fake; traps if there is none.
inline uint32_t read(uint32_t address) {
  if (host_bus == nullptr) __builtin_trap();  // a host program touched a register without a fake
  return host_bus->read(address);
}

/// Stores `value` at `address` through the installed fake; traps if there is none.
inline void write(uint32_t address, uint32_t value) {
  if (host_bus == nullptr) __builtin_trap();
  host_bus->write(address, value);
}

/// Installs a fake for the lifetime of the guard (tests are single-threaded per process).
class host_bus_guard {
 public:
  /// Installs `b`; the destructor restores the previously installed fake.
  explicit host_bus_guard(bus& b) : previous_(host_bus) { host_bus = &b; }
  ~host_bus_guard() { host_bus = previous_; }
  host_bus_guard(const host_bus_guard&) = delete;
  host_bus_guard& operator=(const host_bus_guard&) = delete;

 private:
  bus* previous_;
};

#endif

}  // namespace esp_blink::mmio
