// WS2812 / WS2812B addressable LEDs (the ESP32-C3-DevKitM-1 has one on GPIO8), driven by RMT
// channel 0 so the bit timing does not depend on the CPU.
//
//   esp_blink::ws2812<8> led;
//   led.write({{0x10, 0x00, 0x20}});   // dim purple
//
// Timing (Worldsemi WS2812B datasheet): a 0 bit is 0.40 us high then 0.85 us low, a 1 bit
// 0.80 us high then 0.45 us low, each +-150 ns; colours go out G, R, B, most significant bit
// first; the line then stays low at least 280 us (WS2812B V5; older parts need 50 us) to latch.
#pragma once

#include <esp_blink/rmt.hpp>

#include <stddef.h>
#include <stdint.h>

namespace esp_blink {

/// One LED's colour, 8 bits per channel (sent in the WS2812's G, R, B order).
struct rgb {
  uint8_t r;  ///< Red, 0-255.
  uint8_t g;  ///< Green, 0-255.
  uint8_t b;  ///< Blue, 0-255.
};

/// WS2812B bit and latch timings, in nanoseconds (Worldsemi datasheet).
namespace ws2812_timing {
///@{
/// High and low phases of a 0 bit (t0h, t0l) and of a 1 bit (t1h, t1l).
inline constexpr uint32_t t0h_ns = 400, t0l_ns = 850, t1h_ns = 800, t1l_ns = 450;
///@}
inline constexpr uint32_t tolerance_ns = 150;  ///< Allowed error of each phase.
inline constexpr uint32_t latch_ns = 300'000;  ///< above the 280 us of the strictest parts
}  // namespace ws2812_timing

/// Count LEDs in a chain on Pin. Up to 7 fit one transmission (4 RMT blocks of 48 items).
template <unsigned Pin, unsigned Count = 1, gpio::unlock Unlock = gpio::unlock::none>
class ws2812 {
  static constexpr size_t item_count = Count * 24u + 1u;  // one item per bit, then the latch
  static constexpr unsigned blocks =
      static_cast<unsigned>((item_count + rmt::words_per_block - 1) / rmt::words_per_block);
  static_assert(Count >= 1 && blocks <= 4, "esp_blink::ws2812: 1 to 7 LEDs per chain");

 public:
  /// Sets every LED of the chain (colours[0] is the one nearest the pin).
  void write(const rgb (&colours)[Count]) {
    using namespace ws2812_timing;
    constexpr uint32_t zero =
        rmt::item(true, rmt::ticks_from_ns(t0h_ns), false, rmt::ticks_from_ns(t0l_ns));
    constexpr uint32_t one =
        rmt::item(true, rmt::ticks_from_ns(t1h_ns), false, rmt::ticks_from_ns(t1l_ns));
    static_assert(rmt::ticks_from_ns(latch_ns) <= rmt::max_ticks);
    uint32_t items[item_count];
    size_t n = 0;
    for (const rgb& c : colours) {
      const uint8_t grb[3] = {c.g, c.r, c.b};  // the wire order
      for (uint8_t byte : grb) {
        for (unsigned bit = 8; bit-- > 0;) {
          items[n++] = ((uint32_t{byte} >> bit) & 1u) != 0 ? one : zero;
        }
      }
    }
    items[n++] = rmt::item(false, rmt::ticks_from_ns(latch_ns), false, 0);
    channel_.send(items, n);
  }

 private:
  rmt::tx_channel0<Pin, blocks, Unlock> channel_;
};

}  // namespace esp_blink
