"""Corrections to Espressif's esp32c3.svd, applied by svd2hpp.py after parsing.

Each entry names the peripheral and register it corrects and says why. A patch whose target
is missing is an error, so a fixed upstream SVD is noticed instead of silently patched twice.
"""

# The chip has 22 GPIOs (IO_MUX.GPIO%s has 22 entries); the SVD declares 26 of these.
GPIO_COUNT = 22

# ESP32-C3 I2C command word (docs/esp32c3.md, "I2C0"; ESP-IDF hal/esp32c3 i2c_ll.h and
# i2c_struct.h agree): the SVD has a single 14-bit COMMAND field. The op codes differ from the
# original ESP32's. The generator turns them into the enum class pac::i2c0_comd_op_code, the one
# op-code table the I2C driver uses.
I2C_OP_CODES = [("RSTART", 6), ("WRITE", 1), ("READ", 3), ("STOP", 2), ("END", 4)]

PATCHES = [
    {
        "peripheral": "GPIO",
        "register": "PIN%s",
        "why": "22 GPIOs, not 26",
        "dim": GPIO_COUNT,
    },
    {
        "peripheral": "GPIO",
        "register": "FUNC%s_OUT_SEL_CFG",
        "why": "22 GPIOs, not 26",
        "dim": GPIO_COUNT,
    },
    {
        "peripheral": "I2C0",
        "register": "COMD%s",
        "why": "split COMMAND into the C3 command fields",
        "replace_fields": [
            # name, bit offset, width, access, enumerated values
            ("BYTE_NUM", 0, 8, "read-write", []),
            ("ACK_EN", 8, 1, "read-write", []),
            ("ACK_EXP", 9, 1, "read-write", []),
            ("ACK_VAL", 10, 1, "read-write", []),
            ("OP_CODE", 11, 3, "read-write", I2C_OP_CODES),
            ("DONE", 31, 1, "read-write", []),
        ],
    },
]
