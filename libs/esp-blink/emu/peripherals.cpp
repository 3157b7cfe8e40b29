// The address map from each peripheral's base address to its model.
#include "peripherals.hpp"

#include <cstdio>

namespace esp_blink::emu {
namespace {

// Base addresses: docs/esp32c3.md, one section per peripheral.
constexpr uint32_t io_mux_base = 0x60009000, system_base = 0x600C0000;

}  // namespace

std::string hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", value);
  return buf;
}

bool model_context::clocked(unsigned gate_bit) const {
  const uint32_t clk = regs.peek(system_base + 0x10), rst = regs.peek(system_base + 0x18);
  return ((clk >> gate_bit) & 1u) != 0 && ((rst >> gate_bit) & 1u) == 0;
}

peripherals::peripherals(clock_config clocks)
    : ctx_(clocks),
      gpio_(ctx_),
      uart0_(ctx_),
      uart1_(ctx_, uart1_base),
      systimer_(ctx_),
      rmt_(ctx_, gpio_),
      rtc_cntl_(ctx_),
      timg_{timg_model(ctx_, timg0_base), timg_model(ctx_, timg1_base)},
      i2c0_(ctx_),
      spi2_(ctx_),
      usb_(ctx_),
      rng_(ctx_),
      ledc_(ctx_, gpio_),
      adc_(ctx_),
      io_mux_(ctx_, io_mux_base),
      system_(ctx_, system_base),
      intmatrix_(ctx_) {
  const std::pair<uint32_t, peripheral_model*> blocks[] = {
      {uart0_base, &uart0_},       {uart1_base, &uart1_},         {gpio_base, &gpio_},
      {rtc_cntl_base, &rtc_cntl_}, {io_mux_base, &io_mux_},       {i2c0_base, &i2c0_},
      {rmt_base, &rmt_},           {timg0_base, &timg_[0]},       {timg1_base, &timg_[1]},
      {systimer_base, &systimer_}, {system_base, &system_},       {intmatrix_base, &intmatrix_},
      {spi2_base, &spi2_},         {usb_serial_jtag_base, &usb_}, {rng_base, &rng_},
      {ledc_base, &ledc_},         {apb_saradc_base, &adc_},
  };
  for (const auto& [base, model] : blocks) map_[(base - mmio_base) / block_size] = model;
  update_cpu_clock();
  ctx_.on_report = [this](const std::string& what) {
    if (on_report) on_report(what);
  };
  gpio_.on_edge = [this](const gpio_edge& e) {
    if (on_edge) on_edge(e);
  };
  uart0_.on_byte = [this](char c) {
    if (on_uart0_byte) on_uart0_byte(c);
  };
  uart1_.on_byte = [this](char c) {
    constexpr uint32_t u1txd = 9;  // UART1's TX output signal in the GPIO matrix
    if (pin_driven_by(u1txd) < 0) {
      ctx_.report("UART1 byte on no pin: route U1TXD (signal 9) through the GPIO matrix");
      return;
    }
    uart1_pin_output_.push_back(c);
    if (on_uart1_byte) on_uart1_byte(c);
  };
  usb_.on_byte = [this](char c) {
    if (on_usb_serial_jtag_byte) on_usb_serial_jtag_byte(c);
  };
}

int peripherals::pin_driven_by(uint32_t signal) const {
  for (unsigned pin = 0; pin < 22; ++pin) {
    if ((ctx_.regs.peek(gpio_base + 0x554 + 4 * pin) & 0xFFu) == signal)
      return static_cast<int>(pin);
  }
  return -1;
}

uint32_t peripherals::cpu_hz() const {
  const uint32_t sysclk = ctx_.regs.peek(system_base + 0x58);
  const uint32_t source = (sysclk >> 10) & 3u;  // SOC_CLK_SEL
  if (source == 1) {
    return (ctx_.regs.peek(system_base + 0x08) & 3u) == 1 ? 160'000'000u : 80'000'000u;
  }
  return (source == 0 ? 40'000'000u : 17'500'000u) / ((sysclk & 0x3FFu) + 1u);  // PRE_DIV_CNT
}

void peripherals::update_cpu_clock() {
  const uint64_t per = ctx_.clocks.cpu_hz / cpu_hz();
  cycles_per_instruction_ = per == 0 ? 1 : per;
}

ssd1306_model& peripherals::attach_ssd1306(unsigned dc_pin) {
  display_ = std::make_unique<ssd1306_model>([this, dc_pin] { return gpio_.level(dc_pin); });
  display_->on_report = [this](const std::string& what) { ctx_.report(what); };
  spi2_.attach(display_.get());
  return *display_;
}

peripheral_model* peripherals::model_at(uint32_t address) const {
  if (address < mmio_base || address - mmio_base >= mmio_size) return nullptr;
  return map_[(address - mmio_base) / block_size];
}

