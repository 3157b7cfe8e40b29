# Host tests. Labels: esp-blink plus unit (host, fake registers) or emu (firmware images).
include(trio_testing)

set(ESP_BLINK_SVD "${ESP_BLINK_ROOT}/../../../shared/data/esp32c3/esp32c3.svd"
    CACHE FILEPATH "Espressif's esp32c3.svd, read by the generator check (never copied here)")

# --- generator -------------------------------------------------------------------------------
# Without the SVD the check exits 77 and says why: CTest reports it skipped, not passed.
add_test(NAME esp_blink.generated_headers_are_fresh
  COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tools/svd2hpp.py --svd ${ESP_BLINK_SVD}
          --check ${ESP_BLINK_ROOT}/generated/esp_blink/pac)
set_tests_properties(esp_blink.generated_headers_are_fresh PROPERTIES LABELS "esp-blink;unit"
  SKIP_RETURN_CODE 77)

add_test(NAME esp_blink.image_tool
  COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tests/image_tool_test.py)
set_tests_properties(esp_blink.image_tool PROPERTIES LABELS "esp-blink;unit")

# The generator's property tests need Hypothesis (Debian python3-hypothesis, which installs it for
# the system python3): the first interpreter that has it runs them; without one the test fails
# on the import, saying so.
set(hypothesis_python ${Python3_EXECUTABLE})
foreach(candidate ${Python3_EXECUTABLE} /usr/bin/python3)
  execute_process(COMMAND ${candidate} -c "import hypothesis" RESULT_VARIABLE no_hypothesis
                  OUTPUT_QUIET ERROR_QUIET)
  if(no_hypothesis EQUAL 0)
    set(hypothesis_python ${candidate})
    break()
  endif()
endforeach()
add_test(NAME esp_blink.svd_properties
  COMMAND ${hypothesis_python} ${ESP_BLINK_ROOT}/tests/svd_properties_test.py)
set_tests_properties(esp_blink.svd_properties PROPERTIES LABELS "esp-blink;unit" TIMEOUT 300)

# The emulator on corrupt files (the emulator fuzz target's corrupt_* seeds): exit status 4 and
# "esp-blink-emu: FILE: reason", never a crash or a hang. Needs no firmware.
if(TARGET esp-blink-emu)
  add_test(NAME esp_blink.cli.corrupt_files_are_load_errors
    COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tests/corrupt_files_test.py
            $<TARGET_FILE:esp-blink-emu> ${ESP_BLINK_ROOT}/fuzz/corpus/esp_blink_fuzz_emulator)
  set_tests_properties(esp_blink.cli.corrupt_files_are_load_errors PROPERTIES
    LABELS "esp-blink;unit")
endif()

# A small SVD of our own exercising what the C3's SVD does not use (clusters, dim arrays with
# an offset index, derivedFrom, enumerated values), generated at build time and compiled.
set(fixture_out ${CMAKE_CURRENT_BINARY_DIR}/fixture_pac/esp_blink/pac)
add_custom_command(OUTPUT ${fixture_out}/demo0.hpp ${fixture_out}/demo1.hpp
  COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tools/svd2hpp.py
          --svd ${ESP_BLINK_ROOT}/tests/data/fixture.svd --peripherals DEMO0,DEMO1 --no-umbrella
          --out ${fixture_out}
  DEPENDS ${ESP_BLINK_ROOT}/tools/svd2hpp.py ${ESP_BLINK_ROOT}/tools/svd_patches.py
          ${ESP_BLINK_ROOT}/tests/data/fixture.svd
  VERBATIM)

# --- unit tests against the register-file fake ---------------------------------------------
trio_gtest(NAME esp_blink_unit_tests LIB esp-blink KIND unit DISCOVER esp_blink.
  LINK esp_blink::hal SOURCES
  ${ESP_BLINK_ROOT}/tests/unit/register_file_fake.cpp
  ${ESP_BLINK_ROOT}/tests/unit/reg_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/generator_fixture_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/gpio_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/uart_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/watchdog_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/clock_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/systimer_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/format_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/concepts_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/i2c_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/spi_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/ssd1306_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/usb_serial_jtag_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/ledc_adc_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/tmp102_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/ws2812_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/sht3x_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/interrupt_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/async_test.cpp
  ${ESP_BLINK_ROOT}/tests/unit/async_hw_test.cpp
  ${fixture_out}/demo0.hpp ${fixture_out}/demo1.hpp)
