// SPI2 master against a fake controller that runs each chunk when CMD.USR is set: it records the
// chunk's length, USER and MISC words and the bytes in W0-W15, and answers each byte inverted.
// Also hal::spi_device_on's CS handling on mocks.
#include <esp_blink/hal/spi_device.hpp>
#include <esp_blink/spi.hpp>
#include <esp_blink/systimer.hpp>

#include "register_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace esp_blink;
using hal::error_kind;

constexpr uint32_t base = 0x60024000;
constexpr uint32_t cmd = base + 0x00, clock_reg = base + 0x0C, user = base + 0x10,
                   ms_dlen = base + 0x1C, misc = base + 0x20, w0 = base + 0x98,
                   clk_gate = base + 0xE8;
constexpr uint32_t cmd_update = 1u << 23, cmd_usr = 1u << 24;
constexpr uint32_t user_ck_out_edge = 1u << 9, user_usr_mosi = 1u << 27, user_usr_miso = 1u << 28;
constexpr uint32_t misc_cs0_dis = 1u << 0, misc_ck_idle_edge = 1u << 29,
                   misc_cs_keep_active = 1u << 30;

struct chunk {
  uint32_t bits, user, misc;
  std::vector<uint8_t> sent;
};

class spi_fake final : public mmio::bus {
 public:
  uint32_t read(uint32_t address) override { return regs.read(address); }

  void write(uint32_t address, uint32_t value) override {
    if (address == cmd) {
      if (value & cmd_update) ++updates;
      if (value & cmd_usr) run_chunk();
      regs.write(address, hang ? value : 0);  // both bits clear themselves unless hung
      return;
    }
    regs.write(address, value);
  }

  void run_chunk() {
    chunk c{regs.peek(ms_dlen) + 1, regs.peek(user), regs.peek(misc), {}};
    const uint32_t bytes = c.bits / 8;
    for (uint32_t i = 0; i < bytes; ++i) {
      c.sent.push_back(static_cast<uint8_t>(regs.peek(w0 + (i / 4) * 4) >> (8 * (i % 4))));
    }
    if (c.user & user_usr_miso) {
      for (uint32_t word = 0; word * 4 < bytes; ++word) {
        regs.poke(w0 + word * 4, ~regs.peek(w0 + word * 4));
      }
    }
    chunks.push_back(c);
  }

  emu::register_file regs;
  std::vector<chunk> chunks;
  int updates = 0;
  bool hang = false;
};

// --- divider ---------------------------------------------------------------------------------

struct divider_case {
  uint32_t asked, pre, n, hz;
};

