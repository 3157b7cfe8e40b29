// The I2C0 master against a fake that executes nothing but records each batch of commands and
// FIFO bytes and answers like the hardware: done bits, END_DETECT or TRANS_COMPLETE, NACK,
// arbitration loss, RX FIFO overrun.
#include <esp_blink/async.hpp>
#include <esp_blink/i2c.hpp>

#include "fake_interrupts.hpp"
#include "register_file_fake.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace {

using namespace esp_blink;
using hal::error_kind;

constexpr uint32_t base = 0x60013000;
constexpr uint32_t ctr = base + 0x04, fifo_conf = base + 0x18, data = base + 0x1C,
                   int_raw = base + 0x20, int_clr = base + 0x24, comd0 = base + 0x58,
                   sp_conf = base + 0x80;

struct command {
  uint32_t op, bytes;
  bool ack_check;
  uint32_t ack_value;
  bool operator==(const command&) const = default;
};

class i2c_fake final : public mmio::bus {
 public:
  uint32_t read(uint32_t address) override {
    if (address == int_raw) return raw_;
    if (address == data) {
      if (rx_.empty()) return 0;
      const uint8_t b = rx_.front();
      rx_.pop_front();
      return b;
    }
    return regs.read(address);
  }

  void write(uint32_t address, uint32_t value) override {
    if (address == data) {
      tx_.push_back(static_cast<uint8_t>(value));
    } else if (address == int_clr) {
      int_clears.push_back(value);
      raw_ &= ~value;
    } else if (address == sp_conf) {
      if (value & 1u) recoveries.push_back((value >> 1) & 0x1Fu);
      regs.write(address, value & ~1u);  // SCL_RST_SLV_EN clears when the pulses are out
    } else if (address == fifo_conf && (value & (1u << 12))) {
      rx_.clear();  // RX_FIFO_RST: bytes left over from a failed transfer are gone
      regs.write(address, value);
    } else if (address == ctr && (value & (1u << 5))) {
      run_batch();
    } else {
      if (address == ctr && (value & (1u << 10))) ++fsm_resets;
      regs.write(address, value);
    }
  }

  test::register_file_fake regs;
  std::vector<std::vector<command>> batches;
  std::vector<std::vector<uint8_t>> tx_batches;
  std::deque<uint8_t> device_bytes;  // what READ commands return, in order
  int nack_at = -1;                  // global command index that the "device" refuses
  int arb_lost_at = -1;              // global command index during which another master wins
  int overrun_at = -1;               // global index of a READ that overflows the RX FIFO
  bool hang = false;                 // raise the hardware time-out instead of finishing
  int fsm_resets = 0;
  std::vector<uint32_t> recoveries;
  std::vector<uint32_t> int_clears;

 private:
  void run_batch() {
    std::vector<command> cmds;
    raw_ = 0;
    for (uint32_t i = 0; i < 8; ++i) {
      uint32_t word = regs.peek(comd0 + 4 * i);
      const command c{(word >> 11) & 7u, word & 0xFFu, ((word >> 8) & 1u) != 0, (word >> 10) & 1u};
      cmds.push_back(c);
      if (hang) {
        raw_ |= 1u << 8;
        break;
      }
      if (static_cast<int>(executed_) == nack_at) {
        raw_ |= 1u << 10;
        ++executed_;
        break;
      }
      if (static_cast<int>(executed_) == arb_lost_at) {
        raw_ |= 1u << 5;  // ARBITRATION_LOST
        ++executed_;
        break;
      }
      if (static_cast<int>(executed_) == overrun_at) {
        // The bytes that did fit stay in the FIFO until the driver resets it.
        for (uint32_t k = 0; k < c.bytes; ++k) rx_.push_back(0xDD);
        raw_ |= 1u << 2;  // RXFIFO_OVF
        ++executed_;
        break;
      }
      ++executed_;
      regs.poke(comd0 + 4 * i, word | 1u << 31);
      if (c.op == 3) {
        for (uint32_t k = 0; k < c.bytes; ++k) {
          rx_.push_back(device_bytes.empty() ? 0xEE : device_bytes.front());
          if (!device_bytes.empty()) device_bytes.pop_front();
        }
      }
      if (c.op == 4) {
        raw_ |= 1u << 3;  // END_DETECT
        break;
      }
      if (c.op == 2) {
        raw_ |= 1u << 7;  // TRANS_COMPLETE
        break;
      }
    }
    batches.push_back(cmds);
    tx_batches.push_back(tx_);
    tx_.clear();
    for (uint32_t i = 0; i < 8; ++i) regs.poke(comd0 + 4 * i, regs.peek(comd0 + 4 * i));
  }

