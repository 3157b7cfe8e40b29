#!/usr/bin/env python3
"""ELF -> ESP32-C3 flash images.

    esp_image.py app ELF -o OUT.bin       app image for the ESP-IDF 2nd-stage bootloader
                                          (flash it at 0x10000)
    esp_image.py direct ELF -o OUT.bin    direct-boot image (flash it at 0x0)
    esp_image.py info IMAGE               parse an image back and print it

Formats: docs/esp32c3.md, "App image format" and "Booting". Python 3 standard library only.
"""

import argparse
import hashlib
import struct
import sys

IMAGE_MAGIC = 0xE9
CHECKSUM_SEED = 0xEF
CHIP_ID_ESP32C3 = 0x0005
HEADER_SIZE = 24
SEGMENT_HEADER_SIZE = 8
MMU_PAGE = 0x10000
APP_FLASH_OFFSET = 0x10000  # where the partition table puts the factory app
MAX_SEGMENTS = 16
SPI_MODE_DIO = 2
FLASH_SIZE_4MB = 2  # high nibble
FLASH_FREQ_80M = 0xF  # low nibble
WP_PIN_DISABLED = 0xEE
DIRECT_BOOT_MAGIC = bytes.fromhex("1d04dbae1d04dbae")

IROM = (0x42000000, 0x42800000)
DROM = (0x3C000000, 0x3C800000)
RAM = [(0x3FC80000, 0x3FCE0000), (0x4037C000, 0x403E0000), (0x50000000, 0x50002000)]


def in_range(addr, rng):
    return rng[0] <= addr < rng[1]


def is_flash(addr):
    return in_range(addr, IROM) or in_range(addr, DROM)


def is_ram(addr):
    return any(in_range(addr, r) for r in RAM)


class ImageError(Exception):
    pass


