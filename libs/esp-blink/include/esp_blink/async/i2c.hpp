// I2C transactions for tasks: the controller runs the command list on its own and raises
// I2C_EXT0 when it ends; the task sleeps meanwhile instead of polling INT_RAW.
//
//   ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::i2c_ext0, esp_blink::async::on_i2c}, ...);
//   esp_blink::i2c::master<6, 5> bus;
//   uint8_t reg = 0x00, value[2];
//   if (co_await esp_blink::async::i2c_write_read(bus, 0x48, &reg, 1, value, 2) != ok) ...
//
// One transaction at a time on I2C0 (one controller, one completion signal). A transaction
// must fit one command list (i2c::master::start: a few bytes per operation, a sensor register
// read or write); a longer one completes at once with error_kind::other, and the blocking
// master::transaction is the way to run it. An awaitable dropped while its transaction runs
// (the losing side of a select) stops the controller and closes the bus with a STOP.
#pragma once

#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/signal.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/i2c0.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::async {

namespace detail {
inline interrupt_signal<uint32_t> i2c0_done;  // completed with the INT_RAW bits
}  // namespace detail

/// The I2C_EXT0 handler: quiets the level source and hands INT_RAW to the waiting task.
inline void on_i2c() {
  using regs = pac::i2c0;
  const uint32_t bits = regs::int_raw::read();
  regs::int_ena::write_raw(0);
  detail::i2c0_done.complete(bits);
}

/// The awaitable of one transaction on `Bus` (an i2c::master): completes with its result.
template <typename Bus>
class i2c_transaction_op {
 public:
  /// A transaction with the device at `address` of the first `count` (1 or 2) of `first`,
  /// `second`; nothing happens before the first poll.
  i2c_transaction_op(Bus& bus, uint8_t address, hal::i2c_operation first, hal::i2c_operation second,
                     size_t count) noexcept
      : bus_(&bus),
        ops_{first, second},
        count_(count),
        address_(address),
        wait_(detail::i2c0_done.wait()) {}
  /// Before the first poll only (a combinator taking its parts by value).
  i2c_transaction_op(i2c_transaction_op&& other) noexcept
      : bus_(other.bus_),
        ops_{other.ops_[0], other.ops_[1]},
        count_(other.count_),
        address_(other.address_),
        wait_(::esp_blink::detail::move(other.wait_)) {}
  i2c_transaction_op(const i2c_transaction_op&) = delete;
  i2c_transaction_op& operator=(const i2c_transaction_op&) = delete;
  i2c_transaction_op& operator=(i2c_transaction_op&&) = delete;
  ~i2c_transaction_op() {
    if (state_ == state::running) bus_->abandon();
  }

  /// Pollable protocol: starts the transaction at the first poll, ready once the completion
  /// interrupt has come (or at once if the start failed).
  bool poll(const waker& w) {
    if (state_ == state::not_started) {
      detail::i2c0_done.reset();  // a completion left over from an abandoned transaction
      result_ = bus_->start(address_, ops_, count_);
      state_ = result_ == hal::error_kind::ok ? state::running : state::finished;
    }
    if (state_ == state::finished) return true;
    if (!wait_.poll(w)) return false;
    state_ = state::finished;
    result_ = bus_->finish(wait_.take());
    return true;
  }
  /// Pollable protocol: the transaction's result (`error_kind::ok` on success).
  hal::error_kind take() noexcept { return result_; }

 private:
  enum class state : uint8_t { not_started, running, finished };

  Bus* bus_;
  hal::i2c_operation ops_[2];
  size_t count_;
  uint8_t address_;
  state state_ = state::not_started;
  hal::error_kind result_ = hal::error_kind::ok;
  interrupt_signal<uint32_t>::wait_op wait_;
};

/// Writes `n` bytes of `data` to the device at `address`.
template <typename Bus>
i2c_transaction_op<Bus> i2c_write(Bus& bus, uint8_t address, const uint8_t* data, size_t n) {
  return {bus, address, hal::i2c_operation::write(data, n), {}, 1};
}

/// Reads `n` bytes from the device at `address` into `data`.
template <typename Bus>
i2c_transaction_op<Bus> i2c_read(Bus& bus, uint8_t address, uint8_t* data, size_t n) {
  return {bus, address, hal::i2c_operation::read(data, n), {}, 1};
}

/// Writes `out`, then (repeated START) reads `in`: a register read.
template <typename Bus>
i2c_transaction_op<Bus> i2c_write_read(Bus& bus, uint8_t address, const uint8_t* out, size_t out_n,
                                       uint8_t* in, size_t in_n) {
  return {bus, address, hal::i2c_operation::write(out, out_n), hal::i2c_operation::read(in, in_n),
          2};
}

}  // namespace esp_blink::async
