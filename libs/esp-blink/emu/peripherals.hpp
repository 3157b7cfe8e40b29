// Models of the ESP32-C3 peripherals the firmware touches, behind one MMIO dispatcher.
//
// Time is virtual: the machine passes the cycle count into every access. The models are plain
// C++ with no Unicorn dependency, so tests can drive them directly.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "i2c_model.hpp"

namespace esp_blink::emu {

inline constexpr uint32_t mmio_base = 0x60000000;
inline constexpr uint32_t mmio_size = 0x000D1000;

struct gpio_edge {
  uint64_t cycle;
  uint64_t instructions;
  unsigned pin;
  bool level;
};

struct clock_config {
  uint32_t cpu_hz = 160'000'000;
  uint32_t systimer_hz = 16'000'000;
};

/// One watchdog's state as the models see it.
struct watchdog_state {
  bool enabled = true;         // counting (enable bit or flash-boot mode; super WDT: not fed)
  uint32_t locked_writes = 0;  // writes dropped because the key was not written first
  uint64_t fed_at = 0;         // cycle of the last feed (or of reset)
};

class peripherals {
 public:
  explicit peripherals(clock_config clocks = {});

  /// An access from the CPU. `now_cycles` is the virtual time of the access.
  uint32_t read(uint32_t address, uint64_t now_cycles);
  void write(uint32_t address, uint32_t value, uint64_t now_cycles);

  // Observations.
  const std::string& uart0_output() const { return uart0_tx_; }
  /// Instructions executed when the first UART0 byte was queued (0: none yet).
  uint64_t first_uart0_byte_instructions() const { return first_tx_instructions_; }
  const std::vector<gpio_edge>& edges() const { return edges_; }
  uint32_t uart0_baud() const;
  const watchdog_state& rtc_wdt() const { return rtc_wdt_; }
  const watchdog_state& super_wdt() const { return super_wdt_; }
  const watchdog_state& timg_wdt(unsigned n) const { return timg_wdt_[n]; }
  const std::set<uint32_t>& unmodelled() const { return unmodelled_; }
  /// The first watchdog still running `timeout` cycles after its last feed, or nullptr.
  /// (The emulator's timeout is a model parameter, not the chip's stage-0 period.)
  const char* expired_watchdog(uint64_t now, uint64_t timeout) const;
  bool pin_output_enabled(unsigned pin) const { return (gpio_enable_ >> pin) & 1u; }
  bool pin_level(unsigned pin) const { return (gpio_out_ >> pin) & 1u; }
  uint32_t rmt_transmissions() const { return rmt_transmissions_; }
  i2c_controller& i2c0() { return i2c0_; }

  // Stimulus and hooks.
  void inject_uart0_rx(const std::string& bytes) { uart0_rx_.insert(uart0_rx_.end(), bytes.begin(), bytes.end()); }
  void set_input_levels(uint32_t levels) { gpio_in_ = levels; }
  std::function<void(char)> on_uart0_byte;
  std::function<void(const gpio_edge&)> on_edge;
  std::function<void(const std::string&)> on_report;  // unmodelled accesses, dropped writes
  uint64_t instructions = 0;  // maintained by the machine, stamped on edges

  /// Cycles an idle wait may skip: set when the firmware polls the SYSTIMER alarm twice in a
  /// row with nothing else in between; the machine adds them to virtual time.
  uint64_t take_idle_skip() {
    const uint64_t s = idle_skip_;
    idle_skip_ = 0;
    return s;
  }

  uint64_t systimer_ticks(uint64_t cycles) const;

 private:
  uint32_t& reg(uint32_t address);
  void report(const std::string& what);
  void gpio_write_out(uint32_t new_out, uint64_t now);
  uint32_t uart0_access(uint32_t offset, bool is_write, uint32_t value, uint64_t now);
  uint32_t uart0_tx_fifo_count(uint64_t now);
  uint32_t systimer_read(uint32_t offset, uint64_t now);
  void systimer_write(uint32_t offset, uint32_t value, uint64_t now);
  void rmt_write(uint32_t offset, uint32_t value, uint64_t now);
  uint32_t rmt_read(uint32_t offset, uint64_t now);
  void drive_pin(unsigned pin, bool level, uint64_t cycle);
  bool protected_write(watchdog_state& wdt, uint32_t key_reg, uint32_t key, uint32_t address,
                       uint32_t value, uint64_t now, uint32_t feed_address);
  void refresh_watchdogs();

  clock_config clocks_;
  std::map<uint32_t, uint32_t> regs_;  // every register's last written value
  std::set<uint32_t> unmodelled_;
  bool last_access_was_alarm_poll_ = false;
  bool last_access_was_rmt_poll_ = false;
  uint64_t idle_skip_ = 0;

  // GPIO
  uint32_t gpio_out_ = 0, gpio_enable_ = 0, gpio_in_ = 0;
  std::vector<gpio_edge> edges_;

  // UART0
  std::string uart0_tx_;
  uint64_t first_tx_instructions_ = 0;
  // Cycle at which each byte still in the TX FIFO starts shifting out; the shifter sends one
  // byte (start, 8 data, stop bits) per 10 bit times at the configured baud rate.
  std::deque<uint64_t> uart0_tx_starts_;
  uint64_t uart0_tx_busy_until_ = 0;
  std::deque<char> uart0_rx_;

  // SYSTIMER
  uint64_t latched_ticks_ = 0;
  uint64_t target0_loaded_ = 0;
  bool target0_raw_ = false;
  bool target0_fired_ = false;  // one-shot: fires once per COMP0_LOAD

  watchdog_state rtc_wdt_, super_wdt_, timg_wdt_[2];
  i2c_controller i2c0_;

  // RMT TX channel 0: the pulses of one transmission are laid out in virtual time when it
  // starts; TX_END rises once that time has passed.
  uint64_t rmt_tx_end_cycle_ = 0;
  uint32_t rmt_transmissions_ = 0;
  bool rmt_tx_busy_ = false;
  bool rmt_tx_end_raw_ = false;
  uint32_t peripheral_levels_ = 0;  // pins driven by a peripheral signal, not by GPIO_OUT
};

}  // namespace esp_blink::emu
