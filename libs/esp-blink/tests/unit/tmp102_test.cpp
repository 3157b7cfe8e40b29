// The TMP102 driver against a host mock of hal::i2c: no chip registers involved at all.
#include <esp_blink/drivers/tmp102.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using esp_blink::hal::error_kind;

// A bus that records what is sent and answers reads from a script.
struct mock_bus {
  std::vector<uint8_t> sent;
  std::vector<uint8_t> answer;
  uint8_t last_address = 0;
  error_kind fail_with = error_kind::ok;

  error_kind write(uint8_t address, const uint8_t* data, size_t n) {
    last_address = address;
    if (fail_with != error_kind::ok) return fail_with;
    sent.insert(sent.end(), data, data + n);
    return error_kind::ok;
  }
  error_kind read(uint8_t address, uint8_t* data, size_t n) {
    last_address = address;
    if (fail_with != error_kind::ok) return fail_with;
    for (size_t i = 0; i < n; ++i) data[i] = i < answer.size() ? answer[i] : 0xFF;
    return error_kind::ok;
  }
  error_kind write_read(uint8_t address, const uint8_t* out, size_t n, uint8_t* in, size_t m) {
    const error_kind e = write(address, out, n);
    return e != error_kind::ok ? e : read(address, in, m);
  }
  error_kind transaction(uint8_t, esp_blink::hal::i2c_operation*, size_t) {
    return error_kind::other;
  }
};
static_assert(esp_blink::hal::i2c<mock_bus>);

TEST(tmp102, reads_the_temperature_register) {
  mock_bus bus;
  bus.answer = {0x19, 0x00};  // datasheet table: 0x190 = 25 degC
  esp_blink::drivers::tmp102 sensor(bus);
  const auto r = sensor.read_temperature();
  EXPECT_EQ(r.error, error_kind::ok);
  EXPECT_EQ(r.sixteenths, 25 * 16);
  EXPECT_EQ(bus.sent, (std::vector<uint8_t>{0x00}));  // pointer to the temperature register
  EXPECT_EQ(bus.last_address, 0x48);
}

TEST(tmp102, negative_and_fractional_values_follow_the_datasheet) {
  mock_bus bus;
  esp_blink::drivers::tmp102 sensor(bus, 0x49);
  bus.answer = {0xFF, 0xC0};  // -0.25 degC: 0xFFC in 12 bits
  EXPECT_EQ(sensor.read_temperature().sixteenths, -4);
  bus.answer = {0xE7, 0x00};  // -25 degC: 0xE70
  EXPECT_EQ(sensor.read_temperature().sixteenths, -25 * 16);
  bus.answer = {0x00, 0x10};  // 0.0625 degC
  EXPECT_EQ(sensor.read_temperature().sixteenths, 1);
  bus.answer = {0x7F, 0xF0};  // 127.9375 degC, the 12-bit maximum
  EXPECT_EQ(sensor.read_temperature().sixteenths, 2047);
  EXPECT_EQ(bus.last_address, 0x49);
}

TEST(tmp102, extended_mode_has_thirteen_bits) {
  mock_bus bus;
  bus.answer = {0x4B, 0x01};  // 150 degC in extended mode: 0x960 << 3, EM flag in bit 0
  esp_blink::drivers::tmp102 sensor(bus);
  EXPECT_EQ(sensor.read_temperature().sixteenths, 150 * 16);
}

TEST(tmp102, bus_errors_are_passed_through) {
  mock_bus bus;
  bus.fail_with = error_kind::no_acknowledge_address;
  esp_blink::drivers::tmp102 sensor(bus);
  EXPECT_EQ(sensor.read_temperature().error, error_kind::no_acknowledge_address);
  bus.fail_with = error_kind::no_acknowledge_data;
  EXPECT_EQ(sensor.set_shutdown(true), error_kind::no_acknowledge_data);
}

TEST(tmp102, shutdown_sets_only_the_sd_bit) {
  mock_bus bus;
  bus.answer = {0x60, 0xA0};  // power-on configuration
  esp_blink::drivers::tmp102 sensor(bus);
  EXPECT_EQ(sensor.set_shutdown(true), error_kind::ok);
  EXPECT_EQ(bus.sent, (std::vector<uint8_t>{0x01, 0x01, 0x61, 0xA0}));
}

}  // namespace
