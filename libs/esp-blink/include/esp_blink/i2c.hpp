// I2C0 as a master: the C3's command list (COMD0-7) executes START/WRITE/READ/STOP on its own;
// this driver turns a transaction into command lists, in batches that fit the 8 command
// registers and the 32-byte FIFOs, joined by END commands that hold the bus between batches.
//
//   esp_blink::i2c::master<6, 5> bus;                    // SCL on GPIO6, SDA on GPIO5, 100 kHz
//   uint8_t reg = 0x00, value[2];
//   if (bus.write_read(0x48, &reg, 1, value, 2) != esp_blink::hal::error_kind::ok) { ... }
//
// Register layout and op codes: docs/esp32c3.md, "I2C0"; the command word's fields and op codes
// come from the generator's patch table (tools/svd_patches.py) through pac::i2c0.
#pragma once

#include <esp_blink/gpio.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/pac/i2c0.hpp>
#include <esp_blink/pac/system.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink::i2c {

inline constexpr uint32_t source_hz = 40'000'000;  ///< XTAL, CLK_CONF.SCLK_SEL = 0
inline constexpr size_t fifo_size = 32;            ///< Bytes in each of the TX and RX FIFOs.
/// Command registers per list (COMD0-7).
inline constexpr unsigned command_slots = pac::i2c0::comd_array::size;
inline constexpr uint32_t scl_signal = 53;          ///< GPIO matrix signal of I2CEXT0's SCL.
inline constexpr uint32_t sda_signal = 54;          ///< GPIO matrix signal of I2CEXT0's SDA.
inline constexpr uint32_t standard_mode = 100'000;  ///< Standard-mode bus frequency, Hz.
inline constexpr uint32_t fast_mode = 400'000;      ///< Fast-mode bus frequency, Hz.

/// Bus timing in source clock cycles (25 ns).
struct timing {
  uint32_t scl_low;        ///< SCL_LOW_PERIOD: the low phase.
  uint32_t scl_high;       ///< SCL_HIGH_PERIOD; the high phase is this plus scl_wait_high
  uint32_t scl_wait_high;  ///< SCL_WAIT_HIGH_PERIOD: the rest of the high phase.
  uint32_t sda_hold;       ///< after SCL falls, before SDA changes
  uint32_t sda_sample;     ///< after SCL rises, when SDA is sampled
  uint32_t start_hold;     ///< tHD;STA
  uint32_t rstart_setup;   ///< tSU;STA
  uint32_t stop_setup;     ///< tSU;STO
  uint32_t stop_hold;      ///< bus free time after STOP (tBUF)
};

/// SCL low for 55% of the period, high for 45%: the I2C specification's tLOW minimum is the
/// tighter one in both modes (4.7 us of 10 us, 1.3 us of 2.5 us). START/STOP set-up and hold
/// times reuse the phase lengths, which exceed every minimum; SDA changes a quarter into the
/// low phase and is sampled half-way through the high phase.
constexpr timing timing_for(uint32_t bus_hz) {
  const uint32_t period = source_hz / bus_hz;
  const uint32_t low = period / 2 + period / 20;
  const uint32_t high = period - low;
  const uint32_t wait_high = high / 4;
  return {low, high - wait_high, wait_high, low / 4, high / 2, high, low, high, low};
}

/// The C3's command op codes, as the generator emits them from the patch table.
using op = pac::i2c0_comd_op_code;

/// The I2C0 master on the given pins. Pins are checked like gpio pins (flash and USB pins need
/// an unlock); BusHz must give register values that fit their 9-bit fields (about 80 kHz up).
template <unsigned SclPin, unsigned SdaPin, uint32_t BusHz = standard_mode,
          gpio::unlock Unlock = gpio::unlock::none>
class master {
  static_assert(gpio::detail::check_pin<SclPin, Unlock>() &&
                gpio::detail::check_pin<SdaPin, Unlock>());
  static_assert(SclPin != SdaPin, "esp_blink::i2c: SCL and SDA need two pins");
  static constexpr timing bus_timing = timing_for(BusHz);
  static_assert(bus_timing.scl_low <= 511 && bus_timing.scl_high <= 511 &&
                    bus_timing.stop_hold <= 511,
                "esp_blink::i2c: bus frequency too low for the timing registers");
  static_assert(BusHz <= fast_mode, "esp_blink::i2c: up to 400 kHz (fast mode)");

