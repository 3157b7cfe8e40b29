// The ESP32-C3's peripherals as the firmware sees them: one model per peripheral, each behind
// its base address in one address map (see peripheral_model.hpp for the interface).
//
// Time is virtual: the machine passes the cycle count into every access. The models are plain
// C++ with no Unicorn dependency, so tests can drive them directly. An access to a block no
// model claims is kept as storage and reported once per address.
//
// Interrupts: update(now) brings the time-driven state up to `now` (SYSTIMER alarm, scheduled
// GPIO and UART stimulus, UART timeouts) and feeds every source's level to the interrupt
// matrix; the machine calls it when an access or the passing of time may have changed a level
// (needs_update) and asks ready_line() which CPU line it would take.
#pragma once

#include "adc_model.hpp"
#include "gpio_model.hpp"
#include "i2c_model.hpp"
#include "intmatrix_model.hpp"
#include "ledc_model.hpp"
#include "peripheral_model.hpp"
#include "rmt_model.hpp"
#include "spi2_model.hpp"
#include "ssd1306_model.hpp"
#include "systimer_model.hpp"
#include "uart_model.hpp"
#include "usb_serial_jtag_model.hpp"
#include "watchdog_models.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace esp_blink::emu {

class peripherals {
 public:
  explicit peripherals(clock_config clocks = {});
  // The models hold references into this object.
  peripherals(const peripherals&) = delete;
  peripherals& operator=(const peripherals&) = delete;

  /// An access from the CPU. `now_cycles` is the virtual time of the access.
  uint32_t read(uint32_t address, uint64_t now_cycles);
  void write(uint32_t address, uint32_t value, uint64_t now_cycles);

  // Observations.
  const std::string& uart0_output() const { return uart0_.output(); }
  /// What UART1 sent on a pin: bytes sent while its TXD signal reached no GPIO through the
  /// matrix are reported and not here.
  const std::string& uart1_output() const { return uart1_pin_output_; }
  /// Instructions executed when the first UART0 byte was queued (0: none yet).
  uint64_t first_uart0_byte_instructions() const { return uart0_.first_byte_instructions(); }
  const std::vector<gpio_edge>& edges() const { return gpio_.edges(); }
  uint32_t uart0_baud() const { return uart0_.baud(); }
  const watchdog_state& rtc_wdt() const { return rtc_cntl_.rtc_wdt(); }
  const watchdog_state& super_wdt() const { return rtc_cntl_.super_wdt(); }
  const watchdog_state& timg_wdt(unsigned n) const { return timg_[n].wdt(); }
  /// The earliest cycle at which a watchdog the firmware enabled resets the chip (UINT64_MAX:
  /// none will), and the reset reason it reports.
  uint64_t watchdog_reset_cycle() const;
  uint8_t watchdog_reset_reason() const;
  /// A reset of the digital core at `now` with `reason` (RESET_STATE.RESET_CAUSE_PROCPU):
  /// registers back to their reset values, the RTC domain kept unless `keep_rtc` is false,
  /// every watchdog restarted. What the models observed (UART output, edges) is kept.
  void chip_reset(uint8_t reason, bool keep_rtc, uint64_t now);
  /// The CPU clock SYSTEM selects (CPU_PER_CONF, SYSCLK_CONF), in Hz.
  uint32_t cpu_hz() const;
  /// Virtual-time cycles one instruction takes: the time base (clock_config::cpu_hz, the
  /// fastest CPU clock) over the CPU clock SYSTEM selects; 1 at 160 MHz, 2 at 80 MHz.
  uint64_t cycles_per_instruction() const { return cycles_per_instruction_; }
  const std::set<uint32_t>& unmodelled() const { return unmodelled_; }
  /// Says `what` through on_report, as the models do.
  void report(const std::string& what) const { ctx_.report(what); }
  /// The first watchdog still running `timeout` cycles after its last feed, or nullptr.
  /// (The emulator's timeout is a model parameter, not the chip's stage-0 period.)
  const char* expired_watchdog(uint64_t now, uint64_t timeout) const;
  bool pin_output_enabled(unsigned pin) const { return gpio_.output_enabled(pin); }
  bool pin_level(unsigned pin) const { return gpio_.level(pin); }
  uint32_t rmt_transmissions() const { return rmt_.transmissions(); }
  i2c_controller& i2c0() { return i2c0_.controller(); }
  spi2_model& spi2() { return spi2_; }
  /// Puts an SSD1306 on SPI2's CS0 with its D/C line on GPIO `dc_pin`.
  ssd1306_model& attach_ssd1306(unsigned dc_pin);
  const ssd1306_model* display() const { return display_.get(); }
  const std::string& usb_serial_jtag_output() const { return usb_.output(); }
  void inject_usb_serial_jtag_rx(const std::string& bytes) { usb_.inject_rx(bytes); }
  uint64_t systimer_ticks(uint64_t cycles) const { return systimer_.ticks(cycles); }
  const ledc_model& ledc() const { return ledc_; }
  adc_model& adc() { return adc_; }
  /// Brings waveforms generated ahead of the CPU (LEDC) up to `now`; the run ends with it.
  void flush_outputs(uint64_t now) { ledc_.advance(now); }

