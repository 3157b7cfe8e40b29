// The SHT3x driver against host mocks of hal::i2c and hal::delay_ns: NACKs and checksum
// errors included.
#include <esp_blink/drivers/sht3x.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using esp_blink::drivers::sht3x_crc;
using esp_blink::drivers::sht3x_status;
using esp_blink::hal::error_kind;

struct mock_bus {
  std::vector<uint8_t> sent;
  std::vector<uint8_t> answer;
  error_kind write_result = error_kind::ok;
  error_kind read_result = error_kind::ok;

  error_kind write(uint8_t, const uint8_t* data, size_t n) {
    sent.insert(sent.end(), data, data + n);
    return write_result;
  }
  error_kind read(uint8_t, uint8_t* data, size_t n) {
    for (size_t i = 0; i < n; ++i) data[i] = i < answer.size() ? answer[i] : 0xFF;
    return read_result;
  }
  error_kind write_read(uint8_t a, const uint8_t* o, size_t n, uint8_t* in, size_t m) {
    const error_kind e = write(a, o, n);
    return e != error_kind::ok ? e : read(a, in, m);
  }
  error_kind transaction(uint8_t, esp_blink::hal::i2c_operation*, size_t) {
    return error_kind::other;
  }
};

struct mock_delay {
  uint64_t total_ns = 0;
  void delay_ns(uint32_t ns) { total_ns += ns; }
  void delay_us(uint32_t us) { total_ns += uint64_t{us} * 1000; }
  void delay_ms(uint32_t ms) { total_ns += uint64_t{ms} * 1'000'000; }
};

std::vector<uint8_t> frame(uint16_t t, uint16_t rh) {
  const auto th = static_cast<uint8_t>(t >> 8), tl = static_cast<uint8_t>(t);
  const auto hh = static_cast<uint8_t>(rh >> 8), hl = static_cast<uint8_t>(rh);
  return {th, tl, sht3x_crc(th, tl), hh, hl, sht3x_crc(hh, hl)};
}

TEST(sht3x, crc_matches_the_datasheet_example) {
  static_assert(sht3x_crc(0xBE, 0xEF) == 0x92);
  EXPECT_EQ(sht3x_crc(0x00, 0x00), 0x81);
}

TEST(sht3x, measurement_converts_as_the_datasheet_says) {
  mock_bus bus;
  mock_delay delay;
  bus.answer = frame(0x6666, 0x8000);  // 25.0 degC (-45 + 175 * 0.4), 50.0 %RH
  esp_blink::drivers::sht3x sensor(bus, delay);
  const auto m = sensor.measure();
  EXPECT_EQ(m.status, sht3x_status::ok);
  EXPECT_EQ(m.centi_celsius, 2500);
  EXPECT_EQ(m.centi_percent, 5000);
  EXPECT_EQ(bus.sent, (std::vector<uint8_t>{0x24, 0x00}));
  EXPECT_GE(delay.total_ns, 15'500'000u);  // waited for the conversion
}

TEST(sht3x, extremes) {
  mock_bus bus;
  mock_delay delay;
  esp_blink::drivers::sht3x sensor(bus, delay);
  bus.answer = frame(0x0000, 0xFFFF);
  auto m = sensor.measure();
  EXPECT_EQ(m.centi_celsius, -4500);
  EXPECT_EQ(m.centi_percent, 10000);
  bus.answer = frame(0xFFFF, 0x0000);
  m = sensor.measure();
  EXPECT_EQ(m.centi_celsius, 13000);
  EXPECT_EQ(m.centi_percent, 0);
}

TEST(sht3x, corrupted_temperature_or_humidity_is_a_checksum_error) {
  mock_bus bus;
  mock_delay delay;
  esp_blink::drivers::sht3x sensor(bus, delay);
  bus.answer = frame(0x6666, 0x8000);
  bus.answer[1] ^= 0x01;
  EXPECT_EQ(sensor.measure().status, sht3x_status::checksum_error);
  bus.answer = frame(0x6666, 0x8000);
  bus.answer[5] ^= 0x80;
  EXPECT_EQ(sensor.measure().status, sht3x_status::checksum_error);
}

TEST(sht3x, nack_is_reported_with_its_kind) {
  mock_bus bus;
  mock_delay delay;
  esp_blink::drivers::sht3x sensor(bus, delay);
  bus.write_result = error_kind::no_acknowledge_address;
  auto m = sensor.measure();
  EXPECT_EQ(m.status, sht3x_status::bus_error);
  EXPECT_EQ(m.bus_error, error_kind::no_acknowledge_address);
  EXPECT_EQ(delay.total_ns, 0u);  // no point waiting for a sensor that is not there
  bus.write_result = error_kind::ok;
  bus.read_result = error_kind::no_acknowledge_data;
  m = sensor.measure();
  EXPECT_EQ(m.bus_error, error_kind::no_acknowledge_data);
}

}  // namespace
