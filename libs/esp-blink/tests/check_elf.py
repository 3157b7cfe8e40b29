#!/usr/bin/env python3
"""Checks final firmware ELFs: freestanding (no __cxa_* / malloc symbols, no .eh_frame) and,
with --budget NAME=BYTES, that the flash NAME.elf takes (.text + .rodata + .iram_text + .data:
the RAM code and data are copied from flash at start-up) fits the budget."""

import argparse
import os
import struct
import sys


def sections_and_symbols(path):
    with open(path, "rb") as fh:
        b = fh.read()
    if b[:4] != b"\x7fELF" or b[4] != 1:
        raise SystemExit(f"{path}: not a 32-bit ELF")
    shoff, = struct.unpack_from("<I", b, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 46)
    headers = [struct.unpack_from("<IIIIIIIIII", b, shoff + i * shentsize) for i in range(shnum)]
    names_off = headers[shstrndx][4]

    def cstr(off):
        return b[off:b.index(b"\0", off)].decode()

    sections = {cstr(names_off + h[0]): h for h in headers}
    symbols = []
    for h in headers:
        if h[1] != 2:  # SHT_SYMTAB
            continue
        strtab = headers[h[6]][4]
        for off in range(h[4] + 16, h[4] + h[5], 16):
            name_off, = struct.unpack_from("<I", b, off)
            symbols.append(cstr(strtab + name_off))
    return sections, symbols


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", action="append", default=[])
    ap.add_argument("elfs", nargs="+")
    args = ap.parse_args()
    budgets = dict(item.split("=") for item in args.budget)
    failed = False
    for path in args.elfs:
        sections, symbols = sections_and_symbols(path)
        bad = sorted({s for s in symbols if s.startswith("__cxa_") or "malloc" in s})
        if bad:
            print(f"{path}: forbidden symbols: {', '.join(bad)}")
            failed = True
        for name in (".eh_frame", ".eh_frame_hdr", ".gcc_except_table"):
            if name in sections:
                print(f"{path}: has {name}")
                failed = True
        size = sum(sections[s][5] for s in (".text", ".rodata", ".iram_text", ".data")
                   if s in sections)
        stem = os.path.basename(path).split(".")[0]
        budget = budgets.get(stem)
        verdict = ""
        if budget is not None:
            verdict = f" (budget {budget})"
            if size > int(budget):
                failed = True
                verdict += " OVER"
        print(f"{path}: flash (.text+.rodata+.iram_text+.data) = {size} bytes{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
