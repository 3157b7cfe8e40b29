// Misuse that must not compile. CMake compiles this file once per ESP_BLINK_CASE and expects
// the library's diagnostic; case 0 has no misuse and must compile.
#include <esp_blink/gpio.hpp>
#include <esp_blink/pac/gpio.hpp>
#include <esp_blink/pac/i2c0.hpp>
#include <esp_blink/pac/uart0.hpp>

using namespace esp_blink;

void misuse() {
#if ESP_BLINK_CASE == 0
  pac::gpio::out_w1ts::write(pac::gpio::out_w1ts::out_w1ts_field::value<1>());
  (void)pac::uart0::status::read();
  gpio::output_pin<8> ok;
  gpio::output_pin<12, gpio::unlock::flash> unlocked_flash;
  gpio::input_pin<19, gpio::unlock::usb> unlocked_usb;
  using comd = pac::i2c0::comd<0>;
  constexpr uint32_t word = comd::pack(comd::byte_num::dynamic(255));
  constexpr uint32_t last = pac::i2c0::comd_array::address(7);
  (void)word;
  (void)last;
#elif ESP_BLINK_CASE == 1
  (void)pac::gpio::out_w1ts::read();  // write-only register
#elif ESP_BLINK_CASE == 2
  pac::uart0::status::write_raw(0);  // read-only register
#elif ESP_BLINK_CASE == 3
  (void)pac::gpio::func_out_sel_cfg<8>::out_sel::value<256>();  // 8-bit field
#elif ESP_BLINK_CASE == 4
  (void)pac::uart0::status::txfifo_cnt::value<1>();  // read-only field
#elif ESP_BLINK_CASE == 5
  pac::gpio::out::write(pac::gpio::enable::data::value<1>());  // another register's field
#elif ESP_BLINK_CASE == 6
  using cfg = pac::gpio::func_out_sel_cfg<8>;
  cfg::write(cfg::out_sel::value<1>(), cfg::out_sel::value<2>());  // same field twice
#elif ESP_BLINK_CASE == 7
  gpio::output_pin<22> no_such_pin;
#elif ESP_BLINK_CASE == 8
  gpio::output_pin<12> flash_pin;
#elif ESP_BLINK_CASE == 9
  gpio::input_pin<18> usb_pin;
#elif ESP_BLINK_CASE == 10
  pac::gpio::func_out_sel_cfg<22>::write_raw(0);  // the patch table says 22 GPIOs
#elif ESP_BLINK_CASE == 11
  (void)pac::gpio::out_w1ts::out_w1ts_field::read();  // write-only field
#elif ESP_BLINK_CASE == 12
  using comd = pac::i2c0::comd<0>;
  constexpr uint32_t word = comd::pack(comd::byte_num::dynamic(256));  // 8-bit field, constant
  (void)word;
#elif ESP_BLINK_CASE == 13
  constexpr uint32_t ninth = pac::i2c0::comd_array::address(8);  // COMD0..7
  (void)ninth;
#endif
}

// Interrupt bindings: the table is checked where it is written (esp_blink/interrupt.hpp).
#include <esp_blink/interrupt.hpp>

void handler_a();
void handler_b();

#if ESP_BLINK_CASE == 0
ESP_BLINK_INTERRUPTS({interrupt::source::gpio, handler_a},
                     {interrupt::source::uart0, handler_b, 3, interrupt::trigger::edge});
static_assert(interrupt::line_of(esp_blink_bindings_::bound, interrupt::source::uart0) == 2);
static_assert(esp_blink_bindings_::bound.edge_lines == 1u << 2);
#elif ESP_BLINK_CASE == 14
ESP_BLINK_INTERRUPTS({interrupt::source::gpio, handler_a}, {interrupt::source::gpio, handler_b});
#elif ESP_BLINK_CASE == 15
ESP_BLINK_INTERRUPTS({interrupt::source::gpio, nullptr});
#elif ESP_BLINK_CASE == 16
ESP_BLINK_NESTED_INTERRUPTS({interrupt::source::gpio, handler_a, 16});
#endif
