#!/usr/bin/env python3
"""Load-independent costs per operation of one kov-bench scenario and its tokio peer, for
machines whose perf has no hardware counters (virtual machines): user-space instructions, D1 and
last-level cache misses and branch mispredictions as valgrind's cachegrind simulates them, and
the atomic read-modify-writes executed (lock-prefixed instructions and xchg with memory, each a
full barrier on x86; counted with callgrind --dump-instr and objdump).

Each program runs the scenario with --quick, once with --rounds 1 and once with --rounds 2: the
difference is exactly one round, so start-up, warm-up and the first round's cold caches drop
out. OPS is the number of operations in one --quick round (the scenario's size in
kov_bench.cpp divided by 10; bounded_mpsc_c1024: 100000).

The binaries are the benchmark builds: `bench/kov/suite.sh build build/release build/bench`
first (an older kov-bench gives older counts).

Usage: cache_counts.py SCENARIO OPS [--kov BIN] [--tokio BIN]
  --kov    default build/release/bin/kov-bench
  --tokio  default build/bench/bin/kov_bench_tokio (left out when absent)
A markdown table on stdout. Needs valgrind and objdump (Debian: valgrind, binutils).
"""
import argparse
import collections
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Cachegrind's events, in its summary line's order with --cache-sim=yes --branch-sim=yes.
EVENTS = ["Ir", "I1mr", "ILmr", "Dr", "D1mr", "DLmr", "Dw", "D1mw", "DLmw", "Bc", "Bcm", "Bi",
          "Bim"]


def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          **kw)


def cachegrind_summary(binary, scenario, rounds, work):
    out = work / f"cg.{binary.name}.{rounds}"
    run(["valgrind", "--tool=cachegrind", "--cache-sim=yes", "--branch-sim=yes",
         f"--cachegrind-out-file={out}", str(binary), "--quick", "--rounds", str(rounds),
         "--scenario", scenario])
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):
            return dict(zip(EVENTS, map(int, line.split()[1:])))
    raise RuntimeError(f"no summary in {out}")


def instruction_counts(binary, scenario, rounds, work):
    """(object, address) -> times executed, from callgrind --dump-instr."""
    out = work / f"ci.{binary.name}.{rounds}"
    run(["valgrind", "--tool=callgrind", "--dump-instr=yes", "--compress-pos=no",
         "--compress-strings=no", f"--callgrind-out-file={out}", str(binary), "--quick",
         "--rounds", str(rounds), "--scenario", scenario])
    counts = collections.Counter()
    obj, after_call = None, False
    for line in out.read_text().splitlines():
        if line.startswith("ob="):
            obj = line[3:]
        elif line.startswith("calls="):
            after_call = True  # the next cost line is the call's inclusive cost
        elif line.startswith("0x"):
            if after_call:
                after_call = False
                continue
            fields = line.split()
            if len(fields) >= 3:
                counts[(obj, int(fields[0], 16))] += int(fields[2])
    return counts


_barriers = {}  # object -> its barrier addresses, one disassembly per object


def barrier_addresses(obj):
    """The addresses of obj's atomic read-modify-writes: lock-prefixed, or xchg with memory."""
    if obj not in _barriers:
        found = set()
        if obj and obj.startswith("/"):
            text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj],
                                  capture_output=True, text=True).stdout
            for m in re.finditer(r"^\s*([0-9a-f]+):\s+(lock |xchg\s+\S*\(.*)", text, re.M):
                found.add(int(m.group(1), 16))
        _barriers[obj] = found
    return _barriers[obj]


def atomic_rmws(binary, scenario, work):
    one = instruction_counts(binary, scenario, 1, work)
    two = instruction_counts(binary, scenario, 2, work)
    return sum(n - one.get(key, 0) for key, n in two.items()
               if key[1] in barrier_addresses(key[0]))


def row(name, binary, scenario, ops, work):
    one = cachegrind_summary(binary, scenario, 1, work)
    two = cachegrind_summary(binary, scenario, 2, work)
    d = {e: (two[e] - one[e]) / ops for e in EVENTS}
    rmws = atomic_rmws(binary, scenario, work) / ops
    return (f"| {name} | {d['Ir']:.0f} | {d['D1mr'] + d['D1mw']:.3f} | "
            f"{d['DLmr'] + d['DLmw'] + d['ILmr']:.4f} | {d['Bcm']:.3f} | {d['Bim']:.3f} | "
            f"{rmws:.2f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("ops", type=int)
    parser.add_argument("--kov", type=pathlib.Path,
                        default=ROOT / "build/release/bin/kov-bench")
    parser.add_argument("--tokio", type=pathlib.Path,
                        default=ROOT / "build/bench/bin/kov_bench_tokio")
    args = parser.parse_args()
    impls = [("kov", args.kov.resolve())]
    if args.tokio.exists():
        impls.append(("tokio", args.tokio.resolve()))
    print(f"{args.scenario}, per operation (one --quick round of {args.ops}):\n")
    print("| impl | instructions | D1 misses | LL misses | cond. mispredicts | "
          "indirect mispredicts | atomic RMWs |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, binary in impls:
            print(row(name, binary, args.scenario, args.ops, pathlib.Path(tmp)))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
