#!/usr/bin/env bash
# Two builds of flume-lock head to head: the current build against a baseline binary (another
# revision's bench_flume_lock, or the same binary run with other environment), interleaved in
# rounds with peers for context (tools/interleave.py). Prints per scenario the median [min-max]
# of the per-round ratios current/baseline and current/peer.
#
#   bench/flume-lock/compare_builds.sh BASELINE_BIN [ROUNDS] [SCENARIOS]
#     ROUNDS     default 9; SCENARIOS default "mpsc_t4 mpsc_t8"
#   environment:
#     CURRENT_BIN   default build/release/bin/bench_flume_lock
#     CURRENT_ENV, BASELINE_ENV   "NAME=value ..." for that side's runs only
#     PEERS         default "moodycamel", plus crossbeam when build/bench/bin has the Rust program
#     CURRENT_IMPL  the implementation both sides run (default flume-lock; flume-lock-sharded
#                   for the sharded MPMC flavour, whose scenario is mpmc_t4x4)
#
# A baseline from another revision:
#   git worktree add /tmp/base REV && (cd /tmp/base && cmake --preset release >/dev/null &&
#     cmake --build --preset release --target bench_flume_lock)
#   bench/flume-lock/compare_builds.sh /tmp/base/build/release/bin/bench_flume_lock
# The same binary with and without one environment setting:
#   BASELINE_ENV=MALLOC_ARENA_MAX=1 bench/flume-lock/compare_builds.sh build/release/bin/bench_flume_lock
set -euo pipefail
cd "$(dirname "$0")/../.."
baseline="${1:?usage: compare_builds.sh BASELINE_BIN [ROUNDS] [SCENARIOS]}"
rounds="${2:-9}"
scenarios="${3:-mpsc_t4 mpsc_t8}"
current="${CURRENT_BIN:-build/release/bin/bench_flume_lock}"
rust=build/bench/bin/bench_flume_lock_rust
peers="${PEERS:-moodycamel$([ -x "$rust" ] && echo ' crossbeam' || true)}"
for b in "$current" "$baseline"; do
  [ -x "$b" ] || { echo "compare_builds: $b is not an executable" >&2; exit 64; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
impl="${CURRENT_IMPL:-flume-lock}"
for s in $scenarios; do
  # Both sides run $impl; their lines are renamed "flume-lock" (the side the ratios are of) and
  # "baseline" so the two can be told apart.
  printf 'flume-lock\t%s\tflume-lock\tenv %s %s --impl %s --scenario %s --round {round} | %s\n' \
    "$s" "${CURRENT_ENV:-}" "$current" "$impl" "$s" \
    "sed 's/\"impl\":\"$impl\"/\"impl\":\"flume-lock\"/'"
  printf 'flume-lock\t%s\tbaseline\tenv %s %s --impl %s --scenario %s --round {round} | %s\n' \
    "$s" "${BASELINE_ENV:-}" "$baseline" "$impl" "$s" \
    "sed 's/\"impl\":\"$impl\"/\"impl\":\"baseline\"/'"
  for p in $peers; do
    bin="$current"
    [ "$p" = crossbeam ] || [ "$p" = std-mpsc ] && bin="$rust"
    # A peer runs only the scenarios it has (moodycamel has no bounded queue).
    "$bin" --list | grep -qx "$p $s" || continue
    printf 'flume-lock\t%s\t%s\t%s --impl %s --scenario %s --round {round}\n' "$s" "$p" "$bin" "$p" "$s"
  done
done >"$work/plan"

python3 bench/tools/interleave.py "$work/plan" "$work/results.jsonl" "$work/failures.jsonl" \
  "$rounds" 600
python3 bench/tools/compare.py "$work/results.jsonl" flume-lock flume-lock "throughput: >1 = current is faster"
