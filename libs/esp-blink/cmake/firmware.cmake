# Cross build: the runtime objects and one firmware per example, each linked twice:
#   <name>.elf      direct-boot layout -> <name>.direct.bin (flash at 0x0)
#   <name>.app.elf  app-image layout   -> <name>.bin        (flash at 0x10000, IDF bootloader)
enable_language(ASM)

# Link-time optimization across the runtime, the interrupt layer and the firmware: inlining and
# dead-code removal across files take ~240 bytes off async_blink (docs/esp-blink.md, "Size").
# Every target below sets it; CMake then archives with riscv64-unknown-elf-gcc-ar.
set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)

set(ESP_BLINK_RT_SOURCES
  ${ESP_BLINK_ROOT}/rt/start.S
  ${ESP_BLINK_ROOT}/rt/vectors.S
  ${ESP_BLINK_ROOT}/rt/runtime.cpp
  ${ESP_BLINK_ROOT}/rt/memory.cpp)
set_source_files_properties(${ESP_BLINK_ROOT}/rt/memory.cpp PROPERTIES
  COMPILE_OPTIONS "-fno-tree-loop-distribute-patterns;-fno-builtin;-fno-lto")
# (-fno-lto: those two flags keep memset/memcpy from being compiled into calls to themselves;
# a link-time optimizer would compile the bodies again without them.)

add_library(esp_blink_rt OBJECT ${ESP_BLINK_RT_SOURCES})
target_link_libraries(esp_blink_rt PUBLIC esp_blink_hal)
trio_set_warnings(esp_blink_rt)

# Interrupt entry and dispatch: an archive, so only a firmware whose ESP_BLINK_INTERRUPTS
# table references esp_blink_interrupt_entry links them (the others keep the default table).
add_library(esp_blink_rt_interrupts STATIC
  ${ESP_BLINK_ROOT}/rt/interrupt_entry.S
  ${ESP_BLINK_ROOT}/rt/interrupt.cpp)
target_link_libraries(esp_blink_rt_interrupts PUBLIC esp_blink_hal)
trio_set_warnings(esp_blink_rt_interrupts)

# -n (no page alignment): otherwise ld may put the ELF headers into the .bss segment when .bss
# does not start on a page, and the image tool would see a RAM segment with file bytes.
set(ESP_BLINK_LINK_FLAGS -nostdlib -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,-n)

function(esp_blink_firmware name)
  set(out "${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
  foreach(layout direct app)
    if(layout STREQUAL "direct")
      set(target ${name})
      set(suffix ".elf")
      set(script ${ESP_BLINK_ROOT}/rt/esp32c3-direct-boot.ld)
    else()
      set(target ${name}_app)
      set(suffix ".app.elf")
      set(script ${ESP_BLINK_ROOT}/rt/esp32c3-app.ld)
    endif()
    add_executable(${target} ${ARGN} $<TARGET_OBJECTS:esp_blink_rt>)
    if(layout STREQUAL "app")
      target_sources(${target} PRIVATE ${ESP_BLINK_ROOT}/rt/app_desc.cpp)
      target_compile_definitions(${target} PRIVATE ESP_BLINK_APP_NAME="${name}")
    endif()
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${name} SUFFIX ${suffix}
                                               LINK_DEPENDS ${script})
    target_link_libraries(${target} PRIVATE esp_blink_hal esp_blink_rt_interrupts)
    target_link_options(${target} PRIVATE ${ESP_BLINK_LINK_FLAGS} -T ${script}
                        -Wl,-Map=${out}/${name}${suffix}.map)
    target_link_libraries(${target} PRIVATE gcc)
    trio_set_warnings(${target})
  endforeach()
  add_custom_command(TARGET ${name}_app POST_BUILD
    COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tools/esp_image.py app
            ${out}/${name}.app.elf -o ${out}/${name}.bin
    VERBATIM)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tools/esp_image.py direct
            ${out}/${name}.elf -o ${out}/${name}.direct.bin
    VERBATIM)
endfunction()

esp_blink_firmware(blink ${ESP_BLINK_ROOT}/examples/blink.cpp)
esp_blink_firmware(hello ${ESP_BLINK_ROOT}/examples/hello.cpp)
esp_blink_firmware(i2c ${ESP_BLINK_ROOT}/examples/i2c.cpp)
esp_blink_firmware(rgb ${ESP_BLINK_ROOT}/examples/rgb.cpp)
esp_blink_firmware(async_blink ${ESP_BLINK_ROOT}/examples/async_blink.cpp)
esp_blink_firmware(spi_display ${ESP_BLINK_ROOT}/examples/spi_display.cpp)
esp_blink_firmware(usb_hello ${ESP_BLINK_ROOT}/examples/usb_hello.cpp)
esp_blink_firmware(watchdog ${ESP_BLINK_ROOT}/examples/watchdog.cpp)
esp_blink_firmware(clock160 ${ESP_BLINK_ROOT}/examples/clock160.cpp)
esp_blink_firmware(pwm_fade ${ESP_BLINK_ROOT}/examples/pwm_fade.cpp)
esp_blink_firmware(adc_read ${ESP_BLINK_ROOT}/examples/adc_read.cpp)
# Not examples: firmware the emulator tests run (illegal instruction, failed assertion, UART
# receive, start-up effects, watchdogs left running, the interrupt-driven I2C transaction, the timer queue).
esp_blink_firmware(trap ${ESP_BLINK_ROOT}/tests/firmware/trap.cpp)
esp_blink_firmware(panic ${ESP_BLINK_ROOT}/tests/firmware/panic.cpp)
esp_blink_firmware(echo ${ESP_BLINK_ROOT}/tests/firmware/echo.cpp)
esp_blink_firmware(startup ${ESP_BLINK_ROOT}/tests/firmware/startup.cpp)
esp_blink_firmware(forgetful ${ESP_BLINK_ROOT}/tests/firmware/forgetful.cpp)
esp_blink_firmware(interrupts ${ESP_BLINK_ROOT}/tests/firmware/interrupts.cpp)
esp_blink_firmware(irq_sleep ${ESP_BLINK_ROOT}/tests/firmware/irq_sleep.cpp)
esp_blink_firmware(executor ${ESP_BLINK_ROOT}/tests/firmware/executor.cpp)
esp_blink_firmware(async_i2c ${ESP_BLINK_ROOT}/tests/firmware/async_i2c.cpp)
esp_blink_firmware(sleepers ${ESP_BLINK_ROOT}/tests/firmware/sleepers.cpp)
esp_blink_firmware(uart1_hello ${ESP_BLINK_ROOT}/tests/firmware/uart1_hello.cpp)