  using regs = pac::i2c0;
  using comd = regs::comd_array;  // COMD0-7, indexed by the batch's command count
  using command_word = comd::element;

 public:
  /// Polls of INT_RAW before a transfer counts as hung (about 1 s at 160 MHz).
  static constexpr uint32_t poll_limit = 4'000'000;

  /// Enables and resets I2C0, routes SCL and SDA (open drain, pull-ups), programs the bus timing
  /// and a 26 ms SCL-stuck time-out.
  master() {
    using sys = pac::system;
    sys::perip_clk_en0::modify(sys::perip_clk_en0::i2c_ext0_clk_en::value<1>());
    sys::perip_rst_en0::modify(sys::perip_rst_en0::i2c_ext0_rst::value<1>());
    sys::perip_rst_en0::modify(sys::perip_rst_en0::i2c_ext0_rst::value<0>());
    connect<SclPin, scl_signal>();
    connect<SdaPin, sda_signal>();
    regs::clk_conf::write(regs::clk_conf::sclk_sel::value<0>(),
                          regs::clk_conf::sclk_div_num::value<0>(),
                          regs::clk_conf::sclk_active::value<1>());
    regs::ctr::modify(regs::ctr::ms_mode::value<1>(), regs::ctr::clk_en::value<1>(),
                      regs::ctr::sda_force_out::value<1>(), regs::ctr::scl_force_out::value<1>());
    regs::fifo_conf::modify(regs::fifo_conf::nonfifo_en::value<0>());
    regs::filter_cfg::write(regs::filter_cfg::scl_filter_en::value<1>(),
                            regs::filter_cfg::sda_filter_en::value<1>(),
                            regs::filter_cfg::scl_filter_thres::value<7>(),
                            regs::filter_cfg::sda_filter_thres::value<7>());
    regs::scl_low_period::write(
        regs::scl_low_period::scl_low_period_field::value<bus_timing.scl_low>());
    regs::scl_high_period::write(
        regs::scl_high_period::scl_high_period_field::value<bus_timing.scl_high>(),
        regs::scl_high_period::scl_wait_high_period::value<bus_timing.scl_wait_high>());
    regs::sda_hold::write(regs::sda_hold::time::value<bus_timing.sda_hold>());
    regs::sda_sample::write(regs::sda_sample::time::value<bus_timing.sda_sample>());
    regs::scl_start_hold::write(regs::scl_start_hold::time::value<bus_timing.start_hold>());
    regs::scl_rstart_setup::write(regs::scl_rstart_setup::time::value<bus_timing.rstart_setup>());
    regs::scl_stop_setup::write(regs::scl_stop_setup::time::value<bus_timing.stop_setup>());
    regs::scl_stop_hold::write(regs::scl_stop_hold::time::value<bus_timing.stop_hold>());
    // Hardware time-out after 2^20 source cycles (26 ms) with SCL stuck.
    regs::to::write(regs::to::time_out_value::value<20>(), regs::to::time_out_en::value<1>());
    reset();
  }

  /// Writes `length` bytes to the device at 7-bit `address`: one transaction (START...STOP).
  hal::error_kind write(uint8_t address, const uint8_t* data, size_t length) {
    hal::i2c_operation ops[] = {hal::i2c_operation::write(data, length)};
    return transaction(address, ops, 1);
  }

  /// Reads `length` bytes from the device at 7-bit `address`: one transaction.
  hal::error_kind read(uint8_t address, uint8_t* data, size_t length) {
    hal::i2c_operation ops[] = {hal::i2c_operation::read(data, length)};
    return transaction(address, ops, 1);
  }