void peripherals::unmodelled_access(uint32_t address, const std::string& what) {
  if (unmodelled_.insert(address).second) ctx_.report(what + hex32(address));
}

void peripherals::schedule_gpio_input(unsigned pin, bool level, uint64_t cycle) {
  auto at = gpio_events_.begin();
  while (at != gpio_events_.end() && at->cycle > cycle) ++at;  // after later ones: stays stable
  gpio_events_.insert(at, {cycle, pin, level});
  dirty_ = true;
}

void peripherals::update(uint64_t now) {
  systimer_.advance(now);
  ledc_.advance(now);
  while (!gpio_events_.empty() && gpio_events_.back().cycle <= now) {
    const gpio_event e = gpio_events_.back();
    gpio_events_.pop_back();
    gpio_.set_input(e.pin, e.level, e.cycle);
  }
  uart0_.advance(now);
  gpio_.refresh_level_interrupts();
  uint64_t sources = 0;
  const auto assert_if = [&](bool asserted, unsigned source) {
    if (asserted) sources |= uint64_t{1} << source;
  };
  assert_if(gpio_.interrupt(), source_gpio);
  assert_if(uart0_.interrupt(), source_uart0);
  assert_if(i2c0_.controller().interrupt(), source_i2c_ext0);
  assert_if(systimer_.interrupt(), source_systimer_target0);
  for (unsigned n = 0; n < 4; ++n) {  // SYSTEM CPU_INTR_FROM_CPU_n
    assert_if((ctx_.regs.peek(system_base + 0x28 + 4 * n) & 1u) != 0, source_from_cpu0 + n);
  }
  intmatrix_.set_sources(sources);
  ready_line_ = intmatrix_.ready_line();
  next_event_ = systimer_.next_alarm_cycle();
  if (!gpio_events_.empty() && gpio_events_.back().cycle < next_event_) {
    next_event_ = gpio_events_.back().cycle;
  }
  if (uart0_.next_event_cycle() < next_event_) next_event_ = uart0_.next_event_cycle();
  dirty_ = false;
}

uint32_t peripherals::read(uint32_t address, uint64_t now) {
  ctx_.repeated_read = last_access_was_read_ && last_read_address_ == address;
  last_access_was_read_ = true;
  last_read_address_ = address;
  // Reads with side effects on a source: the UART RX FIFO, SYSTIMER's lazily raised alarm.
  if (address == uart0_base || address == systimer_base + 0x68) dirty_ = true;
  peripheral_model* model = model_at(address);
  if (model != nullptr) return model->read(address & (block_size - 1), now);
  unmodelled_access(address, "read of unmodelled register ");
  return ctx_.regs.read(address);
}

void peripherals::write(uint32_t address, uint32_t value, uint64_t now) {
  last_access_was_read_ = false;
  dirty_ = true;
  peripheral_model* model = model_at(address);
  if (model == &system_) {
    model->write(address & (block_size - 1), value, now);
    return update_cpu_clock();
  }
  if (model != nullptr) return model->write(address & (block_size - 1), value, now);
  unmodelled_access(address, "write " + hex32(value) + " to unmodelled register ");
  ctx_.regs.write(address, value);
}

uint64_t peripherals::watchdog_reset_cycle() const {
  uint64_t at = rtc_cntl_.rtc_wdt().reset_at;
  for (const timg_model& t : timg_) at = t.wdt().reset_at < at ? t.wdt().reset_at : at;
  return at;
}

uint8_t peripherals::watchdog_reset_reason() const {
  const watchdog_state* first = &rtc_cntl_.rtc_wdt();
  for (const timg_model& t : timg_) first = t.wdt().reset_at < first->reset_at ? &t.wdt() : first;
  return first->reset_reason;
}

void peripherals::chip_reset(uint8_t reason, bool keep_rtc, uint64_t now) {
  ctx_.regs.reset_except(rtc_cntl_base, keep_rtc ? block_size : 0);
  uart0_.reset_registers();
  uart1_.reset_registers();
  rtc_cntl_.after_reset(reason, now);
  for (timg_model& t : timg_) t.after_reset(now);
  update_cpu_clock();
  last_access_was_read_ = false;
  dirty_ = true;
}

const char* peripherals::expired_watchdog(uint64_t now, uint64_t timeout) const {
  if (rtc_cntl_.super_wdt().expired(now, timeout)) return "super watchdog";
  if (rtc_cntl_.rtc_wdt().expired(now, timeout)) return "RTC watchdog";
  if (timg_[0].wdt().expired(now, timeout)) return "TIMG0 watchdog";
  if (timg_[1].wdt().expired(now, timeout)) return "TIMG1 watchdog";
  return nullptr;
}

}  // namespace esp_blink::emu
