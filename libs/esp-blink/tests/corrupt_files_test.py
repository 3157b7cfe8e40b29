#!/usr/bin/env python3
"""esp-blink-emu on corrupt files (the fuzz corpus's corrupt_* seeds): each is refused with exit
status 4 and one line "esp-blink-emu: FILE: reason", or (a direct-boot magic with no code) runs
into a fault, exit status 2. Usage: corrupt_files_test.py EMULATOR CORPUS_DIR"""
import os
import subprocess
import sys

# file -> (exit status, the reason the emulator gives)
EXPECTED = {
    "corrupt_empty": (4, "neither an ELF, an app image nor a direct-boot image"),
    "corrupt_text": (4, "neither an ELF, an app image nor a direct-boot image"),
    "corrupt_app_image_header_only": (4, "truncated file"),
    "corrupt_app_image_truncated": (4, "segment 0: bad length"),
    "corrupt_app_image_bad_digest": (4, "checksum mismatch"),
    "corrupt_elf_truncated": (4, "segment beyond file end"),
    "corrupt_elf_64bit": (4, "not a 32-bit little-endian ELF"),
    "corrupt_elf_phoff_past_end": (4, "truncated file"),
    "corrupt_direct_magic_only": (2, "fault: fetch of 2 bytes at 0x00000000"),
    "regression_undecodable_first_instruction": (2, "trap mcause=2 mepc=0x42000008 mtval=0x000005ff"),
}


def main():
    emulator, corpus = sys.argv[1], sys.argv[2]
    failures = 0
    for name, (status, reason) in sorted(EXPECTED.items()):
        path = os.path.join(corpus, name)
        run = subprocess.run([emulator, "--quiet", "--max-instructions", "100000", path],
                             capture_output=True, text=True, timeout=60, check=False)
        if status == 4:
            want = f"esp-blink-emu: {path}: {reason}\n"
            ok = run.returncode == 4 and run.stderr == want and run.stdout == ""
        else:
            ok = run.returncode == status and reason in run.stderr
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {run.returncode}, {run.stderr.strip()!r}")
        if not ok:
            print(f"     wanted exit {status} and {reason!r}")
            failures += 1
    missing = os.path.join(corpus, "no_such_file")
    run = subprocess.run([emulator, missing], capture_output=True, text=True, timeout=60,
                         check=False)
    if run.returncode != 4 or run.stderr != f"esp-blink-emu: {missing}: cannot open {missing}\n":
        print(f"FAIL a missing file: exit {run.returncode}, {run.stderr!r}")
        failures += 1
    print(f"{len(EXPECTED) + 1 - failures} of {len(EXPECTED) + 1} as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