  /// Writes `out`, then reads `in_length` bytes after a repeated START, in one transaction.
  hal::error_kind write_read(uint8_t address, const uint8_t* out, size_t out_length, uint8_t* in,
                             size_t in_length) {
    hal::i2c_operation ops[] = {hal::i2c_operation::write(out, out_length),
                                hal::i2c_operation::read(in, in_length)};
    return transaction(address, ops, 2);
  }

  /// Runs the operations as one transaction (contract: hal::i2c). On an error the state
  /// machine and FIFOs are reset and, unless arbitration was lost, a STOP is sent.
  hal::error_kind transaction(uint8_t address, hal::i2c_operation* ops, size_t count) {
    if (count == 0) return hal::error_kind::ok;  // nothing to do: no START, no STOP
    if (auto e = build(address, ops, count, false); e != hal::error_kind::ok) return fail(e);
    if (auto e = flush_batch(true); e != hal::error_kind::ok) return fail(e);
    return hal::error_kind::ok;
  }

  // --- interrupt-driven transactions (esp_blink/async/i2c.hpp) ------------------------------

  /// INT_ENA bits of a started transaction: each ends it (I2C_EXT0 is a level source).
  static constexpr uint32_t completion_interrupts =
      regs::int_ena::trans_complete_int_ena::mask | regs::int_ena::nack_int_ena::mask |
      regs::int_ena::arbitration_lost_int_ena::mask | regs::int_ena::time_out_int_ena::mask |
      regs::int_ena::rxfifo_ovf_int_ena::mask;

  /// Starts the operations as one command list with completion_interrupts enabled, and
  /// returns without waiting. A transaction longer than one list (8 commands, 32 bytes each
  /// way: a few bytes per operation) is refused with error_kind::other before the bus is
  /// touched; so is an empty one. finish() completes a started transaction.
  hal::error_kind start(uint8_t address, const hal::i2c_operation* ops, size_t count) {
    if (count == 0) return hal::error_kind::other;
    if (auto e = build(address, ops, count, true); e != hal::error_kind::ok) {
      clear_batch();
      return e;
    }
    begin_batch(true);
    regs::int_ena::write_raw(completion_interrupts);
    return hal::error_kind::ok;
  }

  /// Completes a started transaction from the INT_RAW bits its interrupt saw: the result,
  /// with the read data copied out; on an error, the same recovery as transaction().
  hal::error_kind finish(uint32_t raw_bits) {
    regs::int_ena::write_raw(0);
    bool finished = false;
    hal::error_kind result = decode(raw_bits, true, finished);
    if (!finished) result = hal::error_kind::other;  // woken without an ending interrupt
    return result == hal::error_kind::ok ? end_batch(result) : fail(result);
  }

  /// Abandons a started transaction (its awaitable was dropped): stops the controller and,
  /// as after an error, closes the bus with a STOP.
  void abandon() {
    regs::int_ena::write_raw(0);
    (void)fail(hal::error_kind::other);
  }

  /// Clocks SCL nine times so a device stuck mid-byte lets go of SDA, then resets.
  void recover_bus() {
    regs::scl_sp_conf::write(regs::scl_sp_conf::scl_rst_slv_num::value<9>(),
                             regs::scl_sp_conf::scl_rst_slv_en::value<1>());
    regs::ctr::modify(regs::ctr::conf_upgate::value<1>());
    for (uint32_t i = 0; i < poll_limit && regs::scl_sp_conf::scl_rst_slv_en::read() != 0; ++i) {
    }
    reset();
  }

 private:
  struct pending_read {
    uint8_t* to;
    size_t length;
  };
  struct batch_state {
    unsigned commands = 0;
    size_t tx = 0;
    size_t rx = 0;
    uint32_t address_commands = 0;  // bit i: command i sends an address byte
    pending_read reads[command_slots];
    unsigned read_count = 0;
  };

  // Open drain with the pad's pull-up, and read back through the matrix: the controller sees
  // the line's real level (ACK, clock stretching, arbitration).
  template <unsigned Pin, uint32_t Signal>
  static void connect() {
    gpio::connect_output<Pin, Signal, Unlock>(
        {.pull_resistor = gpio::pull::up, .input_enable = true, .open_drain = true});
    gpio::connect_input<Pin, Signal, Unlock>();
  }

