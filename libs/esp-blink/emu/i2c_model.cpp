// The I2C0 controller, its place in the address map, and the TMP102 device model.
#include "i2c_model.hpp"

#include <cmath>

namespace esp_blink::emu {
namespace {

// Offsets and bits: docs/esp32c3.md, "I2C0" (the patched COMD layout included).
constexpr uint32_t ctr = 0x04, sr = 0x08, fifo_conf = 0x18, data = 0x1C, int_raw = 0x20,
                   int_clr = 0x24, int_ena = 0x28, int_status = 0x2C, comd0 = 0x58,
                   scl_sp_conf = 0x80;
constexpr uint32_t end_detect = 1u << 3, trans_complete = 1u << 7, nack = 1u << 10,
                   txfifo_ovf = 1u << 11, rxfifo_ovf = 1u << 2, mst_txfifo_udf = 1u << 6;
constexpr uint32_t op_rstart = 6, op_write = 1, op_read = 3, op_stop = 2, op_end = 4;
constexpr size_t fifo_size = 32;
constexpr unsigned clock_gate = 7;  // SYSTEM PERIP_CLK_EN0.I2C_EXT0_CLK_EN

}  // namespace

i2c_model::i2c_model(model_context& ctx) : ctx_(ctx) {
  controller_.on_report = [this](const std::string& what) { ctx_.report(what); };
}

void i2c_model::write(uint32_t offset, uint32_t value, uint64_t) {
  if (!ctx_.clocked(clock_gate)) {
    ctx_.report("I2C0 write " + hex32(value) + " to " + hex32(i2c0_base + offset) +
                " ignored: clock gated or held in reset (SYSTEM PERIP_CLK_EN0/PERIP_RST_EN0)");
    return;
  }
  controller_.write(offset, value);
}

void tmp102::start(bool reading) {
  written_ = 0;
  read_index_ = 0;
  (void)reading;
}

bool tmp102::write(uint8_t byte) {
  if (written_ == 0) {
    pointer_ = byte & 3u;
  } else {
    uint16_t* target = pointer_ == 1   ? &config_
                       : pointer_ == 2 ? &t_low_
                       : pointer_ == 3 ? &t_high_
                                       : nullptr;
    if (target != nullptr) {
      *target = written_ == 1 ? static_cast<uint16_t>(uint32_t{byte} << 8 | (*target & 0xFFu))
                              : static_cast<uint16_t>((*target & 0xFF00u) | byte);
    }
  }
  ++written_;
  return true;
}

uint16_t tmp102::register_value(uint8_t pointer) const {
  switch (pointer) {
    case 0: {
      const auto sixteenths = static_cast<int32_t>(std::lround(celsius_ * 16.0));
      return static_cast<uint16_t>(static_cast<uint32_t>(sixteenths) << 4);
    }
    case 1:
      return config_;
    case 2:
      return t_low_;
    default:
      return t_high_;
  }
}

uint8_t tmp102::read() {
  const uint16_t value = register_value(pointer_);
  const uint8_t byte = static_cast<uint8_t>(read_index_ % 2 == 0 ? value >> 8 : value & 0xFFu);
  ++read_index_;
  return byte;
}

void i2c_controller::attach(uint8_t address, std::unique_ptr<i2c_device> device) {
  devices_[address] = std::move(device);
}

bool i2c_controller::interrupt() const {
  const auto it = regs_.find(int_ena);
  return it != regs_.end() && (int_raw_ & it->second) != 0;
}

uint32_t i2c_controller::read(uint32_t offset) {
  if (offset == data) {
    if (rx_.empty()) {
      report("I2C0 RX FIFO read while empty");
      return 0;
    }
    const uint8_t b = rx_.front();
    rx_.pop_front();
    return b;
  }
  if (offset == sr) {
    return static_cast<uint32_t>(rx_.size()) << 8 | static_cast<uint32_t>(tx_.size()) << 18;
  }
  if (offset == int_raw) return int_raw_;
  if (offset == int_status) return int_raw_ & regs_[int_ena];
  if (offset >= comd0 && offset < comd0 + 32) return comd_[(offset - comd0) / 4];
  return regs_[offset];
}

void i2c_controller::write(uint32_t offset, uint32_t value) {
  if (offset == data) {
    if (tx_.size() >= fifo_size) {
      int_raw_ |= txfifo_ovf;
      report("I2C0 TX FIFO overflow");
      return;
    }
    tx_.push_back(static_cast<uint8_t>(value));
    return;
  }
  if (offset >= comd0 && offset < comd0 + 32) {
    comd_[(offset - comd0) / 4] = value;
    return;
  }
  switch (offset) {
    case int_clr:
      int_raw_ &= ~value;
      return;
    case fifo_conf:
      if (value & (1u << 13)) tx_.clear();
      if (value & (1u << 12)) rx_.clear();
      regs_[offset] = value;
      return;
    case scl_sp_conf:
      if (value & 1u) recovery_pulses_ += (value >> 1) & 0x1Fu;
      regs_[offset] = value & ~1u;  // the pulses go out at once
      return;
    case ctr:
      if (value & (1u << 10)) {  // FSM_RST
        if (current_ != nullptr) current_->stop();
        current_ = nullptr;
      }
      regs_[offset] = value & ~((1u << 5) | (1u << 10) | (1u << 11));
      if (value & (1u << 5)) execute();
      return;
    default:
      regs_[offset] = value;
  }
}

void i2c_controller::execute() {
  for (unsigned i = 0; i < 8; ++i) {
    const uint32_t word = comd_[i];
    const uint32_t code = (word >> 11) & 7u, count = word & 0xFFu;
    const bool ack_check = (word >> 8) & 1u;
    const uint32_t ack_expected = (word >> 9) & 1u, ack_value = (word >> 10) & 1u;
    (void)ack_value;  // what the master answers on reads; a device model has no use for it
    switch (code) {
      case op_rstart:
        if (current_ != nullptr) current_->stop();
        current_ = nullptr;
        expect_address_ = true;
        break;
      case op_write:
        for (uint32_t k = 0; k < count; ++k) {
          if (tx_.empty()) {
            int_raw_ |= mst_txfifo_udf;
            report("I2C0 WRITE command with an empty TX FIFO");
            return;
          }
          const uint8_t byte = tx_.front();
          tx_.pop_front();
          bool acked;
          if (expect_address_) {
            expect_address_ = false;
            const auto it = devices_.find(static_cast<uint8_t>(byte >> 1));
            current_ = it == devices_.end() ? nullptr : it->second.get();
            if (current_ != nullptr) current_->start((byte & 1u) != 0);
            acked = current_ != nullptr;
            ++transactions_;
          } else {
            acked = current_ != nullptr && current_->write(byte);
          }
          if (ack_check && (acked ? 0u : 1u) != ack_expected) {
            int_raw_ |= nack;
            if (current_ != nullptr) current_->stop();
            current_ = nullptr;
            return;  // this command stays not done
          }
        }
        break;
      case op_read:
        for (uint32_t k = 0; k < count; ++k) {
          if (rx_.size() >= fifo_size) {
            int_raw_ |= rxfifo_ovf;
            return;
          }
          rx_.push_back(current_ != nullptr ? current_->read() : 0xFF);  // nobody drives: high
        }
        break;
      case op_stop:
        if (current_ != nullptr) current_->stop();
        current_ = nullptr;
        comd_[i] |= 1u << 31;
        int_raw_ |= trans_complete;
        return;
      case op_end:
        comd_[i] |= 1u << 31;
        int_raw_ |= end_detect;
        return;
      default:
        report("I2C0 unknown command op code " + std::to_string(code));
        return;
    }
    comd_[i] |= 1u << 31;
  }
  report("I2C0 command list ran past COMD7 without STOP or END");
}

}  // namespace esp_blink::emu
