// A watchdog that is fed, then not: the first boot arms TIMG0's main watchdog to reset the
// digital core 200 ms after the last feed, feeds it for half a second, then stops feeding. The
// watchdog resets the chip; the next boot reads why (RTC_CNTL RESET_STATE) and halts.
#include <esp_blink.hpp>

namespace wdt = esp_blink::watchdog;

int main() {
  wdt::disable_all();  // the ones the ROM armed
  const esp_blink::uart::uart0 serial;
  serial.init(115200);
  const wdt::reset_reason why = wdt::last_reset_reason();
  esp_blink::print(serial, "watchdog: reset reason ", static_cast<uint32_t>(why), " (",
                   wdt::name(why), ")\n");
  if (why != wdt::reset_reason::power_on) {
    serial.flush();
    return 0;
  }
  const wdt::config reset_after_200ms{{{wdt::action::reset_core, 200}}};
  if (wdt::configure_timer_group<esp_blink::pac::timg0>(reset_after_200ms) != wdt::error::ok) {
    return 1;
  }
  for (int i = 0; i < 5; ++i) {
    esp_blink::systimer::delay_ms(100);
    wdt::feed_timer_group<esp_blink::pac::timg0>();
  }
  esp_blink::print(serial, "watchdog: fed for 500 ms, feeding no more\n");
  serial.flush();
  for (;;) esp_blink::systimer::delay_ms(50);
}