  uint32_t raw_ = 0;
  std::vector<uint8_t> tx_;
  std::deque<uint8_t> rx_;
  uint32_t executed_ = 0;
};

class i2c_test : public ::testing::Test {
 protected:
  i2c_fake fake_;
  mmio::host_bus_guard guard_{fake_};
};

constexpr uint32_t rstart = 6, write_op = 1, read_op = 3, stop = 2, end = 4;

TEST(i2c_timing, meets_the_specification_minima_in_both_modes) {
  constexpr double ns = 25.0;  // one 40 MHz cycle
  constexpr auto s = i2c::timing_for(i2c::standard_mode);
  EXPECT_GE(s.scl_low * ns, 4700);
  EXPECT_GE((s.scl_high + s.scl_wait_high) * ns, 4000);
  EXPECT_GE(s.start_hold * ns, 4000);
  EXPECT_GE(s.rstart_setup * ns, 4700);
  EXPECT_GE(s.stop_setup * ns, 4000);
  EXPECT_GE(s.stop_hold * ns, 4700);
  EXPECT_NEAR(1e9 / ((s.scl_low + s.scl_high + s.scl_wait_high) * ns), 100e3, 1e3);
  constexpr auto f = i2c::timing_for(i2c::fast_mode);
  EXPECT_GE(f.scl_low * ns, 1300);
  EXPECT_GE((f.scl_high + f.scl_wait_high) * ns, 600);
  EXPECT_GE(f.start_hold * ns, 600);
  EXPECT_GE(f.rstart_setup * ns, 600);
  EXPECT_GE(f.stop_setup * ns, 600);
  EXPECT_GE(f.stop_hold * ns, 1300);
  EXPECT_GE(f.sda_hold * ns, 0);
  EXPECT_LE(f.sda_hold * ns, 900);  // tVD;DAT maximum
  EXPECT_NEAR(1e9 / ((f.scl_low + f.scl_high + f.scl_wait_high) * ns), 400e3, 4e3);
}