  static void clear_interrupts() { regs::int_clr::write_raw(regs::int_clr::fields_mask); }

  static void reset() {
    regs::ctr::modify(regs::ctr::fsm_rst::value<1>());
    regs::fifo_conf::modify(regs::fifo_conf::tx_fifo_rst::value<1>(),
                            regs::fifo_conf::rx_fifo_rst::value<1>());
    regs::fifo_conf::modify(regs::fifo_conf::tx_fifo_rst::value<0>(),
                            regs::fifo_conf::rx_fifo_rst::value<0>());
    clear_interrupts();
    regs::ctr::modify(regs::ctr::conf_upgate::value<1>());
  }

  // The next command slot; make_room keeps one free for END or STOP, so it is one of COMD0-7.
  void command(op code, size_t bytes, bool check_ack, uint32_t ack_value) {
    comd::write(batch_.commands, command_word::op_code::dynamic(code),
                command_word::byte_num::dynamic(static_cast<uint32_t>(bytes)),
                command_word::ack_en::dynamic(check_ack ? 1u : 0u),
                command_word::ack_val::dynamic(ack_value));
    ++batch_.commands;
  }

  void push_tx(uint8_t byte) {
    regs::data::write(regs::data::fifo_rdata::dynamic(byte));
    ++batch_.tx;
  }

  void read_into(uint8_t* to, size_t length) {
    batch_.reads[batch_.read_count++] = {to, length};
    batch_.rx += length;
  }

  // Writes the commands of a whole transaction, STOP included. Between batches it runs the
  // batch so far (END, synchronously), or with `one_batch` refuses with error_kind::other.
  hal::error_kind build(uint8_t address, const hal::i2c_operation* ops, size_t count,
                        bool one_batch) {
    clear_batch();
    for (size_t i = 0; i < count; ++i) {
      const hal::i2c_operation& o = ops[i];
      const bool reading = o.is_read();
      if (i == 0 || reading != ops[i - 1].is_read()) {
        if (auto e = make_room(2, 1, 0, one_batch); e != hal::error_kind::ok) return e;
        command(op::rstart, 0, false, 0);
        push_tx(static_cast<uint8_t>(uint32_t{address} << 1 | (reading ? 1u : 0u)));
        batch_.address_commands |= 1u << batch_.commands;
        command(op::write, 1, true, 0);
      }
      // The last byte before a direction change or the end is NACKed.
      const bool nack_last = reading && (i + 1 == count || !ops[i + 1].is_read());
      size_t done = 0;
      while (done < o.length) {
        if (auto e = make_room(1, reading ? 0 : 1, reading ? 1 : 0, one_batch);
            e != hal::error_kind::ok) {
          return e;
        }
        const size_t room = fifo_size - (reading ? batch_.rx : batch_.tx);
        size_t chunk = o.length - done < room ? o.length - done : room;
        if (chunk > 255) chunk = 255;
        if (one_batch && chunk < o.length - done) return hal::error_kind::other;
        if (reading) {
          const bool has_last = done + chunk == o.length;
          // The NACKed byte gets a READ command of its own.
          if (nack_last && has_last && chunk > 1) --chunk;
          const bool nack = nack_last && done + chunk == o.length;
          read_into(o.read_data + done, chunk);
          command(op::read, chunk, false, nack ? 1u : 0u);
        } else {
          for (size_t k = 0; k < chunk; ++k) push_tx(o.write_data[done + k]);
          command(op::write, chunk, true, 0);
        }
        done += chunk;
      }
    }
    if (batch_.commands + 1 > command_slots) {
      if (one_batch) return hal::error_kind::other;
      if (auto e = flush_batch(false); e != hal::error_kind::ok) return e;
    }
    command(op::stop, 0, false, 0);
    return hal::error_kind::ok;
  }

