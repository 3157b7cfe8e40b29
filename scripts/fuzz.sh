#!/usr/bin/env bash
# Runs the fuzz targets (`make fuzz [TARGET="name ..."] [SECONDS=n] [RUNS=n]`): configures and
# builds the `fuzz` preset (Clang 14, libFuzzer, ASan + UBSan; only the fuzz targets and what
# they link), then runs each target, or only those named in TARGET, from its committed seeds for
# SECONDS (default 60) or, when RUNS is given, until RUNS executions if that comes first. The
# long campaign is `make fuzz SECONDS=3600 RUNS=10000000`: each target ends after ten million
# executions or an hour. Each target ends with one summary line (executions, rate, what ended it).
# New inputs collect in build/fuzz/fuzz-corpus/<target>/ (kept between runs); a crash leaves
# its input in build/fuzz/ (crash-*, timeout-*, oom-*) and stops with the target's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-60}
runs=${3:-}
jobs=${JOBS:-2}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

# One line per target: executions, seconds, rate and whether RUNS or SECONDS ended the run.
summarize() {
  local name=$1 log=$2 cap=$3 execs rate elapsed ended
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
  ended="time"
  [ -n "$cap" ] && [ "${execs:-0}" -ge "$cap" ] && ended="runs"
  echo "fuzz-summary: $name executions=${execs:-?} seconds=${elapsed:-?} exec_per_s=${rate:-?}" \
       "ended_by=$ended"
}

list=build/fuzz/fuzz_targets.tsv
for wanted in $target; do  # every name asked for exists, before anything runs
  cut -f1 "$list" | grep -qx "$wanted" || { echo "fuzz: no target named '$wanted' (see $list)" >&2; exit 1; }
done
found=0
while IFS=$'\t' read -r name binary seeds corpus dict _covers; do
  [ -z "$target" ] || [[ " $target " == *" $name "* ]] || continue
  found=1
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix=build/fuzz/)
  [ "$dict" = "-" ] || options+=(-dict="$dict")
  [ -z "$runs" ] || options+=(-runs="$runs")
  echo "fuzz: $name for ${seconds}s${runs:+ or $runs executions}"
  log=build/fuzz/$name.log
  status=0
  "$binary" "${options[@]}" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact)' "$log" || true
  summarize "$name" "$log" "$runs"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $name failed (exit $status); the input is in build/fuzz/" >&2
    exit "$status"
  fi
done <"$list"
if [ "$found" -eq 0 ]; then
  echo "fuzz: no target named '$target' (see $list)" >&2
  exit 1
fi