TEST_F(i2c_test, set_up_routes_scl_and_sda_through_the_matrix_open_drain) {
  i2c::master<6, 5> bus;
  EXPECT_EQ(fake_.regs.peek(0x60004554 + 4 * 6) & 0xFFu, 53u);  // SCL out signal
  EXPECT_EQ(fake_.regs.peek(0x60004554 + 4 * 5) & 0xFFu, 54u);  // SDA out signal
  EXPECT_EQ(fake_.regs.peek(0x60004154 + 4 * 53) & 0x1Fu, 6u);  // SCL in from GPIO6
  EXPECT_EQ(fake_.regs.peek(0x60004154 + 4 * 54) & 0x1Fu, 5u);
  EXPECT_NE(fake_.regs.peek(0x60004154 + 4 * 54) & (1u << 6), 0u);  // through the matrix
  EXPECT_NE(fake_.regs.peek(0x60004074 + 4 * 6) & (1u << 2), 0u);   // open drain
  EXPECT_NE(fake_.regs.peek(0x600C0010) & (1u << 7), 0u);           // clock on
  EXPECT_EQ(fake_.regs.peek(0x600C0018) & (1u << 7), 0u);           // out of reset
  EXPECT_EQ(fake_.regs.peek(base + 0x00), i2c::timing_for(100'000).scl_low);
}

TEST_F(i2c_test, write_read_follows_the_transaction_contract) {
  i2c::master<6, 5> bus;
  fake_.device_bytes = {0x19, 0x20};
  const uint8_t reg = 0x00;
  uint8_t value[2] = {};
  ASSERT_EQ(bus.write_read(0x48, &reg, 1, value, 2), error_kind::ok);
  ASSERT_EQ(fake_.batches.size(), 1u);
  const auto& c = fake_.batches[0];
  ASSERT_EQ(c.size(), 8u);
  EXPECT_EQ(c[0].op, rstart);
  EXPECT_EQ(c[1].op, write_op);  // address, write
  EXPECT_TRUE(c[1].ack_check);
  EXPECT_EQ(c[2].op, write_op);  // register pointer
  EXPECT_EQ(c[3].op, rstart);    // direction changes: repeated START
  EXPECT_EQ(c[4].op, write_op);  // address, read
  EXPECT_EQ(c[5].op, read_op);
  EXPECT_EQ(c[5].ack_value, 0u);  // ACK
  EXPECT_EQ(c[6].op, read_op);
  EXPECT_EQ(c[6].bytes, 1u);
  EXPECT_EQ(c[6].ack_value, 1u);  // the last byte NACKed
  EXPECT_EQ(c[7].op, stop);
  EXPECT_EQ(fake_.tx_batches[0], (std::vector<uint8_t>{0x90, 0x00, 0x91}));
  EXPECT_EQ(value[0], 0x19);
  EXPECT_EQ(value[1], 0x20);
}

TEST_F(i2c_test, command_words_and_interrupt_clears_are_exact) {
  i2c::master<6, 5> bus;
  fake_.regs.log.clear();
  const uint8_t reg = 0x00;
  uint8_t value[2] = {};
  ASSERT_EQ(bus.write_read(0x48, &reg, 1, value, 2), error_kind::ok);
  std::vector<uint32_t> words;
  for (const auto& a : fake_.regs.log) {
    if (a.is_write && a.address >= comd0 && a.address < comd0 + 32) {
      EXPECT_EQ(a.address, comd0 + 4 * words.size());  // COMD0, COMD1, ... in order
      words.push_back(a.value);
    }
  }
  // Byte count 7:0, ACK_EN 8, ACK_VAL 10, op code 13:11; ACK_EXP and DONE stay 0.
  EXPECT_EQ(words, (std::vector<uint32_t>{0x3000, 0x0901, 0x0901, 0x3000, 0x0901, 0x1801, 0x1C01,
                                          0x1000}));
  // Every interrupt cleared, before the batch and by the reset in the constructor: bits 17:0.
  ASSERT_FALSE(fake_.int_clears.empty());
  for (uint32_t c : fake_.int_clears) EXPECT_EQ(c, 0x3FFFFu);
}

TEST_F(i2c_test, long_write_is_split_into_batches_joined_by_end) {
  i2c::master<6, 5> bus;
  std::vector<uint8_t> payload(70);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i);
  ASSERT_EQ(bus.write(0x50, payload.data(), payload.size()), error_kind::ok);
  ASSERT_GE(fake_.batches.size(), 3u);
  std::vector<uint8_t> sent;
  for (size_t b = 0; b < fake_.batches.size(); ++b) {
    EXPECT_LE(fake_.tx_batches[b].size(), 32u);
    EXPECT_EQ(fake_.batches[b].back().op, b + 1 == fake_.batches.size() ? stop : end);
    sent.insert(sent.end(), fake_.tx_batches[b].begin(), fake_.tx_batches[b].end());
  }
  ASSERT_EQ(sent.size(), 71u);
  EXPECT_EQ(sent[0], 0xA0);  // address once, at the start
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), sent.begin() + 1));
  // Only the first batch starts with a START: the others continue the same transaction.
  EXPECT_EQ(fake_.batches[0][0].op, rstart);
  for (size_t b = 1; b < fake_.batches.size(); ++b) EXPECT_NE(fake_.batches[b][0].op, rstart);
}