target_include_directories(esp_blink_unit_tests PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/fixture_pac)
target_link_libraries(esp_blink_unit_tests PRIVATE esp_blink_register_file)  # the fake's storage

# --- the coroutine declarations the target uses, run on the host ----------------------------
# Built without the host's C++ headers, so only esp_blink/detail/coroutine.hpp's own
# declarations are seen (the host tests above use the standard <coroutine>).
add_executable(esp_blink_coroutine_header_test ${ESP_BLINK_ROOT}/tests/unit/coroutine_header_test.cpp)
target_link_libraries(esp_blink_coroutine_header_test PRIVATE esp_blink::hal)
target_compile_options(esp_blink_coroutine_header_test PRIVATE -nostdinc++)
target_compile_definitions(esp_blink_coroutine_header_test PRIVATE ESP_BLINK_OWN_COROUTINE)
trio_set_warnings(esp_blink_coroutine_header_test)
add_test(NAME esp_blink.coroutine_header_freestanding COMMAND esp_blink_coroutine_header_test)
set_tests_properties(esp_blink.coroutine_header_freestanding PROPERTIES LABELS "esp-blink;unit")

# --- misuse that must not compile ------------------------------------------------------------
# Each case compiles tests/unit/compile_fail.cpp with one misuse enabled and expects the
# library's diagnostic; case 0 (no misuse) must compile, so a broken include cannot pass.
get_target_property(hal_includes esp_blink_hal INTERFACE_INCLUDE_DIRECTORIES)
set(compile_fail_cmd ${CMAKE_CXX_COMPILER} -std=c++20 -fsyntax-only
    -I${ESP_BLINK_ROOT}/include -I${ESP_BLINK_ROOT}/generated
    ${ESP_BLINK_ROOT}/tests/unit/compile_fail.cpp)
add_test(NAME esp_blink.compile_fail.control COMMAND ${compile_fail_cmd} -DESP_BLINK_CASE=0)
set_tests_properties(esp_blink.compile_fail.control PROPERTIES LABELS "esp-blink;unit")
foreach(case_and_message
    "1|register is write-only"
    "2|register is read-only"
    "3|constant does not fit the field"
    "4|field is read-only"
    "5|field belongs to another register"
    "6|a field is named twice"
    "7|the ESP32-C3 has GPIO0..GPIO21"
    "8|GPIO11-17 drive the SPI flash"
    "9|GPIO18/19 are USB"
    "10|index outside func_out_sel_cfg"
    "11|field is write-only"
    "12|value_does_not_fit_the_field"
    "13|index_out_of_range"
    "14|a source is bound twice"
    "15|a source is bound to no handler"
    "16|priority must be 1..15")
  string(REPLACE "|" ";" parts "${case_and_message}")
  list(GET parts 0 case)
  list(GET parts 1 message)
  add_test(NAME esp_blink.compile_fail.case${case} COMMAND ${compile_fail_cmd} -DESP_BLINK_CASE=${case})
  set_tests_properties(esp_blink.compile_fail.case${case} PROPERTIES
    LABELS "esp-blink;unit" PASS_REGULAR_EXPRESSION "${message}")
endforeach()

# --- firmware for the emulator tests ---------------------------------------------------------
find_program(ESP_BLINK_CROSS_CXX riscv64-unknown-elf-g++)
set(firmware_default OFF)
if(ESP_BLINK_CROSS_CXX)
  set(firmware_default ON)
endif()
option(ESP_BLINK_FIRMWARE "Build the firmware (cross compiler) for the emulator tests"
       ${firmware_default})
if(NOT ESP_BLINK_FIRMWARE OR NOT TARGET esp-blink-emu)
  return()