TEST(spi_divider, fastest_clock_not_above_the_request) {
  const divider_case table[] = {
      {40'000'000, 0, 1, 40'000'000}, {26'000'000, 0, 3, 20'000'000},
      {20'000'000, 0, 3, 20'000'000}, {8'000'000, 0, 9, 8'000'000},
      {1'000'000, 1, 39, 1'000'000},  {100'000, 15, 49, 100'000},
      {78'125, 15, 63, 78'125},       {99'999, 12, 61, 99'255},
  };
  for (const auto& c : table) {
    const spi::divider d = spi::divider_for(spi::source_hz, c.asked);
    EXPECT_EQ(d.pre, c.pre) << c.asked;
    EXPECT_EQ(d.n, c.n) << c.asked;
    EXPECT_EQ(d.hz, c.hz) << c.asked;
    EXPECT_LE(d.hz, c.asked);
    EXPECT_EQ(d.hz, spi::source_hz / ((d.pre + 1) * (d.n + 1)));
  }
  EXPECT_EQ(spi::divider_for(spi::source_hz, 78'124).hz, 0u);  // below the slowest divider
  EXPECT_EQ(spi::divider_for(spi::source_hz, 0).hz, 0u);
}

// --- the master's registers ------------------------------------------------------------------

TEST(spi_master, init_clocks_routes_and_sets_the_divider) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 10'000'000> bus;
  EXPECT_EQ(bus.bus_hz, 10'000'000u);
  EXPECT_EQ(fake.regs.peek(0x600C0010) & (1u << 6), 1u << 6);  // PERIP_CLK_EN0.SPI2
  EXPECT_EQ(fake.regs.peek(0x600C0018) & (1u << 6), 0u);       // reset released
  EXPECT_EQ(fake.regs.peek(clk_gate), 0b111u);                 // enabled, active, 80 MHz
  const uint32_t c = fake.regs.peek(clock_reg);
  EXPECT_EQ(c & 0x3Fu, 7u);          // CLKCNT_L = n
  EXPECT_EQ((c >> 6) & 0x3Fu, 3u);   // CLKCNT_H = (n + 1) / 2 - 1
  EXPECT_EQ((c >> 12) & 0x3Fu, 7u);  // CLKCNT_N: 80 MHz / 8
  EXPECT_EQ((c >> 18) & 0xFu, 0u);
  EXPECT_EQ(c >> 31, 0u);                                      // not CLK_EQU_SYSCLK
  EXPECT_EQ(fake.regs.peek(misc) & 0x3Fu, 0x3Fu);              // every CS disabled
  EXPECT_EQ(fake.regs.peek(0x60004554 + 4 * 6) & 0xFFu, 63u);  // GPIO6 out <- FSPICLK
  EXPECT_EQ(fake.regs.peek(0x60004554 + 4 * 7) & 0xFFu, 65u);  // GPIO7 out <- FSPID
  EXPECT_EQ(fake.regs.peek(0x60004154 + 4 * 64) & 0x1Fu, 2u);  // FSPIQ in <- GPIO2
}

template <spi::mode Mode>
std::pair<uint32_t, uint32_t> edges_for() {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 1'000'000, Mode> bus;
  const uint8_t byte = 0xA5;
  EXPECT_EQ(bus.write(&byte, 1), error_kind::ok);
  return {fake.chunks.at(0).misc & misc_ck_idle_edge, fake.chunks.at(0).user & user_ck_out_edge};
}

TEST(spi_master, modes_set_idle_level_and_output_edge) {
  EXPECT_EQ(edges_for<spi::mode::mode0>(), std::make_pair(0u, 0u));
  EXPECT_EQ(edges_for<spi::mode::mode1>(), std::make_pair(0u, user_ck_out_edge));
  EXPECT_EQ(edges_for<spi::mode::mode2>(), std::make_pair(misc_ck_idle_edge, user_ck_out_edge));
  EXPECT_EQ(edges_for<spi::mode::mode3>(), std::make_pair(misc_ck_idle_edge, 0u));
}

TEST(spi_master, full_duplex_transfer_packs_bytes_low_first_and_reads_the_answer) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 1'000'000> bus;
  const uint8_t out[5] = {1, 2, 3, 4, 5};
  uint8_t in[5] = {};
  ASSERT_EQ(bus.transfer(in, out, 5), error_kind::ok);
  ASSERT_EQ(fake.chunks.size(), 1u);
  EXPECT_EQ(fake.chunks[0].bits, 40u);
  EXPECT_EQ(fake.chunks[0].sent, std::vector<uint8_t>(out, out + 5));
  EXPECT_NE(fake.chunks[0].user & user_usr_miso, 0u);
  EXPECT_NE(fake.chunks[0].user & user_usr_mosi, 0u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(in[i], static_cast<uint8_t>(~out[i])) << i;
  EXPECT_EQ(fake.updates, 1);  // the configuration is copied before each chunk starts
}

TEST(spi_master, in_place_transfer_and_read_sending_zeros) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 1'000'000> bus;
  uint8_t buf[3] = {0x10, 0x20, 0x30};
  ASSERT_EQ(bus.transfer(buf, buf, 3), error_kind::ok);
  EXPECT_EQ(buf[0], 0xEF);
  EXPECT_EQ(buf[2], 0xCF);
  uint8_t in[2] = {};
  ASSERT_EQ(bus.read(in, 2), error_kind::ok);
  EXPECT_EQ(fake.chunks.back().sent, (std::vector<uint8_t>{0, 0}));
  EXPECT_EQ(in[0], 0xFF);
}

TEST(spi_master, write_only_leaves_miso_off_and_chunks_past_the_buffer) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 40'000'000> bus;
  std::vector<uint8_t> out(150);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 7);
  ASSERT_EQ(bus.write(out.data(), out.size()), error_kind::ok);
  ASSERT_EQ(fake.chunks.size(), 3u);
  EXPECT_EQ(fake.chunks[0].bits, 512u);
  EXPECT_EQ(fake.chunks[1].bits, 512u);
  EXPECT_EQ(fake.chunks[2].bits, 22u * 8);
  std::vector<uint8_t> sent;
  for (const auto& c : fake.chunks) {
    EXPECT_EQ(c.user & user_usr_miso, 0u);
    sent.insert(sent.end(), c.sent.begin(), c.sent.end());
  }
  EXPECT_EQ(sent, out);
}

TEST(spi_master, chunked_transfer_reads_every_chunk) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 1'000'000> bus;
  std::vector<uint8_t> out(130), in(130);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i);
  ASSERT_EQ(bus.transfer(in.data(), out.data(), out.size()), error_kind::ok);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(in[i], static_cast<uint8_t>(~i)) << i;
}

