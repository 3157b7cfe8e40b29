#!/usr/bin/env python3
"""Mutation test of the memory orderings that the Relacy model tests cover (`make mutate`).

For each library, weakens one memory ordering at a time in the code its model tests compile
(seq_cst -> acquire/release/acq_rel by operation, acq_rel -> acquire and -> release,
acquire/release -> relaxed), rebuilds the model test programs that include the mutated file and
runs them. A variant is caught when a model test fails (or hangs past --timeout). Prints one
line per variant and, per library, `mutations: X caught of Y`. Exit status 0 only if every
variant of every library run was caught.

Usage: mutate.py [--lib flume-lock|kov]... [--iterations N] [--context-bound N]
                 [--only SUBSTRING] [--scenarios PATTERN] [--work DIR] [--timeout SECONDS]
                 [--jobs N]
  --lib            the library to mutate (repeatable; default: every library)
  --iterations     executions per random-search scenario (default: each library's own)
  --context-bound  preemptions per schedule in flume-lock's context-bound scenarios (default 3)
  --only           mutate only the sites whose name contains SUBSTRING
  --scenarios      flume-lock only: run the model scenarios PATTERN selects (names and
                   prefixes ending in '*', comma-separated, such as 'mpmc_*,select_*'), not
                   all of them; a quicker look at one flavour's sites, never the full verdict
  --work           scratch directory for the variants (default build/mutate; emptied first)
  --timeout        seconds a model test may run before the variant counts as caught (1800)
  --jobs           variants built and run at once (default 1)
"""
import argparse
import concurrent.futures
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutate"
COMPILE = ["g++", "-std=c++20", "-O1", "-w", "-fno-sized-deallocation"]


class Program:
    """One model test program: its sources, flags and command line ({iterations} and
    {context_bound} are filled in), all paths relative to the repository root."""

    def __init__(self, name, sources, defines, includes, args):
        self.name, self.sources, self.defines, self.includes, self.args = (
            name, sources, defines, includes, args)


class Library:
    """What is copied into each variant tree, the files whose orderings are mutated, and the
    model test programs that check them."""

    def __init__(self, name, copied, mutated, programs, iterations):
        self.name, self.copied, self.mutated, self.programs, self.iterations = (
            name, copied, mutated, programs, iterations)


FLUME_LOCK_MODEL = Program(
    "flume_lock_model_tests", ["libs/flume-lock/tests/model/model_tests.cpp"],
    ["FLUME_LOCK_MODEL=1"], ["libs/flume-lock/include"],
    ["{scenarios}", "{iterations}", "{context_bound}"])

KOV_MODELS = [
    Program(f"kov_{m}_model_test", [f"libs/kov/tests/model/{m}_model_test.cpp",
                                     "libs/kov/src/result.cpp"],
            ["KOV_MODEL=1", "FLUME_LOCK_MODEL=1"], ["libs/kov/include", "libs/flume-lock/include"],
            ["{iterations}"])
    for m in ("wake", "oneshot", "token", "bounded_mpsc")
]

LIBRARIES = {
    "flume-lock": Library(
        "flume-lock", ["libs/flume-lock/include", "libs/flume-lock/tests/model"],
        lambda: sorted(p.relative_to(ROOT).as_posix()
                       for p in (ROOT / "libs/flume-lock/include").rglob("*.hpp")),
        [FLUME_LOCK_MODEL], 300000),
    # Every file of kov with an ordering that the kov model tests compile, and the flume-lock
    # send path under kov's bounded mpsc (its senders' waiter list and bounded queue), which
    # kov_bounded_mpsc_model_test runs from a task's side.
    "kov": Library(
        "kov", ["libs/kov/include", "libs/kov/src", "libs/kov/tests/model",
                "libs/flume-lock/include"],
        lambda: ["libs/kov/include/kov/oneshot.hpp",
                 "libs/kov/include/kov/detail/wake_protocol.hpp",
                 "libs/kov/include/kov/sync/cancellation_token.hpp",
                 "libs/kov/include/kov/detail/room_wait.hpp",
                 "libs/kov/src/remote.cpp",
                 "libs/flume-lock/include/flume_lock/detail/send_waiters.hpp",
                 "libs/flume-lock/include/flume_lock/bounded_queue.hpp"],
        KOV_MODELS, 200000),
}

ORDER = re.compile(r"order::(seq_cst|acq_rel|acquire|release)\b")
OPERATION = re.compile(r"\.(load|store|exchange|fetch_add|fetch_sub|fetch_or|fetch_and|"
                       r"compare_exchange_strong|compare_exchange_weak)\(")


def weaker(operation, order, is_cas_failure):
    """The weakened orderings to try for one site."""
    if is_cas_failure:
        return ["relaxed"] if order != "relaxed" else []
    if order == "seq_cst":
        return {"load": ["acquire"], "store": ["release"]}.get(operation, ["acq_rel"])
    if order == "acq_rel":
        return ["acquire", "release"]
    return ["relaxed"]