TEST_F(i2c_test, long_read_acks_all_but_the_last_byte) {
  i2c::master<6, 5> bus;
  for (int i = 0; i < 40; ++i) fake_.device_bytes.push_back(static_cast<uint8_t>(100 + i));
  uint8_t in[40] = {};
  ASSERT_EQ(bus.read(0x50, in, sizeof in), error_kind::ok);
  uint32_t acked = 0, nacked = 0;
  for (const auto& batch : fake_.batches) {
    EXPECT_LE(batch.size(), 8u);
    for (const auto& c : batch) {
      if (c.op != read_op) continue;
      (c.ack_value != 0 ? nacked : acked) += c.bytes;
    }
  }
  EXPECT_EQ(acked, 39u);
  EXPECT_EQ(nacked, 1u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(in[i], 100 + i);
}

TEST_F(i2c_test, nack_of_the_address_and_of_data_are_told_apart) {
  i2c::master<6, 5> bus;
  const uint8_t bytes[2] = {1, 2};
  fake_.nack_at = 1;  // RSTART executes, the address byte is refused
  EXPECT_EQ(bus.write(0x51, bytes, 2), error_kind::no_acknowledge_address);
  const int resets = fake_.fsm_resets;
  EXPECT_GE(resets, 2);  // set-up, then after the error
  // The bus is released: a list of STOP alone, with nothing in the FIFO.
  ASSERT_EQ(fake_.batches.size(), 2u);
  ASSERT_EQ(fake_.batches[1].size(), 1u);
  EXPECT_EQ(fake_.batches[1][0].op, stop);
  EXPECT_TRUE(fake_.tx_batches[1].empty());
  i2c::master<6, 5> again;
  fake_.batches.clear();
  // After the failed write's RSTART, address and STOP: RSTART, address, then the data byte.
  fake_.nack_at = 3 + 2;
  EXPECT_EQ(again.write(0x51, bytes, 2), error_kind::no_acknowledge_data);
}

TEST_F(i2c_test, address_nack_in_a_write_read_is_an_address_nack) {
  i2c::master<6, 5> bus;
  fake_.nack_at = 1;  // the first address byte; a second one follows later in the list
  const uint8_t reg = 0;
  uint8_t in[2];
  EXPECT_EQ(bus.write_read(0x48, &reg, 1, in, 2), error_kind::no_acknowledge_address);
}

TEST_F(i2c_test, an_empty_transaction_does_not_touch_the_bus) {
  i2c::master<6, 5> bus;
  EXPECT_EQ(bus.transaction(0x48, nullptr, 0), error_kind::ok);
  EXPECT_TRUE(fake_.batches.empty());
}

TEST_F(i2c_test, hardware_timeout_is_reported) {
  i2c::master<6, 5> bus;
  fake_.hang = true;
  uint8_t b = 0;
  EXPECT_EQ(bus.read(0x48, &b, 1), error_kind::timeout);
  // A STOP is still attempted (here it times out too); the first error is the one returned.
  ASSERT_EQ(fake_.batches.size(), 2u);
  ASSERT_EQ(fake_.batches[1].size(), 1u);
  EXPECT_EQ(fake_.batches[1][0].op, stop);
}

TEST_F(i2c_test, an_address_nack_in_a_read_is_followed_by_stop) {
  i2c::master<6, 5> bus;
  fake_.nack_at = 1;
  uint8_t in[2];
  EXPECT_EQ(bus.read(0x48, in, 2), error_kind::no_acknowledge_address);
  ASSERT_EQ(fake_.batches.size(), 2u);
  EXPECT_EQ(fake_.batches[1], (std::vector<command>{{stop, 0, false, 0}}));
}

TEST_F(i2c_test, arbitration_loss_is_reported_without_a_stop_and_the_bus_works_afterwards) {
  i2c::master<6, 5> bus;
  const uint8_t bytes[2] = {1, 2};
  fake_.arb_lost_at = 2;  // RSTART and address go out, the data byte loses
  const int resets = fake_.fsm_resets;
  EXPECT_EQ(bus.write(0x51, bytes, 2), error_kind::arbitration_loss);
  EXPECT_GT(fake_.fsm_resets, resets);
  // The winner owns the bus: no STOP list of ours may follow.
  EXPECT_EQ(fake_.batches.size(), 1u);
  fake_.batches.clear();
  fake_.tx_batches.clear();
  fake_.device_bytes = {0x42};
  uint8_t in = 0;
  ASSERT_EQ(bus.read(0x51, &in, 1), error_kind::ok);
  EXPECT_EQ(in, 0x42);
  ASSERT_EQ(fake_.batches.size(), 1u);
  // A fresh command list from COMD0: nothing of the lost transfer's batch is left.
  EXPECT_EQ(fake_.batches[0].front().op, rstart);
  EXPECT_EQ(fake_.tx_batches[0], (std::vector<uint8_t>{0xA3}));
}

TEST_F(i2c_test, rx_fifo_overrun_is_reported_then_stop_and_stale_bytes_are_dropped) {
  i2c::master<6, 5> bus;
  fake_.overrun_at = 2;  // RSTART, address, then the first READ overflows
  uint8_t in[3] = {};
  EXPECT_EQ(bus.read(0x50, in, 3), error_kind::overrun);
  EXPECT_EQ(in[0], 0);  // nothing copied out of a failed batch
  ASSERT_EQ(fake_.batches.size(), 2u);
  EXPECT_EQ(fake_.batches[1], (std::vector<command>{{stop, 0, false, 0}}));
  fake_.batches.clear();
  fake_.device_bytes = {7, 8, 9};
  ASSERT_EQ(bus.read(0x50, in, 3), error_kind::ok);
  // The 0xDD bytes the overrun left in the FIFO were reset away, so these are the device's.
  EXPECT_EQ(in[0], 7);
  EXPECT_EQ(in[1], 8);
  EXPECT_EQ(in[2], 9);
}

TEST_F(i2c_test, fast_mode_writes_the_400_khz_timing) {
  i2c::master<6, 5, i2c::fast_mode> bus;
  // 100 cycles of 25 ns per bit: 55 low, 45 high (34 + 11 of wait).
  EXPECT_EQ(fake_.regs.peek(base + 0x00), 55u);             // SCL_LOW_PERIOD
  EXPECT_EQ(fake_.regs.peek(base + 0x38), 34u | 11u << 9);  // SCL_HIGH_PERIOD, WAIT_HIGH
  EXPECT_EQ(fake_.regs.peek(base + 0x30), 13u);             // SDA_HOLD
  EXPECT_EQ(fake_.regs.peek(base + 0x34), 22u);             // SDA_SAMPLE
  EXPECT_EQ(fake_.regs.peek(base + 0x40), 45u);             // SCL_START_HOLD
  EXPECT_EQ(fake_.regs.peek(base + 0x44), 55u);             // SCL_RSTART_SETUP
  EXPECT_EQ(fake_.regs.peek(base + 0x48), 55u);             // SCL_STOP_HOLD
  EXPECT_EQ(fake_.regs.peek(base + 0x4C), 45u);             // SCL_STOP_SETUP
  // Differs from standard mode, so the template argument really reaches the registers.
  EXPECT_NE(i2c::timing_for(i2c::standard_mode).scl_low, 55u);
}

TEST_F(i2c_test, transaction_write_write_runs_on_under_one_address) {
  i2c::master<6, 5> bus;
  const uint8_t a[2] = {0x10, 0x11}, b[1] = {0x12};
  hal::i2c_operation ops[] = {hal::i2c_operation::write(a, 2), hal::i2c_operation::write(b, 1)};
  ASSERT_EQ(bus.transaction(0x50, ops, 2), error_kind::ok);
  ASSERT_EQ(fake_.batches.size(), 1u);
  const auto& c = fake_.batches[0];
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].op, rstart);
  EXPECT_EQ(c[1].op, write_op);  // address
  EXPECT_EQ(c[2].op, write_op);
  EXPECT_EQ(c[2].bytes, 2u);
  EXPECT_EQ(c[3].op, write_op);  // no START between same-direction operations
  EXPECT_EQ(c[3].bytes, 1u);
  EXPECT_EQ(c[4].op, stop);
  EXPECT_EQ(fake_.tx_batches[0], (std::vector<uint8_t>{0xA0, 0x10, 0x11, 0x12}));
}

