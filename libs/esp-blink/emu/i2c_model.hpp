// I2C0 controller model: executes the COMD command list on TRANS_START against attached
// devices, with the TX/RX FIFOs, done bits and raw interrupt bits the driver polls.
// `i2c_controller` is the controller alone (tests drive it directly); `i2c_model` puts it in the
// peripheral address map behind SYSTEM's clock gate.
#pragma once

#include "peripheral_model.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace esp_blink::emu {

/// A device on the emulated bus. Address matching is the controller's job.
class i2c_device {
 public:
  virtual ~i2c_device() = default;
  virtual void start(bool reading) = 0;
  virtual bool write(uint8_t byte) = 0;  // true: ACK
  virtual uint8_t read() = 0;
  virtual void stop() = 0;
};

/// TI TMP102 temperature sensor (datasheet SBOS397): pointer register, then 16-bit registers
/// MSB first. Temperature is 12-bit two's complement in 1/16 degC, left-justified.
class tmp102 final : public i2c_device {
 public:
  explicit tmp102(double celsius) : celsius_(celsius) {}
  void start(bool reading) override;
  bool write(uint8_t byte) override;
  uint8_t read() override;
  void stop() override {}

  uint16_t register_value(uint8_t pointer) const;
  double celsius() const { return celsius_; }

 private:
  double celsius_;
  uint8_t pointer_ = 0;
  int written_ = 0;  // bytes written since START (the first is the pointer)
  int read_index_ = 0;
  uint16_t config_ = 0x60A0, t_low_ = 0x4B00, t_high_ = 0x5000;
};

class i2c_controller {
 public:
  uint32_t read(uint32_t offset);
  void write(uint32_t offset, uint32_t value);

  void attach(uint8_t address, std::unique_ptr<i2c_device> device);
  uint32_t recovery_pulses() const { return recovery_pulses_; }
  uint32_t transactions() const { return transactions_; }
  /// The I2C_EXT0 interrupt source: INT_RAW & INT_ENA (raised when a transaction completes).
  bool interrupt() const;
  std::function<void(const std::string&)> on_report;

 private:
  void execute();
  void report(const std::string& what) {
    if (on_report) on_report(what);
  }

  std::map<uint8_t, std::unique_ptr<i2c_device>> devices_;
  std::map<uint32_t, uint32_t> regs_;
  uint32_t comd_[8] = {};
  std::deque<uint8_t> tx_, rx_;
  uint32_t int_raw_ = 0;
  i2c_device* current_ = nullptr;
  bool expect_address_ = false;
  uint32_t recovery_pulses_ = 0;
  uint32_t transactions_ = 0;
};

inline constexpr uint32_t i2c0_base = 0x60013000;

class i2c_model final : public peripheral_model {
 public:
  explicit i2c_model(model_context& ctx);

  uint32_t read(uint32_t offset, uint64_t) override { return controller_.read(offset); }
  void write(uint32_t offset, uint32_t value, uint64_t) override;

  i2c_controller& controller() { return controller_; }

 private:
  model_context& ctx_;
  i2c_controller controller_;
};

}  // namespace esp_blink::emu