def read_elf_segments(path):
    """(entry, [(vaddr, paddr, bytes)]) of the PT_LOAD segments with file contents."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise ImageError(f"{path}: not a 32-bit little-endian ELF")
    (e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize, e_phnum) = struct.unpack_from(
        "<HHIIIIIHHH", data, 16)
    if e_machine != 0xF3:
        raise ImageError(f"{path}: not a RISC-V ELF")
    segments = []
    for i in range(e_phnum):
        (p_type, p_offset, p_vaddr, p_paddr, p_filesz, _, _, _) = struct.unpack_from(
            "<IIIIIIII", data, e_phoff + i * e_phentsize)
        if p_type == 1 and p_filesz > 0:
            segments.append((p_vaddr, p_paddr, data[p_offset:p_offset + p_filesz]))
    return e_entry, segments


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def build_app_image(entry, segments):
    """The app image bytes. Flash segments come first, in address order, each preceded by
    a padding segment when needed so that its data's flash address equals its virtual address
    modulo 64 KiB (the bootloader maps whole MMU pages); RAM segments follow."""
    flash = sorted((v, pad4(b)) for v, _, b in segments if is_flash(v))
    ram = sorted((v, pad4(b)) for v, _, b in segments if is_ram(v))
    other = [hex(v) for v, _, _ in segments if not is_flash(v) and not is_ram(v)]
    if other:
        raise ImageError(f"segments outside flash and RAM: {', '.join(other)}")
    out_segments = []
    pos = HEADER_SIZE  # file offset of the next segment header
    for vaddr, body in flash:
        data_at = APP_FLASH_OFFSET + pos + SEGMENT_HEADER_SIZE
        gap = (vaddr - data_at) % MMU_PAGE
        if gap:
            # A padding segment needs its own header: make the gap at least that large.
            if gap < SEGMENT_HEADER_SIZE:
                gap += MMU_PAGE
            pad_len = gap - SEGMENT_HEADER_SIZE
            out_segments.append((0, b"\0" * pad_len))
            pos += gap
        out_segments.append((vaddr, body))
        pos += SEGMENT_HEADER_SIZE + len(body)
    for vaddr, body in ram:
        out_segments.append((vaddr, body))
    if len(out_segments) > MAX_SEGMENTS:
        raise ImageError(f"{len(out_segments)} segments, the format allows {MAX_SEGMENTS}")

    header = struct.pack("<BBBBIBBBBHBHH4sB", IMAGE_MAGIC, len(out_segments), SPI_MODE_DIO,
                         (FLASH_SIZE_4MB << 4) | FLASH_FREQ_80M, entry, WP_PIN_DISABLED, 0, 0,
                         0, CHIP_ID_ESP32C3, 0, 0, 0xFFFF, b"\0" * 4, 1)
    assert len(header) == HEADER_SIZE
    image = bytearray(header)
    checksum = CHECKSUM_SEED
    for vaddr, body in out_segments:
        image += struct.pack("<II", vaddr, len(body)) + body
        for byte in body:
            checksum ^= byte
    image += b"\0" * (15 - len(image) % 16)  # file length 16n - 1 ...
    image.append(checksum)  # ... then the checksum byte makes it 16n
    image += hashlib.sha256(image).digest()
    return bytes(image)


def build_direct_image(entry, segments):
    """Flash contents from offset 0: every byte at its load address minus 0x42000000."""
    if entry != IROM[0] + 8:
        raise ImageError(f"direct boot enters at 0x42000008, the ELF at {entry:#x}")
    size = 0
    for _, paddr, body in segments:
        if not in_range(paddr, IROM):
            raise ImageError(f"direct boot: load address {paddr:#x} is not in flash")
        size = max(size, paddr - IROM[0] + len(body))
    image = bytearray(size)
    for _, paddr, body in segments:
        off = paddr - IROM[0]
        image[off:off + len(body)] = body
    if image[:8] != DIRECT_BOOT_MAGIC:
        raise ImageError("direct boot: the ELF does not start with the boot magic")
    return bytes(image + b"\0" * (-len(image) % 4))


def parse_app_image(image):
    """Reads an app image back and checks it; returns a dict of its fields."""
    if len(image) < HEADER_SIZE or image[0] != IMAGE_MAGIC:
        raise ImageError("not an app image (magic)")
    (magic, count, spi_mode, size_freq, entry, wp, d0, d1, d2, chip, rev, rev_min, rev_max,
     _reserved, hashed) = struct.unpack_from("<BBBBIBBBBHBHH4sB", image, 0)
    pos = HEADER_SIZE
    checksum = CHECKSUM_SEED
    segments = []
    for _ in range(count):
        addr, length = struct.unpack_from("<II", image, pos)
        body = image[pos + 8:pos + 8 + length]
        if len(body) != length or length % 4:
            raise ImageError(f"segment at {pos:#x}: bad length {length}")
        if is_flash(addr) and (APP_FLASH_OFFSET + pos + 8 - addr) % MMU_PAGE:
            raise ImageError(f"segment {addr:#x} breaks the 64 KiB mapping rule")
        for byte in body:
            checksum ^= byte
        segments.append({"addr": addr, "length": length, "file_offset": pos + 8})
        pos += 8 + length
    pos += 15 - pos % 16
    if image[pos] != checksum:
        raise ImageError(f"checksum {image[pos]:#04x}, computed {checksum:#04x}")
    pos += 1
    if hashed:
        if hashlib.sha256(image[:pos]).digest() != image[pos:pos + 32]:
            raise ImageError("SHA-256 does not match")
        pos += 32
    if pos != len(image):
        raise ImageError(f"{len(image) - pos} trailing bytes")
    return {"entry": entry, "segments": segments, "spi_mode": spi_mode,
            "flash_size_freq": size_freq, "wp_pin": wp, "chip_id": chip,
            "min_rev_full": rev_min, "max_rev_full": rev_max, "hash_appended": hashed,
            "checksum": checksum, "drive": (d0, d1, d2), "min_rev": rev}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("app", "direct"):
        p = sub.add_parser(name)
        p.add_argument("elf")
        p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("info")
    p.add_argument("image")
    args = ap.parse_args()
    try:
        if args.cmd == "info":
            with open(args.image, "rb") as fh:
                image = fh.read()
            if image[:8] == DIRECT_BOOT_MAGIC:
                print(f"direct-boot image, {len(image)} bytes, entry 0x42000008")
                return 0
            info = parse_app_image(image)
            print(f"app image, {len(image)} bytes, entry {info['entry']:#010x}, "
                  f"chip id {info['chip_id']:#06x}, checksum {info['checksum']:#04x}, "
                  f"sha256 {'ok' if info['hash_appended'] else 'absent'}")
            for s in info["segments"]:
                print(f"  segment {s['addr']:#010x} {s['length']:6d} bytes at file "
                      f"{s['file_offset']:#07x}")
            return 0
        entry, segments = read_elf_segments(args.elf)
        build = build_app_image if args.cmd == "app" else build_direct_image
        image = build(entry, segments)
        with open(args.output, "wb") as fh:
            fh.write(image)
        return 0
    except (ImageError, OSError, struct.error) as e:
        print(f"esp_image: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