TEST_F(i2c_test, transaction_read_read_nacks_only_the_last_byte_of_the_last_read) {
  i2c::master<6, 5> bus;
  fake_.device_bytes = {1, 2, 3, 4, 5};
  uint8_t a[2] = {}, b[3] = {};
  hal::i2c_operation ops[] = {hal::i2c_operation::read(a, 2), hal::i2c_operation::read(b, 3)};
  ASSERT_EQ(bus.transaction(0x50, ops, 2), error_kind::ok);
  ASSERT_EQ(fake_.batches.size(), 1u);
  const auto& c = fake_.batches[0];
  EXPECT_EQ(fake_.tx_batches[0], (std::vector<uint8_t>{0xA1}));  // one address, reading
  uint32_t starts = 0, stops = 0;
  std::vector<std::pair<uint32_t, uint32_t>> reads;  // bytes, ack value
  for (const auto& k : c) {
    starts += k.op == rstart ? 1u : 0u;
    stops += k.op == stop ? 1u : 0u;
    if (k.op == read_op) reads.emplace_back(k.bytes, k.ack_value);
  }
  EXPECT_EQ(starts, 1u);
  EXPECT_EQ(stops, 1u);
  EXPECT_EQ(c.back().op, stop);
  // The first read's last byte is ACKed (the bytes run on); only the very last is NACKed.
  EXPECT_EQ(reads, (std::vector<std::pair<uint32_t, uint32_t>>{{2, 0}, {2, 0}, {1, 1}}));
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[1], 2);
  EXPECT_EQ(b[0], 3);
  EXPECT_EQ(b[1], 4);
  EXPECT_EQ(b[2], 5);
}

