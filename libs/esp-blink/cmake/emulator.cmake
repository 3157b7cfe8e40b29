# The emulator (host only): Unicorn from Debian's libunicorn-dev, found through pkg-config.

# The register file with the chip's store rules (W1TS/W1TC, write-protect keys, self-clearing
# bits): the emulator's models and the unit tests' register-file fake share it, so it does not
# need Unicorn.
add_library(esp_blink_register_file STATIC ${ESP_BLINK_ROOT}/emu/register_file.cpp)
target_include_directories(esp_blink_register_file PUBLIC ${ESP_BLINK_ROOT}/emu)
target_compile_features(esp_blink_register_file PUBLIC cxx_std_20)
trio_set_warnings(esp_blink_register_file)

option(ESP_BLINK_EMULATOR "Build esp-blink-emu (needs libunicorn-dev)" ON)
if(NOT ESP_BLINK_EMULATOR)
  return()
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(UNICORN REQUIRED IMPORTED_TARGET unicorn)
find_package(PNG REQUIRED)  # the SSD1306 model's PNG (Debian libpng-dev)

add_library(esp_blink_emu_core STATIC
  ${ESP_BLINK_ROOT}/emu/front_end.cpp
  ${ESP_BLINK_ROOT}/emu/adc_model.cpp
  ${ESP_BLINK_ROOT}/emu/gpio_model.cpp
  ${ESP_BLINK_ROOT}/emu/i2c_model.cpp
  ${ESP_BLINK_ROOT}/emu/image.cpp
  ${ESP_BLINK_ROOT}/emu/intmatrix_model.cpp
  ${ESP_BLINK_ROOT}/emu/ledc_model.cpp
  ${ESP_BLINK_ROOT}/emu/machine.cpp
  ${ESP_BLINK_ROOT}/emu/options.cpp
  ${ESP_BLINK_ROOT}/emu/peripherals.cpp
  ${ESP_BLINK_ROOT}/emu/rmt_model.cpp
  ${ESP_BLINK_ROOT}/emu/sha256.cpp
  ${ESP_BLINK_ROOT}/emu/spi2_model.cpp
  ${ESP_BLINK_ROOT}/emu/ssd1306_model.cpp
  ${ESP_BLINK_ROOT}/emu/stdin_source.cpp
  ${ESP_BLINK_ROOT}/emu/systimer_model.cpp
  ${ESP_BLINK_ROOT}/emu/uart_model.cpp
  ${ESP_BLINK_ROOT}/emu/usb_serial_jtag_model.cpp
  ${ESP_BLINK_ROOT}/emu/vcd.cpp
  ${ESP_BLINK_ROOT}/emu/watchdog_models.cpp)
target_include_directories(esp_blink_emu_core PUBLIC ${ESP_BLINK_ROOT}/emu)
target_link_libraries(esp_blink_emu_core PUBLIC esp_blink_register_file PkgConfig::UNICORN PNG::PNG)
target_compile_features(esp_blink_emu_core PUBLIC cxx_std_20)
trio_set_warnings(esp_blink_emu_core)

add_executable(esp-blink-emu ${ESP_BLINK_ROOT}/emu/main.cpp)
target_link_libraries(esp-blink-emu PRIVATE esp_blink_emu_core)
trio_set_warnings(esp-blink-emu)
