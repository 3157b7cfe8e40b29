#!/usr/bin/env python3
"""esp-blink's benchmark figures as JSON lines (contract: docs/benchmarks.md).

    figures.py HOST_BUILD_DIR FIRMWARE_DIR [--rounds N]

Sizes come from the ELF section headers; instruction counts from the emulator (deterministic,
so every round gives the same number; rounds are kept for the report's format). The peer is
Espressif's direct-boot example, whose CI publishes image sizes only (metric size_total).
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys

PEER = {"blink": 7436, "hello": 10216}  # esp32c3-direct-boot-example CI, GCC 12.2
# The task coroutines' bodies in async_blink (GCC's names for the resume functions).
ASYNC_BLINK_BLINK_ACTOR = "_ZN12_GLOBAL__N_15blinkEPZNS_5blinkEvE31_ZN12_GLOBAL__N_15blinkEv.Frame.actor"
ASYNC_BLINK_BUTTON_ACTOR = ("_ZN12_GLOBAL__N_16buttonEPZNS_6buttonEvE32_ZN12_GLOBAL__N_16buttonEv"
                            ".Frame.actor")


def section_sizes(path):
    with open(path, "rb") as fh:
        b = fh.read()
    shoff, = struct.unpack_from("<I", b, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 46)
    hdrs = [struct.unpack_from("<IIIIIIIIII", b, shoff + i * shentsize) for i in range(shnum)]
    names = hdrs[shstrndx][4]
    out = {}
    for h in hdrs:
        name = b[names + h[0]:b.index(b"\0", names + h[0])].decode()
        out[name] = h[5]
    return out


def emulate(emu, image, *args):
    proc = subprocess.run([emu, *args, image], capture_output=True, text=True, check=False)
    return proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host_build")
    ap.add_argument("firmware_dir")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    emu = os.path.join(args.host_build, "bin", "esp-blink-emu")

    def emit(scenario, impl, metric, unit, value, rnd, **extra):
        row = {"suite": "esp-blink", "scenario": scenario, "impl": impl, "metric": metric,
               "unit": unit, "value": value, "round": rnd}
        row.update(extra)
        print(json.dumps(row))

    for rnd in range(args.rounds):
        for name in ("blink", "hello", "i2c", "async_blink", "spi_display", "usb_hello",
                     "watchdog", "clock160", "pwm_fade", "adc_read"):
            sizes = section_sizes(os.path.join(args.firmware_dir, f"{name}.elf"))
            total = 0
            for sec, metric in ((".text", "size_text"), (".rodata", "size_rodata"),
                                (".iram_text", "size_iram_text"), (".data", "size_data"),
                                (".bss", "size_bss")):
                emit(name, "esp-blink", metric, "bytes", sizes.get(sec, 0), rnd)
                if sec != ".bss":
                    total += sizes.get(sec, 0)
            emit(name, "esp-blink", "size_total", "bytes", total, rnd,
                 note=".text+.rodata+.iram_text+.data of the direct-boot ELF (all in flash)")
            if name in PEER:
                emit(name, "espressif-direct-boot", "size_total", "bytes", PEER[name], rnd,
                     note="published CI figure (ESP-IDF HAL + newlib)")
        log = emulate(emu, os.path.join(args.firmware_dir, "blink.bin"), "--trace-gpio",
                      "--max-time-ms", "5000")
        marks = [int(m) for m in re.findall(r"gpio8 -> [01] at [0-9.]+ s \(instruction (\d+)\)", log)]
        if len(marks) >= 3:
            steps = [b - a for a, b in zip(marks[1:], marks[2:])]
            emit("blink", "esp-blink", "instructions", "instructions", sum(steps) / len(steps),
                 rnd, note="per GPIO toggle: loop iteration with the delay's alarm set-up")
        # Interrupt latency: irq_sleep's 100 ms SYSTIMER alarm, CPU asleep in WFI, event (the
        # line becomes ready) to the trap and to the first instruction of the bound handler.
        log = emulate(emu, os.path.join(args.firmware_dir, "irq_sleep.elf"), "--handler-probe",
                      "_ZN12_GLOBAL__N_18on_alarmEv")
        m = re.search(r"to the trap mean ([0-9.]+) max \d+ instructions, to the handler mean "
                      r"([0-9.]+) max \d+", log)
        if m:
            emit("interrupt_latency", "esp-blink", "instructions_to_trap", "instructions",
                 float(m.group(1)), rnd, note="SYSTIMER alarm ready to trap entry (mean of 10)")
            emit("interrupt_latency", "esp-blink", "instructions_to_handler", "instructions",
                 float(m.group(2)), rnd,
                 note="SYSTIMER alarm ready to the handler's first instruction (mean of 10)")
        m = re.search(r"asleep in WFI [0-9.]+ s \(([0-9.]+)%\)", log)
        if m:
            emit("interrupt_latency", "esp-blink", "asleep", "percent", float(m.group(1)), rnd,
                 note="irq_sleep: share of 1 s of virtual time spent in WFI")
        # To the waiting task resuming: async_blink's coroutines, the probe on the first
        # instruction of the task's body (its .actor, which every resume enters). The SYSTIMER
        # alarm wakes the blink task; a falling edge on GPIO9 (four presses) the button task.
        for event, probe, stimulus in (
                ("systimer_alarm", ASYNC_BLINK_BLINK_ACTOR, []),
                ("gpio_edge", ASYNC_BLINK_BUTTON_ACTOR,
                 ["--gpio-in", "9=1@0ms,0@1100ms,1@1150ms,0@1700ms,1@1750ms,0@2300ms,1@2350ms,"
                  "0@2900ms,1@2950ms"])):
            log = emulate(emu, os.path.join(args.firmware_dir, "async_blink.elf"), *stimulus,
                          "--max-time-ms", "3000", "--handler-probe", probe)
            m = re.search(r"to the handler mean ([0-9.]+) max \d+ instructions \((\d+) probed\)",
                          log)
            if m:
                emit("task_latency", "esp-blink", f"instructions_to_task_{event}", "instructions",
                     float(m.group(1)), rnd,
                     note=f"async_blink: {event.replace('_', ' ')} ready to the waiting task's "
                          f"first instruction (mean of {m.group(2)})")
        log = emulate(emu, os.path.join(args.firmware_dir, "hello.bin"))
        m = re.search(r"first UART byte at instruction (\d+)", log)
        if m:
            emit("hello", "esp-blink", "instructions", "instructions", int(m.group(1)), rnd,
                 note="reset to the first UART byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
