#!/usr/bin/env python3
"""Unit tests of tools/esp_image.py on made-up segments, for the cases the example firmware
does not produce (padding for the 64 KiB rule, RAM segments, error cases)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import esp_image  # noqa: E402


class app_image(unittest.TestCase):
    def test_segments_out_of_step_get_a_padding_segment(self):
        # IROM data would land at flash 0x10020; its address wants 0x...0100 modulo 64 KiB.
        segs = [(0x42000100, 0x42000100, b"\x13\x00\x00\x00" * 4)]
        image = esp_image.build_app_image(0x42000100, segs)
        info = esp_image.parse_app_image(image)  # enforces the rule itself
        addrs = [s["addr"] for s in info["segments"]]
        self.assertEqual(addrs, [0, 0x42000100])
        code = info["segments"][1]
        self.assertEqual((esp_image.APP_FLASH_OFFSET + code["file_offset"]) % 0x10000, 0x100)

    def test_a_gap_smaller_than_a_segment_header_wraps_to_the_next_page(self):
        # The first segment's data would sit at file 0x20, 4 bytes short of where 0x...24
        # wants it: too little room for a padding segment's own 8-byte header.
        segs = [(0x42000024, 0x42000024, b"\0" * 8)]
        info = esp_image.parse_app_image(esp_image.build_app_image(0x42000024, segs))
        code = info["segments"][-1]
        self.assertEqual((esp_image.APP_FLASH_OFFSET + code["file_offset"]) % 0x10000, 0x24)
        self.assertGreater(code["file_offset"], 0x10000)

    def test_ram_segments_follow_flash_segments_and_lengths_are_padded(self):
        segs = [(0x3FC80000, 0x3FC80000, b"abc"), (0x3C000020, 0x3C000020, b"rodata!!")]
        info = esp_image.parse_app_image(esp_image.build_app_image(0x42000000, segs))
        self.assertEqual([s["addr"] for s in info["segments"]], [0x3C000020, 0x3FC80000])
        self.assertEqual(info["segments"][1]["length"], 4)

    def test_checksum_and_digest_catch_corruption(self):
        image = bytearray(esp_image.build_app_image(
            0x42000020, [(0x3C000020, 0x3C000020, b"\x01\x02\x03\x04")]))
        image[0x20] ^= 0xFF
        with self.assertRaises(esp_image.ImageError):
            esp_image.parse_app_image(bytes(image))

    def test_addresses_outside_flash_and_ram_are_refused(self):
        with self.assertRaises(esp_image.ImageError):
            esp_image.build_app_image(0, [(0x60000000, 0x60000000, b"\0" * 4)])


class direct_image(unittest.TestCase):
    def test_bytes_land_at_their_flash_offsets(self):
        segs = [(0x42000000, 0x42000000, esp_image.DIRECT_BOOT_MAGIC + b"\x6f\x00\x00\x00"),
                (0x3C000100, 0x42000100, b"ro")]
        image = esp_image.build_direct_image(0x42000008, segs)
        self.assertEqual(image[:8], esp_image.DIRECT_BOOT_MAGIC)
        self.assertEqual(image[0x100:0x102], b"ro")

    def test_wrong_entry_or_missing_magic_is_refused(self):
        with self.assertRaises(esp_image.ImageError):
            esp_image.build_direct_image(0x42000020, [(0x42000000, 0x42000000, b"\0" * 12)])
        with self.assertRaises(esp_image.ImageError):
            esp_image.build_direct_image(0x42000008, [(0x42000000, 0x42000000, b"\0" * 12)])


if __name__ == "__main__":
    unittest.main()
