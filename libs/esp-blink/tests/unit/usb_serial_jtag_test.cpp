// The USB-Serial-JTAG port against a fake controller with a 64-byte IN buffer that the "host"
// drains on WR_DONE or when full, and an OUT buffer of received bytes; and the RNG register.
#include <esp_blink/rng.hpp>
#include <esp_blink/usb_serial_jtag.hpp>

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace {

using namespace esp_blink;

constexpr uint32_t ep1 = 0x60043000, ep1_conf = 0x60043004, rng_data = 0x600260B0;

class usb_fake final : public mmio::bus {
 public:
  uint32_t read(uint32_t address) override {
    if (address == ep1_conf) {
      const bool free = host_attached && buffered.size() < 64;
      return (free ? 2u : 0u) | (out.empty() ? 0u : 4u);
    }
    if (address == ep1) {
      if (out.empty()) return 0;
      const uint8_t b = out.front();
      out.pop_front();
      return b;
    }
    if (address == rng_data) return rng_state = rng_state * 1664525u + 1013904223u;
    return 0;
  }
  void write(uint32_t address, uint32_t value) override {
    if (address == ep1) {
      buffered.push_back(static_cast<char>(value & 0xFF));
      if (buffered.size() == 64) send();
    } else if (address == ep1_conf && (value & 1u)) {
      ++wr_done;
      send();
    }
  }
  void send() {
    if (!host_attached) return;
    packets.push_back(buffered);
    buffered.clear();
  }

  bool host_attached = true;
  std::string buffered;
  std::deque<std::string> packets;
  std::deque<uint8_t> out;
  int wr_done = 0;
  uint32_t rng_state = 1;
};

TEST(usb_serial_jtag, writes_in_packets_and_flush_sends_the_rest) {
  usb_fake fake;
  mmio::host_bus_guard guard(fake);
  usb_serial_jtag::port usb;
  std::string text(100, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(usb.write(reinterpret_cast<const uint8_t*>(text.data()), text.size()), 100u);
  ASSERT_EQ(fake.packets.size(), 1u);  // a full buffer goes without WR_DONE
  EXPECT_EQ(fake.packets[0], text.substr(0, 64));
  EXPECT_EQ(fake.wr_done, 0);
  usb.flush();
  ASSERT_EQ(fake.packets.size(), 2u);
  EXPECT_EQ(fake.packets[1], text.substr(64));
  print(usb, "n=", 42, "\n");
  usb.flush();
  EXPECT_EQ(fake.packets.back(), "n=42\n");
}

TEST(usb_serial_jtag, gives_up_without_a_host_instead_of_hanging) {
  usb_fake fake;
  fake.host_attached = false;
  mmio::host_bus_guard guard(fake);
  usb_serial_jtag::port usb;
  const uint8_t bytes[3] = {1, 2, 3};
  EXPECT_EQ(usb.write(bytes, 3), 0u);
  EXPECT_FALSE(usb.write_byte(1));
  EXPECT_TRUE(fake.buffered.empty());
}

TEST(usb_serial_jtag, reads_what_the_host_sent) {
  usb_fake fake;
  mmio::host_bus_guard guard(fake);
  usb_serial_jtag::port usb;
  uint8_t byte = 0;
  EXPECT_FALSE(usb.try_read_byte(byte));
  fake.out = {'o', 'k', '!'};
  uint8_t buf[8] = {};
  EXPECT_EQ(usb.read(buf, 2), 2u);
  EXPECT_EQ(buf[0], 'o');
  EXPECT_EQ(buf[1], 'k');
  EXPECT_EQ(usb.read(buf, 8), 1u);  // only what is there after the first byte
  EXPECT_EQ(buf[0], '!');
  EXPECT_EQ(usb.read(buf, 0), 0u);
}

TEST(rng, each_word_is_a_new_read_and_fill_takes_four_bytes_per_read) {
  usb_fake fake;
  mmio::host_bus_guard guard(fake);
  const uint32_t a = rng::next();
  const uint32_t b = rng::next();
  EXPECT_NE(a, b);
  fake.rng_state = 1;
  const uint32_t first = 1u * 1664525u + 1013904223u;
  uint8_t out[6] = {};
  rng::fill(out, 6);
  EXPECT_EQ(out[0], static_cast<uint8_t>(first));
  EXPECT_EQ(out[3], static_cast<uint8_t>(first >> 24));
  EXPECT_EQ(fake.rng_state, first * 1664525u + 1013904223u);  // two reads for six bytes
}

}  // namespace
