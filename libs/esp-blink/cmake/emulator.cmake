# The emulator (host only): Unicorn from Debian's libunicorn-dev, found through pkg-config.
option(ESP_BLINK_EMULATOR "Build esp-blink-emu (needs libunicorn-dev)" ON)
if(NOT ESP_BLINK_EMULATOR)
  return()
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(UNICORN REQUIRED IMPORTED_TARGET unicorn)

add_library(esp_blink_emu_core STATIC
  ${ESP_BLINK_ROOT}/emu/i2c_model.cpp
  ${ESP_BLINK_ROOT}/emu/image.cpp
  ${ESP_BLINK_ROOT}/emu/machine.cpp
  ${ESP_BLINK_ROOT}/emu/peripherals.cpp
  ${ESP_BLINK_ROOT}/emu/sha256.cpp
  ${ESP_BLINK_ROOT}/emu/vcd.cpp)
target_include_directories(esp_blink_emu_core PUBLIC ${ESP_BLINK_ROOT}/emu)
target_link_libraries(esp_blink_emu_core PUBLIC PkgConfig::UNICORN)
target_compile_features(esp_blink_emu_core PUBLIC cxx_std_20)
trio_set_warnings(esp_blink_emu_core)

add_executable(esp-blink-emu ${ESP_BLINK_ROOT}/emu/main.cpp)
target_link_libraries(esp-blink-emu PRIVATE esp_blink_emu_core)
trio_set_warnings(esp-blink-emu)