def sites(root, files):
    """Every (file, start, end, line, operation, from, to, cas-failure) mutation in `files`
    (relative to `root`)."""
    for rel in files:
        text = (root / rel).read_text()
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
            is_cas_failure = (operation.startswith("compare_exchange")
                              and between.count("order::") == 1)
            line = text.count("\n", 0, m.start()) + 1
            for to in weaker(operation, m.group(1), is_cas_failure):
                yield rel, m.start(), m.end(), line, operation, m.group(1), to, is_cas_failure


def copy_tree(lib, tree, source=ROOT):
    for rel in lib.copied:
        shutil.copytree(source / rel, tree / rel)


def flags(program, tree):
    return (COMPILE + [f"-D{d}" for d in program.defines]
            + [f"-I{tree / i}" for i in program.includes])


def compile_cmd(program, tree, binary):
    return flags(program, tree) + [str(tree / s) for s in program.sources] + ["-o", str(binary)]


def dependencies(program, tree):
    """The files (relative to the tree) that the program's sources include."""
    deps = set()
    root = tree.resolve()
    for source in program.sources:
        out = subprocess.run(flags(program, tree) + ["-MM", "-MT", "x", str(tree / source)],
                             capture_output=True, text=True, check=True)
        for word in out.stdout.replace("\\\n", " ").split()[1:]:
            path = pathlib.Path(word).resolve()
            if path.is_relative_to(root):
                deps.add(path.relative_to(root).as_posix())
    return deps


def build_and_run(programs, tree, args, iterations):
    """(caught, detail): caught is None if a program does not compile."""
    for program in programs:
        binary = tree / program.name
        built = subprocess.run(compile_cmd(program, tree, binary), capture_output=True, text=True)
        if built.returncode != 0:
            return None, built.stderr[-2000:]
        command = [str(binary)] + [a.format(iterations=iterations, context_bound=args.context_bound,
                                            scenarios=args.scenarios)
                                   for a in program.args]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return True, f"{program.name}: timed out after {args.timeout} s"
        if run.returncode != 0:
            failed = [l for l in run.stdout.splitlines()
                      if "FAILED" in l or ("model " in l and ": " in l and "passed" not in l)]
            return True, f"{program.name}: " + (failed[0] if failed else "failed")
    return False, ""


def mutate_library(lib, args, work):
    iterations = args.iterations or lib.iterations
    baseline = work / lib.name / "baseline"
    copy_tree(lib, baseline)
    caught, detail = build_and_run(lib.programs, baseline, args, iterations)
    if caught is None or caught:
        print(f"mutate {lib.name}: the unmutated model tests do not pass:\n{detail}")
        return None
    deps = {p.name: dependencies(p, baseline) for p in lib.programs}

    print(f"{lib.name}: model tests {', '.join(p.name for p in lib.programs)}, "
          f"{iterations} iterations")
    variants = []
    for n, (rel, start, end, line, operation, frm, to, is_failure) in enumerate(
            sites(baseline, lib.mutated())):
        name = f"{rel}:{line} {operation} {'failure ' if is_failure else ''}{frm} -> {to}"
        if not args.only or args.only in name:
            variants.append((n, name, rel, start, end, to))

    def check(variant):
        n, _, rel, start, end, to = variant
        tree = work / lib.name / f"m{n:03d}"
        copy_tree(lib, tree, baseline)  # the tree the sites were found in
        text = (baseline / rel).read_text()
        (tree / rel).write_text(text[:start] + f"order::{to}" + text[end:])
        programs = [p for p in lib.programs if rel in deps[p.name]]
        result = build_and_run(programs, tree, args, iterations)
        shutil.rmtree(tree)
        return result

    caught_count = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for (_, name, *_), (result, detail) in zip(variants, pool.map(check, variants)):
            if result is None:
                print(f"  ERROR    {name}: does not compile\n{detail}")
            elif result:
                caught_count += 1
                print(f"  caught   {name}   [{detail.splitlines()[0] if detail else 'failed'}]")
            else:
                print(f"  SURVIVED {name}")
            sys.stdout.flush()
    total = len(variants)
    print(f"{lib.name} mutations: {caught_count} caught of {total}")
    return caught_count == total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lib", action="append", choices=sorted(LIBRARIES))
    parser.add_argument("--iterations", type=int, default=0)
    parser.add_argument("--context-bound", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--scenarios", default="all")
    parser.add_argument("--work", type=pathlib.Path, default=WORK)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    work = args.work.resolve()

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results = [mutate_library(LIBRARIES[name], args, work) for name in (args.lib or LIBRARIES)]
    if any(r is None for r in results):
        return 2
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