  // Ends the batch with END when the next step needs more commands or FIFO than are left.
  hal::error_kind make_room(unsigned commands, size_t tx, size_t rx, bool one_batch = false) {
    const bool fits = batch_.commands + commands + 1 <= command_slots &&  // +1: END or STOP
                      batch_.tx + tx <= fifo_size && batch_.rx + rx <= fifo_size &&
                      batch_.read_count + (rx != 0 ? 1u : 0u) <= command_slots;
    if (fits) return hal::error_kind::ok;
    return one_batch ? hal::error_kind::other : flush_batch(false);
  }

  hal::error_kind flush_batch(bool last) {
    begin_batch(last);
    hal::error_kind result = hal::error_kind::timeout;
    for (uint32_t i = 0; i < poll_limit; ++i) {
      bool finished = false;
      result = decode(regs::int_raw::read(), last, finished);
      if (finished) break;
    }
    return end_batch(result);
  }

  // Starts the commands written so far (after END, unless this is the last batch).
  void begin_batch(bool last) {
    if (!last) command(op::end, 0, false, 0);
    clear_interrupts();
    // The C3 copies configuration into the I2C clock domain on CONF_UPGATE; doing it before
    // every start means the controller never runs on stale settings.
    regs::ctr::modify(regs::ctr::conf_upgate::value<1>());
    regs::ctr::modify(regs::ctr::trans_start::value<1>());
  }

  // What INT_RAW says of the running batch; `finished` is false while it says nothing yet.
  hal::error_kind decode(uint32_t bits, bool last, bool& finished) const {
    using raw = regs::int_raw;
    finished = true;
    if (raw::nack_int_raw::extract(bits) != 0) {
      return nacked_address() ? hal::error_kind::no_acknowledge_address
                              : hal::error_kind::no_acknowledge_data;
    }
    if (raw::arbitration_lost_int_raw::extract(bits) != 0) return hal::error_kind::arbitration_loss;
    if (raw::time_out_int_raw::extract(bits) != 0) return hal::error_kind::timeout;
    if (raw::rxfifo_ovf_int_raw::extract(bits) != 0) return hal::error_kind::overrun;
    const bool done = last ? raw::trans_complete_int_raw::extract(bits) != 0
                           : raw::end_detect_int_raw::extract(bits) != 0;
    finished = done;
    return done ? hal::error_kind::ok : hal::error_kind::timeout;
  }

  // Copies the batch's read bytes out of the RX FIFO if it succeeded; ready for the next.
  hal::error_kind end_batch(hal::error_kind result) {
    if (result == hal::error_kind::ok) {
      for (unsigned r = 0; r < batch_.read_count; ++r) {
        // Safety: `to` points into the caller's read buffer, which holds the operation's
        // length bytes (hal::i2c_operation contract); chunks never run past that length.
        for (size_t k = 0; k < batch_.reads[r].length; ++k) {
          batch_.reads[r].to[k] = static_cast<uint8_t>(regs::data::fifo_rdata::read());
        }
      }
    }
    clear_batch();
    return result;
  }

  // The failed command is the first one the hardware did not mark done.
  bool nacked_address() const {
    for (unsigned i = 0; i < batch_.commands; ++i) {
      if (command_word::done::extract(comd::read(i)) == 0) {
        return ((batch_.address_commands >> i) & 1u) != 0;
      }
    }
    return false;
  }

  hal::error_kind fail(hal::error_kind e) {
    reset();
    clear_batch();
    // FSM_RST stops the controller but sends nothing, so a device that was addressed would
    // still see the transaction open. A command list of STOP alone closes it. Not after
    // arbitration loss: the bus then belongs to the other master, and a STOP would cut into
    // its transfer.
    if (e != hal::error_kind::arbitration_loss) {
      command(op::stop, 0, false, 0);
      (void)flush_batch(true);  // the first error is the one reported
      reset();
    }
    return e;
  }

  // Only the counters: the pending-read slots are written before they are read.
  void clear_batch() {
    batch_.commands = 0;
    batch_.tx = 0;
    batch_.rx = 0;
    batch_.address_commands = 0;
    batch_.read_count = 0;
  }

  batch_state batch_;
};

static_assert(hal::i2c<master<6, 5>>);

}  // namespace esp_blink::i2c
