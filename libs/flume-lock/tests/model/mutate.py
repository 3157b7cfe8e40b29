#!/usr/bin/env python3
"""Mutation test of flume-lock's memory orderings.

Weakens one memory ordering at a time in the library's headers (seq_cst -> acquire/release/
acq_rel by operation, acq_rel -> acquire and -> release, acquire/release -> relaxed), builds the
Relacy model tests against each variant and runs them. A variant is caught when a model test
fails. Prints one line per variant and `mutations: X caught of Y`.

Usage: mutate.py [--iterations N] [--context-bound N] [--only SUBSTRING] [--work DIR]
  --iterations     executions per random-search scenario (default 300000)
  --context-bound  preemptions per schedule in the context-bound scenarios (default 3)
  --work           scratch directory for the variants (default build/mutate; emptied first)
"""
import argparse
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
LIB = ROOT / "libs" / "flume-lock"
INCLUDE = LIB / "include"
MODEL_SOURCE = LIB / "tests" / "model" / "model_tests.cpp"
WORK = ROOT / "build" / "mutate"

ORDER = re.compile(r"order::(seq_cst|acq_rel|acquire|release)\b")
OPERATION = re.compile(r"\.(load|store|exchange|fetch_add|fetch_sub|fetch_or|"
                       r"compare_exchange_strong|compare_exchange_weak)\(")
RMW = {"exchange", "fetch_add", "fetch_sub", "fetch_or", "compare_exchange_strong",
       "compare_exchange_weak"}


def weaker(operation, order, is_cas_failure):
    """The weakened orderings to try for one site."""
    if is_cas_failure:
        return ["relaxed"] if order != "relaxed" else []
    if order == "seq_cst":
        return {"load": ["acquire"], "store": ["release"]}.get(operation, ["acq_rel"])
    if order == "acq_rel":
        return ["acquire", "release"]
    return ["relaxed"]


def sites():
    for header in sorted(INCLUDE.rglob("*.hpp")):
        text = header.read_text()
        for m in ORDER.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            if text[line_start:m.start()].lstrip().startswith("//"):
                continue
            calls = list(OPERATION.finditer(text, max(0, m.start() - 400), m.start()))
            if not calls:
                continue  # a constant definition, not an operation
            call = calls[-1]
            operation = call.group(1)
            between = text[call.end():m.start()]
            is_cas_failure = operation.startswith("compare_exchange") and between.count("order::") == 1
            line = text.count("\n", 0, m.start()) + 1
            for to in weaker(operation, m.group(1), is_cas_failure):
                yield header, m.start(), m.end(), line, operation, m.group(1), to, is_cas_failure


def build_and_run(tree, iterations, context_bound):
    binary = tree / "model_tests"
    compile_cmd = ["g++", "-std=c++20", "-O1", "-w", "-fno-sized-deallocation",
                   "-DFLUME_LOCK_MODEL=1", f"-I{tree / 'include'}", str(MODEL_SOURCE),
                   "-o", str(binary)]
    built = subprocess.run(compile_cmd, capture_output=True, text=True)
    if built.returncode != 0:
        return None, built.stderr[-2000:]
    run = subprocess.run([str(binary), "all", str(iterations), str(context_bound)],
                         capture_output=True, text=True)
    failed = [l for l in run.stdout.splitlines() if "FAILED" in l or ": " in l and "model " in l and "passed" not in l]
    return run.returncode != 0, "\n".join(failed[-2:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=300000)
    parser.add_argument("--context-bound", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--work", type=pathlib.Path, default=WORK)
    args = parser.parse_args()
    work = args.work.resolve()

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    baseline = work / "baseline"
    shutil.copytree(INCLUDE, baseline / "include")
    ok, detail = build_and_run(baseline, args.iterations, args.context_bound)
    if ok is None or ok:
        print("mutate: the unmutated model tests do not pass:\n" + detail)
        return 2

    caught = total = 0
    survivors = []
    for n, (header, start, end, line, operation, frm, to, is_failure) in enumerate(sites()):
        name = f"{header.relative_to(INCLUDE)}:{line} {operation} {'failure ' if is_failure else ''}{frm} -> {to}"
        if args.only and args.only not in name:
            continue
        tree = work / f"m{n:03d}"
        shutil.copytree(INCLUDE, tree / "include")
        target = tree / "include" / header.relative_to(INCLUDE)
        text = target.read_text()
        target.write_text(text[:start] + f"order::{to}" + text[end:])
        result, detail = build_and_run(tree, args.iterations, args.context_bound)
        total += 1
        if result is None:
            print(f"  ERROR   {name}: does not compile\n{detail}")
            continue
        if result:
            caught += 1
            print(f"  caught  {name}   [{detail.splitlines()[0] if detail else 'failed'}]")
        else:
            survivors.append(name)
            print(f"  SURVIVED {name}")
        sys.stdout.flush()
        shutil.rmtree(tree)
    print(f"mutations: {caught} caught of {total}")
    return 0 if caught == total else 1


if __name__ == "__main__":
    sys.exit(main())
