// Fades GPIO5 (an LED through a resistor) with the LEDC's hardware fade: timer 0 at 1 kHz with
// 10-bit duty, channel 0 up from off to 1000/1024 over 1000 periods (1 s), then down to off
// over 500. Also shows the run-time error of an impossible timer configuration.
#include <esp_blink.hpp>

int main() {
  using namespace esp_blink;
  watchdog::disable_all();
  uart::uart0 serial;
  serial.init(115200);
  ledc::timer<0>::configure<1000, 10>();
  // 5 kHz at 14 bits would need a divider below 1 of the 40 MHz clock: refused, nothing changed.
  const ledc::error refused =
      ledc::timer<1>::configure({.frequency_hz = 5000, .resolution_bits = 14});
  print(serial, "pwm: 5 kHz at 14 bits: ", ledc::describe(refused), "\n");
  ledc::channel<0, 0, 5> led;
  if (led.fade_to(1000, 1000) != ledc::error::ok) panic("fade up refused");
  led.wait_fade();
  print(serial, "pwm: up to ", led.current_duty(), "/", led.max_duty_cycle(), "\n");
  if (led.fade_to(0, 500) != ledc::error::ok) panic("fade down refused");
  led.wait_fade();
  print(serial, "pwm: down to ", led.current_duty(), "\n");
  return 0;
}
