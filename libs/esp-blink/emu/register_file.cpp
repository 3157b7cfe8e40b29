// The rule tables behind register_file; docs/esp32c3.md names each address and key.
#include "register_file.hpp"

namespace esp_blink::emu {
namespace {

constexpr uint32_t bit(unsigned n) {
  return 1u << n;
}

constexpr uint32_t gpio_out = 0x60004004, gpio_enable = 0x60004020, gpio_status = 0x60004044;
constexpr uint32_t uart0_int_raw = 0x60000004, uart0_int_clr = 0x60000010;
constexpr uint32_t systimer_conf = 0x60023000, systimer_unit0_op = 0x60023004,
                   systimer_int_raw = 0x60023068, systimer_int_clr = 0x6002306C;
constexpr uint32_t rtc_wdt_config0 = 0x60008090, rtc_swd_conf = 0x600080AC;
constexpr uint32_t timg0 = 0x6001F000, timg1 = 0x60020000, timg_wdt_config0 = 0x48;
constexpr uint32_t uart0_id = 0x60000080, uart1_id = 0x60010080;
constexpr uint32_t system_perip_clk_en0 = 0x600C0010;
constexpr uint32_t wdt_key = 0x50D83AA1, swd_key = 0x8F1D312A;

struct alias {
  uint32_t address, target;
  bool sets;  // true: W1TS-style, false: W1TC-style
};
constexpr alias aliases[] = {
    {0x60004008, gpio_out, true},
    {0x6000400C, gpio_out, false},
    {0x60004024, gpio_enable, true},
    {0x60004028, gpio_enable, false},
    {systimer_int_clr, systimer_int_raw, false},
    {0x60004048, gpio_status, true},
    {0x6000404C, gpio_status, false},
    {uart0_int_clr, uart0_int_raw, false},
};

struct protected_range {
  uint32_t first, last;  // inclusive
  uint32_t key_address, key;
};
constexpr protected_range protected_ranges[] = {
    {rtc_wdt_config0, 0x600080A4, 0x600080A8, wdt_key},               // RTC WDTCONFIG0 .. WDTFEED
    {rtc_swd_conf, rtc_swd_conf, 0x600080B0, swd_key},                // super WDT SWD_CONF
    {timg0 + timg_wdt_config0, timg0 + 0x60, timg0 + 0x64, wdt_key},  // WDTCONFIG0 .. WDTFEED
    {timg1 + timg_wdt_config0, timg1 + 0x60, timg1 + 0x64, wdt_key},
};

struct bits {
  uint32_t address, mask;
};
constexpr bits self_clearing[] = {{uart0_id, bit(31)}, {uart1_id, bit(31)}};  // REG_UPDATE
constexpr bits read_as_one[] = {{systimer_unit0_op, bit(29)}};                // VALUE_VALID

constexpr bits reset_values[] = {
    {rtc_wdt_config0, 0x00013214},           // flash-boot mode on
    {rtc_swd_conf, 0x04B00000},              // not auto-fed
    {timg0 + timg_wdt_config0, 0x0004C000},  // flash-boot mode on
    {timg1 + timg_wdt_config0, 0x0004C000},
    {systimer_conf, 0x46000000},  // unit 0 counting
    {system_perip_clk_en0, 0xF9C1E06F},
    // As the boot leaves them: the CPU at 160 MHz from the PLL (CPUPERIOD_SEL 1, PLL_FREQ_SEL
    // 1; SOC_CLK_SEL 1, CLK_XTAL_FREQ 40).
    {0x600C0008, 0x0000000D},
    {0x600C0058, 0x00028401},
};

}  // namespace

register_file::register_file() {
  for (const auto& r : reset_values) values_[r.address] = r.mask;
}

void register_file::reset_except(uint32_t base, uint32_t size) {
  std::map<uint32_t, uint32_t> kept(values_.lower_bound(base), values_.lower_bound(base + size));
  *this = register_file();
  for (const auto& [address, value] : kept) values_[address] = value;
}

uint32_t register_file::peek(uint32_t address) const {
  const auto it = values_.find(address);
  return it == values_.end() ? 0 : it->second;
}

uint32_t register_file::read(uint32_t address) const {
  uint32_t value = peek(address);
  for (const auto& r : read_as_one) value |= r.address == address ? r.mask : 0u;
  return value;
}

bool register_file::write(uint32_t address, uint32_t value) {
  for (const auto& a : aliases) {
    if (a.address == address) {
      uint32_t& target = values_[a.target];
      target = a.sets ? target | value : target & ~value;
      return true;
    }
  }
  for (const auto& p : protected_ranges) {
    if (address >= p.first && address <= p.last && peek(p.key_address) != p.key) return false;
  }
  for (const auto& s : self_clearing) value &= s.address == address ? ~s.mask : ~0u;
  values_[address] = value;
  return true;
}

}  // namespace esp_blink::emu
