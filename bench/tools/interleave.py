"""Runs a benchmark plan in interleaved rounds and collects contract result lines.

Usage: interleave.py PLAN_FILE RESULTS_JSONL FAILURES_JSONL ROUNDS TIMEOUT_S

A plan line is "<suite>\t<scenario>\t<impl>\t<shell command>"; "{round}" in the command is
replaced by the round number. Every round runs every line once (A B C, A B C, ...), with the
implementation order of each scenario reversed on odd rounds so no implementation always runs
right after the same neighbour. Each command prints contract JSON lines on stdout; missing
"suite" and "round" fields are filled in. A run that exits non-zero, times out or prints no
result is a failure: it is written to FAILURES_JSONL and announced on stderr, never as a number.
"""
import json
import os
import signal
import subprocess
import sys

from results import human


def read_plan(path):
    plan = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            suite, scenario, impl, command = line.split("\t", 3)
            plan.append((suite, scenario, impl, command))
    return plan


def round_order(plan, round_no):
    """Plan lines grouped by (suite, scenario), implementations reversed on odd rounds."""
    groups = {}
    for entry in plan:
        groups.setdefault((entry[0], entry[1]), []).append(entry)
    ordered = []
    for entries in groups.values():
        ordered.extend(reversed(entries) if round_no % 2 else entries)
    return ordered


def run_one(entry, round_no, timeout_s):
    suite, scenario, impl, command = entry
    command = command.replace("{round}", str(round_no))
    # A session of its own, so a timeout ends the benchmark process and its threads, not only
    # the shell that started it.
    proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return [], "timed out after %d s (no result recorded)" % timeout_s
    rows = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            return [], "unparsable output line: %s" % line[:200]
        row.setdefault("suite", suite)
        row.setdefault("scenario", scenario)
        row.setdefault("impl", impl)
        row["round"] = round_no
        if "error" in row or not isinstance(row.get("value"), (int, float)):
            return [], "reported error: %s" % row.get("error", line[:200])
        rows.append(row)
    if proc.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        return [], "exit status %d: %s" % (proc.returncode, tail)
    if not rows:
        return [], "no result lines"
    return rows, None


def main():
    plan_path, results_path, failures_path, rounds, timeout_s = sys.argv[1:6]
    rounds, timeout_s = int(rounds), int(timeout_s)
    plan = read_plan(plan_path)
    failures = 0
    with open(results_path, "a") as results, open(failures_path, "a") as failed:
        for round_no in range(rounds):
            for entry in round_order(plan, round_no):
                suite, scenario, impl, _ = entry
                rows, error = run_one(entry, round_no, timeout_s)
                where = "[round %d/%d] %s %s %s" % (round_no + 1, rounds, suite, scenario, impl)
                if error:
                    failures += 1
                    print("%s: FAILED: %s" % (where, error), file=sys.stderr, flush=True)
                    failed.write(json.dumps({"suite": suite, "scenario": scenario, "impl": impl,
                                             "round": round_no, "error": error}) + "\n")
                    failed.flush()
                    continue
                for row in rows:
                    results.write(json.dumps(row) + "\n")
                results.flush()
                first = rows[0]
                print("%s: %s %s" % (where, first["metric"], human(first["value"], first["unit"])),
                      file=sys.stderr, flush=True)
    if failures:
        print("bench: %d run(s) FAILED; see %s" % (failures, failures_path), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