endif()
include(ExternalProject)
set(firmware_dir ${CMAKE_BINARY_DIR}/esp32c3-firmware)
ExternalProject_Add(esp_blink_firmware
  SOURCE_DIR ${ESP_BLINK_ROOT}
  BINARY_DIR ${firmware_dir}
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${ESP_BLINK_ROOT}/../../cmake/esp32c3-toolchain.cmake
             -DCMAKE_BUILD_TYPE=MinSizeRel -DTRIO_WERROR=${TRIO_WERROR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD OFF)
set(ESP_BLINK_FIRMWARE_BIN ${firmware_dir}/bin)

trio_gtest(NAME esp_blink_emu_tests LIB esp-blink KIND emu DISCOVER esp_blink.
  LINK esp_blink_emu_core SOURCES
  ${ESP_BLINK_ROOT}/tests/emu/firmware_test.cpp
  ${ESP_BLINK_ROOT}/tests/emu/front_end_test.cpp
  ${ESP_BLINK_ROOT}/tests/emu/image_test.cpp
  ${ESP_BLINK_ROOT}/tests/emu/model_test.cpp
  ${ESP_BLINK_ROOT}/tests/emu/interrupt_model_test.cpp
  ${ESP_BLINK_ROOT}/tests/emu/options_test.cpp)
add_dependencies(esp_blink_emu_tests esp_blink_firmware)
target_sources(esp_blink_emu_tests PRIVATE ${ESP_BLINK_ROOT}/tests/emu/async_blink_test.cpp
  ${ESP_BLINK_ROOT}/tests/emu/spi_usb_test.cpp ${ESP_BLINK_ROOT}/tests/emu/pwm_adc_test.cpp)
# spi_usb_test draws the spi_display example's pattern on the host to know the expected pixels,
# and keeps the panel's PNG in the build tree as an artifact.
target_include_directories(esp_blink_emu_tests PRIVATE ${ESP_BLINK_ROOT}/examples
  ${ESP_BLINK_ROOT}/include)
target_compile_definitions(esp_blink_emu_tests PRIVATE
  ESP_BLINK_FIRMWARE_BIN="${ESP_BLINK_FIRMWARE_BIN}"
  ESP_BLINK_DISPLAY_PNG="${CMAKE_BINARY_DIR}/esp-blink-artifacts/spi_display.png"
  ESP_BLINK_PWM_VCD="${CMAKE_BINARY_DIR}/esp-blink-artifacts/pwm_fade.vcd")
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/esp-blink-artifacts)

# The final ELFs: no C++ runtime support, no heap, no unwind tables; sizes within budget.
foreach(fw blink hello i2c rgb interrupts irq_sleep executor async_blink spi_display usb_hello
    watchdog clock160 pwm_fade adc_read)
  add_test(NAME esp_blink.elf_is_freestanding.${fw}
    COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tests/check_elf.py
            ${ESP_BLINK_FIRMWARE_BIN}/${fw}.elf ${ESP_BLINK_FIRMWARE_BIN}/${fw}.app.elf)
  set_tests_properties(esp_blink.elf_is_freestanding.${fw} PROPERTIES LABELS "esp-blink;emu")
endforeach()
add_test(NAME esp_blink.size_budget
  COMMAND ${Python3_EXECUTABLE} ${ESP_BLINK_ROOT}/tests/check_elf.py --budget blink=1024
          --budget hello=1536 --budget async_blink=4096 ${ESP_BLINK_FIRMWARE_BIN}/blink.elf
          ${ESP_BLINK_FIRMWARE_BIN}/hello.elf ${ESP_BLINK_FIRMWARE_BIN}/async_blink.elf)
set_tests_properties(esp_blink.size_budget PROPERTIES LABELS "esp-blink;emu")

# The executor's coroutines on the target (own coroutine declarations, frame pool, wakes,
# join/select), run to the end in the emulator.
add_test(NAME esp_blink.executor_runs_on_the_target
  COMMAND esp-blink-emu --quiet ${ESP_BLINK_FIRMWARE_BIN}/executor.bin)
set_tests_properties(esp_blink.executor_runs_on_the_target PROPERTIES LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "executor: squares=55 numbers=15 select=1 slots=0\n"
  FAIL_REGULAR_EXPRESSION "panic:|trap:")

