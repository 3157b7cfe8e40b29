#!/usr/bin/env bash
# Runs the fuzz targets (`make fuzz [TARGET=name] [SECONDS=n]`): configures and builds the
# `fuzz` preset (Clang 14, libFuzzer, ASan + UBSan; only the fuzz targets and what they link),
# then runs each target, or only TARGET, for SECONDS (default 60) from its committed seeds.
# New inputs collect in build/fuzz/fuzz-corpus/<target>/ (kept between runs); a crash leaves
# its input in build/fuzz/ (crash-*, timeout-*, oom-*) and stops with the target's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-60}
jobs=${JOBS:-2}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

list=build/fuzz/fuzz_targets.tsv
found=0
while IFS=$'\t' read -r name binary seeds corpus dict _covers; do
  [ -z "$target" ] || [ "$target" = "$name" ] || continue
  found=1
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix=build/fuzz/)
  [ "$dict" = "-" ] || options+=(-dict="$dict")
  echo "fuzz: $name for ${seconds}s"
  log=build/fuzz/$name.log
  status=0
  "$binary" "${options[@]}" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact)' "$log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $name failed (exit $status); the input is in build/fuzz/" >&2
    exit "$status"
  fi
done <"$list"
if [ "$found" -eq 0 ]; then
  echo "fuzz: no target named '$target' (see $list)" >&2
  exit 1
fi
