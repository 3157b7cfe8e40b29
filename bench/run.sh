#!/usr/bin/env bash
# make bench [SUITE=flume-lock|kov|esp-blink] [QUICK=1]
# Builds the release preset (build/release), builds each suite's extra parts, runs every suite's
# plan in interleaved rounds and writes build/bench/{results.jsonl,failures.jsonl,report.md,*.svg}.
# A suite is bench/<suite>/suite.sh (actions: build, plan; see bench/README.md).
# Exit status 1 when any run failed (its failure is in the report, never a number).
set -euo pipefail
cd "$(dirname "$0")/.."
suites_arg="${1:-}" quick="${2:-}"
[ "$quick" = 0 ] && quick=""
out_dir="$PWD/build/bench"
# The front door uses the release preset's tree. BENCH_BUILD_DIR names another, already
# configured, release-type tree instead (for work on one library while others are mid-change).
build_dir="${BENCH_BUILD_DIR:-$PWD/build/release}"

suites=()
if [ -n "$suites_arg" ]; then
  for s in $suites_arg; do
    [ -x "bench/$s/suite.sh" ] || { echo "bench: no suite '$s' (bench/$s/suite.sh)" >&2; exit 64; }
    suites+=("$s")
  done
else
  for s in flume-lock kov esp-blink; do
    [ -x "bench/$s/suite.sh" ] && suites+=("$s")
  done
fi
[ ${#suites[@]} -gt 0 ] || { echo "bench: no suites present" >&2; exit 64; }

if [ -n "$quick" ]; then rounds=2 timeout_s=120; else rounds=5 timeout_s=600; fi
rounds="${BENCH_ROUNDS:-$rounds}"

mkdir -p "$out_dir"
rm -f "$out_dir"/results.jsonl "$out_dir"/failures.jsonl "$out_dir"/report.md "$out_dir"/*.svg
if [ -z "${BENCH_BUILD_DIR:-}" ]; then
  echo "bench: configuring the release preset ($build_dir)"
  cmake --preset release >"$out_dir/configure.log" 2>&1 || { cat "$out_dir/configure.log" >&2; exit 1; }
else
  echo "bench: using the configured build tree $build_dir"
fi

plan="$out_dir/plan.tsv"
: >"$plan"
status=0
built=()
for s in "${suites[@]}"; do
  echo "bench: building suite $s"
  if ! bash "bench/$s/suite.sh" build "$build_dir" "$out_dir" >"$out_dir/build-$s.log" 2>&1; then
    tail -30 "$out_dir/build-$s.log" >&2
    echo "bench: build of suite $s FAILED (log: $out_dir/build-$s.log)" >&2
    # A suite named on the command line must build; with all suites, the others still run.
    [ -n "$suites_arg" ] && exit 1
    status=1
    continue
  fi
  bash "bench/$s/suite.sh" plan "$build_dir" "$out_dir" "$quick" >>"$plan"
  built+=("$s")
done
[ ${#built[@]} -gt 0 ] || { echo "bench: no suite built" >&2; exit 1; }
suites=("${built[@]}")

# Which source the numbers belong to: the commit, plus a note when the tree had local changes.
revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain -- libs bench 2>/dev/null)" ]; then
  revision="$revision (with uncommitted changes under libs/ or bench/)"
fi
compilers="$(g++ --version 2>/dev/null | head -1); $(rustc --version 2>/dev/null || echo 'no rustc')"
python3 - "$out_dir/meta.json" "$rounds" "$quick" "${suites[*]}" "$revision" "$compilers" <<'PY'
import json, os, sys, time
cpu = "unknown"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "rounds": int(sys.argv[2]),
           "quick": sys.argv[3] == "1", "suites": sys.argv[4].split(), "cpu": cpu,
           "cpus": os.cpu_count(), "load": "%.2f" % os.getloadavg()[0], "revision": sys.argv[5],
           "compilers": sys.argv[6]}, open(sys.argv[1], "w"))
PY

echo "bench: $(wc -l <"$plan") runs per round, $rounds rounds, interleaved"
python3 bench/tools/interleave.py "$plan" "$out_dir/results.jsonl" "$out_dir/failures.jsonl" \
  "$rounds" "$timeout_s" || status=1
python3 bench/tools/report.py "$out_dir" || status=1
ls "$out_dir"/*.svg 2>/dev/null | sed 's/^/bench: wrote /'
exit $status