TEST_F(i2c_test, transaction_write_read_write_restarts_on_each_direction_change) {
  i2c::master<6, 5> bus;
  fake_.device_bytes = {0x77, 0x78};
  const uint8_t first[1] = {0x01}, last[2] = {0x02, 0x03};
  uint8_t in[2] = {};
  hal::i2c_operation ops[] = {hal::i2c_operation::write(first, 1), hal::i2c_operation::read(in, 2),
                              hal::i2c_operation::write(last, 2)};
  ASSERT_EQ(bus.transaction(0x48, ops, 3), error_kind::ok);
  // Eleven commands do not fit eight slots: gather every batch, END-joined.
  std::vector<command> all;
  std::vector<uint8_t> sent;
  for (size_t b = 0; b < fake_.batches.size(); ++b) {
    for (const auto& k : fake_.batches[b]) {
      if (k.op != end) all.push_back(k);
    }
    sent.insert(sent.end(), fake_.tx_batches[b].begin(), fake_.tx_batches[b].end());
  }
  const std::vector<uint32_t> expected_ops = {rstart, write_op, write_op,           // W
                                              rstart, write_op, read_op,  read_op,  // R
                                              rstart, write_op, write_op, stop};    // W
  std::vector<uint32_t> ops_seen;
  for (const auto& k : all) ops_seen.push_back(k.op);
  EXPECT_EQ(ops_seen, expected_ops);
  // Address again on each direction change, with the matching R/W bit.
  EXPECT_EQ(sent, (std::vector<uint8_t>{0x90, 0x01, 0x91, 0x90, 0x02, 0x03}));
  // The read's last byte is NACKed: a START follows it.
  EXPECT_EQ(all[5].ack_value, 0u);
  EXPECT_EQ(all[6].ack_value, 1u);
  EXPECT_EQ(all[6].bytes, 1u);
  for (size_t b = 0; b + 1 < fake_.batches.size(); ++b) EXPECT_EQ(fake_.batches[b].back().op, end);
  EXPECT_EQ(in[0], 0x77);
  EXPECT_EQ(in[1], 0x78);
}

TEST_F(i2c_test, bus_recovery_clocks_nine_pulses) {
  i2c::master<6, 5> bus;
  bus.recover_bus();
  ASSERT_EQ(fake_.recoveries.size(), 1u);
  EXPECT_EQ(fake_.recoveries[0], 9u);
}

// --- the interrupt-driven transaction (esp_blink/async/i2c.hpp) ------------------------------

constexpr uint32_t int_ena = base + 0x28;

class i2c_async_test : public i2c_test {
 protected:
  test::fake_interrupts cpu_;
  async::host_platform_guard platform_{cpu_};
  async::frame_pool<2048, 2> frames_;
  async::executor ex_{frames_};
  i2c::master<6, 5> bus_;
};