  // Interrupts.
  bool needs_update(uint64_t now) const { return dirty_ || now >= next_event_; }
  void update(uint64_t now);
  /// The earliest cycle at which time alone changes a source (UINT64_MAX: never).
  uint64_t next_event_cycle() const { return next_event_; }
  /// The line the CPU would take, as of the last update().
  unsigned ready_line() const { return ready_line_; }
  const intmatrix_model& intmatrix() const { return intmatrix_; }
  uint64_t uart0_rx_overruns() const { return uart0_.rx_overruns(); }

  // Stimulus and hooks.
  /// Input `pin` (not driven by the firmware) goes to `level` at `cycle`.
  void schedule_gpio_input(unsigned pin, bool level, uint64_t cycle);
  /// `bytes` start arriving on UART0 RXD at `cycle`, one per 10 bit times.
  void schedule_uart0_rx(const std::string& bytes, uint64_t cycle) {
    uart0_.schedule_rx(bytes, cycle);
    dirty_ = true;
  }
  void inject_uart0_rx(const std::string& bytes) { uart0_.inject_rx(bytes); }
  void set_input_levels(uint32_t levels) { gpio_.set_input_levels(levels); }
  /// The machine's instruction count, stamped on edges and the first UART byte.
  void set_instructions(uint64_t n) { ctx_.instructions = n; }
  std::function<void(char)> on_uart0_byte;
  std::function<void(char)> on_uart1_byte;  // only bytes that reach a pin
  std::function<void(char)> on_usb_serial_jtag_byte;
  std::function<void(const gpio_edge&)> on_edge;
  std::function<void(const std::string&)> on_report;  // unmodelled accesses, dropped writes

  /// Cycles an idle wait may skip: set when the firmware polls the SYSTIMER alarm (or the RMT's
  /// TX_END) twice in a row with nothing else in between; the machine adds them to virtual time.
  uint64_t take_idle_skip() {
    const uint64_t s = ctx_.idle_skip;
    ctx_.idle_skip = 0;
    return s;
  }

 private:
  /// The model for the block holding `address`, or nullptr.
  peripheral_model* model_at(uint32_t address) const;
  void unmodelled_access(uint32_t address, const std::string& what);

  model_context ctx_;
  gpio_model gpio_;
  uart_model uart0_;
  uart_model uart1_;
  std::string uart1_pin_output_;
  /// The GPIO whose output the matrix takes from `signal` (FUNCn_OUT_SEL), or -1.
  int pin_driven_by(uint32_t signal) const;
  systimer_model systimer_;
  rmt_model rmt_;
  rtc_cntl_model rtc_cntl_;
  timg_model timg_[2];
  i2c_model i2c0_;
  spi2_model spi2_;
  usb_serial_jtag_model usb_;
  rng_model rng_;
  ledc_model ledc_;
  adc_model adc_;
  std::unique_ptr<ssd1306_model> display_;
  storage_model io_mux_, system_;
  intmatrix_model intmatrix_;
  struct gpio_event {
    uint64_t cycle;
    unsigned pin;
    bool level;
  };
  std::vector<gpio_event> gpio_events_;  // sorted by cycle, earliest last
  bool dirty_ = true;
  unsigned ready_line_ = 0;
  uint64_t next_event_ = 0;
  std::array<peripheral_model*, mmio_size / block_size> map_{};  // by (address - mmio_base) / 4K
  std::set<uint32_t> unmodelled_;
  uint64_t cycles_per_instruction_ = 1;
  void update_cpu_clock();
  bool last_access_was_read_ = false;
  uint32_t last_read_address_ = 0;
};

}  // namespace esp_blink::emu
