# Cross toolchain for the ESP32-C3 (RV32IMC, no 'A' extension), Debian's riscv64-unknown-elf GCC.
# -misa-spec=2.2 keeps CSR instructions legal under rv32imc while GCC still picks the
# rv32im/ilp32 multilib (see docs/esp-blink.md).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy)
set(CMAKE_SIZE riscv64-unknown-elf-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(ESP32C3_ARCH_FLAGS "-misa-spec=2.2 -march=rv32imc -mabi=ilp32")
set(ESP32C3_FREESTANDING_FLAGS "-ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-asynchronous-unwind-tables -fno-unwind-tables -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${ESP32C3_ARCH_FLAGS} ${ESP32C3_FREESTANDING_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${ESP32C3_ARCH_FLAGS} ${ESP32C3_FREESTANDING_FLAGS} -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${ESP32C3_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