# The interrupt-driven I2C transaction on the target, against the emulator's TMP102 (21.5 C
# reads as 0x15 0x80) and an address nobody answers; the CPU takes the completion interrupts.
add_test(NAME esp_blink.async_i2c_completes_on_the_interrupt
  COMMAND esp-blink-emu --i2c-device tmp102@0x48=21.5 ${ESP_BLINK_FIRMWARE_BIN}/async_i2c.bin)
set_tests_properties(esp_blink.async_i2c_completes_on_the_interrupt PROPERTIES
  LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "async i2c: 0x48 ok 21 128\nasync i2c: 0x49 no acknowledge[^\n]*\n.* [1-9][0-9]* interrupts taken"
  FAIL_REGULAR_EXPRESSION "panic:|trap:")

# The timer queue on the target: three tasks asleep at once on one comparator wake in
# deadline order, each within 1 ms of its deadline.
add_test(NAME esp_blink.sleepers_share_one_alarm
  COMMAND esp-blink-emu --quiet ${ESP_BLINK_FIRMWARE_BIN}/sleepers.bin)
set_tests_properties(esp_blink.sleepers_share_one_alarm PROPERTIES LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "sleepers: abaabca on time\n" FAIL_REGULAR_EXPRESSION "panic:|trap:")

# Standard input feeds UART0 RX with `--uart-rx -`: the line piped in comes back echoed.
add_test(NAME esp_blink.cli.stdin_feeds_uart0_rx
  COMMAND sh -c "printf 'typed line\\n' | \"$0\" --quiet --uart-rx - --max-time-ms 1500 \"$1\""
          $<TARGET_FILE:esp-blink-emu> ${ESP_BLINK_FIRMWARE_BIN}/async_blink.bin)
set_tests_properties(esp_blink.cli.stdin_feeds_uart0_rx PROPERTIES LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "echo: typed line\n" FAIL_REGULAR_EXPRESSION "panic:|trap:")

# The command line as a user runs it: exit statuses.
add_test(NAME esp_blink.cli.hello_exits_0
  COMMAND esp-blink-emu --quiet ${ESP_BLINK_FIRMWARE_BIN}/hello.bin)
add_test(NAME esp_blink.cli.trap_exits_nonzero
  COMMAND esp-blink-emu ${ESP_BLINK_FIRMWARE_BIN}/trap.direct.bin)
add_test(NAME esp_blink.cli.instruction_cap_exits_nonzero
  COMMAND esp-blink-emu --max-instructions 1000 ${ESP_BLINK_FIRMWARE_BIN}/blink.bin)
add_test(NAME esp_blink.cli.i2c_device_is_attached
  COMMAND esp-blink-emu --quiet --i2c-device tmp102@0x48=-3.5 ${ESP_BLINK_FIRMWARE_BIN}/i2c.bin)
set_tests_properties(esp_blink.cli.i2c_device_is_attached PROPERTIES
  PASS_REGULAR_EXPRESSION "temperature: -3\\.5000 C")
add_test(NAME esp_blink.cli.bad_device_spec_is_a_usage_error
  COMMAND esp-blink-emu --i2c-device nosuch@0x48 ${ESP_BLINK_FIRMWARE_BIN}/i2c.bin)
set_tests_properties(esp_blink.cli.hello_exits_0 esp_blink.cli.trap_exits_nonzero
  esp_blink.cli.instruction_cap_exits_nonzero esp_blink.cli.i2c_device_is_attached
  esp_blink.cli.bad_device_spec_is_a_usage_error PROPERTIES LABELS "esp-blink;emu")
set_tests_properties(esp_blink.cli.bad_device_spec_is_a_usage_error PROPERTIES WILL_FAIL ON)
# The display and the USB console from the command line.
add_test(NAME esp_blink.cli.display_png_is_written
  COMMAND esp-blink-emu --display ssd1306 --display-png
          ${CMAKE_BINARY_DIR}/esp-blink-artifacts/spi_display_cli.png
          ${ESP_BLINK_FIRMWARE_BIN}/spi_display.bin)