TEST(spi_master, errors_for_a_hung_controller_and_missing_buffers) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 1'000'000> bus;
  EXPECT_EQ(bus.write(nullptr, 4), error_kind::other);
  EXPECT_EQ(bus.write(nullptr, 0), error_kind::ok);  // nothing to move
  EXPECT_TRUE(fake.chunks.empty());
  fake.hang = true;
  const uint8_t byte = 1;
  EXPECT_EQ(bus.write(&byte, 1), error_kind::timeout);
  EXPECT_EQ(bus.flush(), error_kind::ok);
}

TEST(spi_master, hardware_cs_stays_active_across_the_chunks_of_a_transaction) {
  spi_fake fake;
  mmio::host_bus_guard guard(fake);
  spi::master<6, 7, 2, 1'000'000> bus;
  spi::hardware_cs<10> cs;
  systimer::delay delay;
  EXPECT_EQ(fake.regs.peek(misc) & misc_cs0_dis, 0u);
  EXPECT_EQ(fake.regs.peek(0x60004554 + 4 * 10) & 0xFFu, 68u);  // GPIO10 out <- FSPICS0
  hal::spi_device_on device{bus, cs, delay};
  std::vector<uint8_t> out(100, 0x5A);
  ASSERT_EQ(device.write(out.data(), out.size()), error_kind::ok);
  ASSERT_EQ(fake.chunks.size(), 2u);
  for (const auto& c : fake.chunks) EXPECT_NE(c.misc & misc_cs_keep_active, 0u);
  EXPECT_EQ(fake.regs.peek(misc) & misc_cs_keep_active, 0u);  // released after the transaction
}

static_assert(hal::spi_bus<spi::master<6, 7, 2, 1'000'000>>);
static_assert(hal::output_pin<spi::hardware_cs<10>>);
static_assert(hal::spi_device<hal::spi_device_on<spi::master<6, 7, 2, 1'000'000>,
                                                 spi::hardware_cs<10>, systimer::delay>>);

// --- spi_device_on on mocks ------------------------------------------------------------------

struct mock_spi {
  std::string* trace;
  error_kind fail_write = error_kind::ok;
  error_kind write(const uint8_t*, size_t n) {
    *trace += "w" + std::to_string(n);
    return fail_write;
  }
  error_kind read(uint8_t* in, size_t n) {
    for (size_t i = 0; i < n; ++i) in[i] = 0x42;
    *trace += "r" + std::to_string(n);
    return error_kind::ok;
  }
  error_kind transfer(uint8_t*, const uint8_t*, size_t n) {
    *trace += "t" + std::to_string(n);
    return error_kind::ok;
  }
  error_kind flush() {
    *trace += "f";
    return error_kind::ok;
  }
};
struct mock_cs {
  std::string* trace;
  void set_high() { *trace += "H"; }
  void set_low() { *trace += "L"; }
};
struct mock_delay {
  std::string* trace;
  void delay_ns(uint32_t) {}
  void delay_us(uint32_t us) { *trace += "d" + std::to_string(us); }
  void delay_ms(uint32_t) {}
};

TEST(spi_device_on, owns_cs_around_every_operation_in_order) {
  std::string trace;
  mock_spi bus{&trace};
  mock_cs cs{&trace};
  mock_delay delay{&trace};
  hal::spi_device_on device{bus, cs, delay};
  EXPECT_EQ(trace, "H");
  uint8_t in[2];
  const uint8_t out[3] = {1, 2, 3};
  hal::spi_operation ops[] = {hal::spi_operation::write(out, 3), hal::spi_operation::delay_ns(1500),
                              hal::spi_operation::read(in, 2),
                              hal::spi_operation::transfer(in, out, 2)};
  trace.clear();
  EXPECT_EQ(device.transaction(ops, 4), error_kind::ok);
  EXPECT_EQ(trace, "Lw3d2r2t2fH");
  EXPECT_EQ(in[0], 0x42);
}

TEST(spi_device_on, an_error_stops_the_transaction_and_still_deselects) {
  std::string trace;
  mock_spi bus{&trace, error_kind::timeout};
  mock_cs cs{&trace};
  mock_delay delay{&trace};
  hal::spi_device_on device{bus, cs, delay};
  uint8_t in[1];
  const uint8_t out[1] = {7};
  hal::spi_operation ops[] = {hal::spi_operation::write(out, 1), hal::spi_operation::read(in, 1)};
  trace.clear();
  EXPECT_EQ(device.transaction(ops, 2), error_kind::timeout);
  EXPECT_EQ(trace, "Lw1fH");
  hal::spi_operation empty{nullptr, nullptr, 3, false};
  EXPECT_EQ(device.transaction(&empty, 1), error_kind::other);
}

static_assert(hal::spi_device<hal::spi_device_on<mock_spi, mock_cs, mock_delay>>);

}  // namespace
