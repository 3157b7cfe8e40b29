// The application descriptor an ESP-IDF bootloader looks for at the start of the first DROM
// segment (docs/esp32c3.md, "App image format"). Linked into app-layout ELFs only.
#include <stdint.h>

#ifndef ESP_BLINK_APP_NAME
#define ESP_BLINK_APP_NAME "esp-blink"
#endif

namespace {

// Layout of ESP-IDF's esp_app_desc_t (256 bytes); fields the bootloader does not need stay 0.
struct app_desc {
  uint32_t magic;
  uint32_t secure_version;
  uint32_t reserved1[2];
  char version[32];
  char project_name[32];
  char time[16];
  char date[16];
  char idf_ver[32];
  uint8_t app_elf_sha256[32];
  uint32_t reserved2[20];
};
static_assert(sizeof(app_desc) == 256);

[[gnu::used, gnu::section(".rodata_desc")]] const app_desc descriptor = {
    0xABCD5432u, 0, {0, 0}, "0.1.0", ESP_BLINK_APP_NAME, "", "", "esp-blink", {}, {}};

}  // namespace