set_tests_properties(esp_blink.cli.display_png_is_written PROPERTIES LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "display: test pattern drawn\n.*display written to .*spi_display_cli\.png")
add_test(NAME esp_blink.cli.usb_serial_jtag_prints_to_stdout
  COMMAND esp-blink-emu --quiet ${ESP_BLINK_FIRMWARE_BIN}/usb_hello.bin)
set_tests_properties(esp_blink.cli.usb_serial_jtag_prints_to_stdout PROPERTIES
  LABELS "esp-blink;emu" PASS_REGULAR_EXPRESSION "^hello over USB, random 0x[0-9a-f]+\n$")
add_test(NAME esp_blink.cli.display_png_without_display_is_a_usage_error
  COMMAND esp-blink-emu --display-png x.png ${ESP_BLINK_FIRMWARE_BIN}/spi_display.bin)
set_tests_properties(esp_blink.cli.display_png_without_display_is_a_usage_error PROPERTIES
  LABELS "esp-blink;emu" WILL_FAIL ON)
# Stimulus from the command line: a button press and a line, and the sleep summary.
add_test(NAME esp_blink.cli.stimulus_reaches_the_firmware
  COMMAND esp-blink-emu --gpio-in 9=1@0ms,0@150ms,1@160ms --uart-rx "hi\\n@250ms"
          ${ESP_BLINK_FIRMWARE_BIN}/irq_sleep.bin)
set_tests_properties(esp_blink.cli.stimulus_reaches_the_firmware PROPERTIES
  LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "press 1 at alarm 1.*line 'hi' at alarm 2.*asleep in WFI")
set_tests_properties(esp_blink.cli.trap_exits_nonzero esp_blink.cli.instruction_cap_exits_nonzero
  PROPERTIES WILL_FAIL ON)
# A watchdog left unfed resets the chip; the next boot prints why (stdout), the emulator says
# so on stderr.
add_test(NAME esp_blink.cli.watchdog_resets_the_chip
  COMMAND esp-blink-emu --quiet ${ESP_BLINK_FIRMWARE_BIN}/watchdog.bin)
set_tests_properties(esp_blink.cli.watchdog_resets_the_chip PROPERTIES LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "watchdog: reset reason 1 \\(power on\\)\n.*chip reset by a watchdog at 700 ms.*watchdog: reset reason 7 \\(TIMG0 watchdog, core\\)\n"
  FAIL_REGULAR_EXPRESSION "panic:|trap:")
# UART1 on a pin through the GPIO matrix, to stdout with a prefix.
add_test(NAME esp_blink.cli.uart1_prints_with_a_prefix
  COMMAND esp-blink-emu --quiet --uart1 - ${ESP_BLINK_FIRMWARE_BIN}/uart1_hello.bin)
set_tests_properties(esp_blink.cli.uart1_prints_with_a_prefix PROPERTIES LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "^uart1: hello on UART1, GPIO4\n$")
# ADC voltages and the PWM waveform from the command line.
add_test(NAME esp_blink.cli.adc_voltages_reach_the_firmware
  COMMAND esp-blink-emu --quiet --adc 0=0.25,3=1.25 ${ESP_BLINK_FIRMWARE_BIN}/adc_read.bin)
set_tests_properties(esp_blink.cli.adc_voltages_reach_the_firmware PROPERTIES
  LABELS "esp-blink;emu"
  PASS_REGULAR_EXPRESSION "channel 0 at 0 dB: 250 mV.*channel 1 at 2.5 dB: 0 mV.*channel 3 at 11 dB: 1250 mV")
add_test(NAME esp_blink.cli.pwm_waveform_goes_into_the_vcd
  COMMAND esp-blink-emu --vcd ${CMAKE_BINARY_DIR}/esp-blink-artifacts/pwm_fade_cli.vcd
          ${ESP_BLINK_FIRMWARE_BIN}/pwm_fade.bin)
set_tests_properties(esp_blink.cli.pwm_waveform_goes_into_the_vcd PROPERTIES
  LABELS "esp-blink;emu" PASS_REGULAR_EXPRESSION "pwm: down to 0\n.* 2998 GPIO edges")