async::task read_register(i2c::master<6, 5>& bus, uint8_t address, uint8_t (&value)[2],
                          error_kind& result) {
  const uint8_t reg = 0x00;
  result = co_await async::i2c_write_read(bus, address, &reg, 1, value, 2);
}

TEST_F(i2c_async_test, a_task_sleeps_until_the_completion_interrupt_then_gets_the_bytes) {
  fake_.device_bytes = {0x19, 0x20};
  uint8_t value[2] = {};
  error_kind result = error_kind::other;
  ex_.spawn(read_register(bus_, 0x48, value, result));
  ex_.run_ready();
  // Started, not waited for: the command list ran (the fake runs it at once), the completion
  // interrupts are enabled and the read bytes are still in the FIFO.
  ASSERT_EQ(fake_.batches.size(), 1u);
  EXPECT_EQ(fake_.batches[0].back().op, stop);
  EXPECT_EQ(fake_.regs.peek(int_ena), (i2c::master<6, 5>::completion_interrupts));
  EXPECT_EQ(value[0], 0);
  cpu_.at_next_wfi([] { async::on_i2c(); });
  ex_.run();
  EXPECT_EQ(cpu_.wfi_count, 1);
  EXPECT_EQ(result, error_kind::ok);
  EXPECT_EQ(value[0], 0x19);
  EXPECT_EQ(value[1], 0x20);
  EXPECT_EQ(fake_.regs.peek(int_ena), 0u) << "the level source is quiet after the transaction";
}

TEST_F(i2c_async_test, an_address_nack_is_the_result_and_a_stop_closes_the_bus) {
  fake_.nack_at = 1;  // the address byte
  uint8_t value[2] = {};
  error_kind result = error_kind::ok;
  ex_.spawn(read_register(bus_, 0x49, value, result));
  cpu_.at_next_wfi([] { async::on_i2c(); });
  ex_.run();
  EXPECT_EQ(result, error_kind::no_acknowledge_address);
  ASSERT_EQ(fake_.batches.size(), 2u);
  EXPECT_EQ(fake_.batches[1], (std::vector<command>{{stop, 0, false, 0}}));
}

async::task write_bytes(i2c::master<6, 5>& bus, const uint8_t* bytes, size_t n,
                        error_kind& result) {
  result = co_await async::i2c_write(bus, 0x48, bytes, n);
}

TEST_F(i2c_async_test, a_transaction_longer_than_one_command_list_is_refused_untouched) {
  uint8_t bytes[40] = {};
  error_kind result = error_kind::ok;
  ex_.spawn(write_bytes(bus_, bytes, sizeof bytes, result));
  ex_.run();
  EXPECT_EQ(result, error_kind::other);
  EXPECT_TRUE(fake_.batches.empty());
  EXPECT_EQ(cpu_.wfi_count, 0);
  // A short one then runs normally.
  ex_.spawn(write_bytes(bus_, bytes, 4, result));
  cpu_.at_next_wfi([] { async::on_i2c(); });
  ex_.run();
  EXPECT_EQ(result, error_kind::ok);
  EXPECT_EQ(fake_.batches.size(), 1u);
}

async::task read_or_cancel(i2c::master<6, 5>& bus, async::interrupt_signal<>& cancel,
                           uint8_t& index) {
  uint8_t value[2] = {};
  const uint8_t reg = 0x00;
  auto r =
      co_await async::select(async::i2c_write_read(bus, 0x48, &reg, 1, value, 2), cancel.wait());
  index = r.index;
}

TEST_F(i2c_async_test, a_transaction_dropped_by_select_stops_the_controller_with_a_stop) {
  async::interrupt_signal<> cancel;
  uint8_t index = 9;
  fake_.hang = true;  // the transfer does not finish by itself
  ex_.spawn(read_or_cancel(bus_, cancel, index));
  cpu_.at_next_wfi([&] { cancel.complete(); });
  const int resets_before = fake_.fsm_resets;
  ex_.run();
  EXPECT_EQ(index, 1);
  EXPECT_GT(fake_.fsm_resets, resets_before);
  EXPECT_EQ(fake_.regs.peek(int_ena), 0u);
  ASSERT_EQ(fake_.batches.size(), 2u);
  EXPECT_EQ(fake_.batches[1].front().op, stop);
}

}  // namespace
