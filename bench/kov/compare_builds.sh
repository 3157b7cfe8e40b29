#!/usr/bin/env bash
# Two builds of kov head to head on the task, channel and timer scenarios: the current
# kov-bench against a baseline binary (another revision's kov-bench), interleaved in rounds with
# tokio's current_thread runtime for context where it has the scenario (tools/interleave.py). Prints per scenario the
# median [min-max] of the per-round ratios current/baseline and current/tokio (times: <1 =
# current is faster).
#
#   bench/kov/compare_builds.sh BASELINE_BIN [ROUNDS] [SCENARIOS] [--quick]
#     ROUNDS     default 5; SCENARIOS default: the six task and channel scenarios
#   environment:
#     CURRENT_BIN   default build/release/bin/kov-bench
#     TOKIO_BIN     default build/bench/bin/kov_bench_tokio (left out when absent)
#
# A baseline from another revision:
#   git worktree add /tmp/base REV && (cd /tmp/base && cmake --preset release >/dev/null &&
#     cmake --build --preset release --target kov-bench)
#   bench/kov/compare_builds.sh /tmp/base/build/release/bin/kov-bench
set -euo pipefail
cd "$(dirname "$0")/../.."
baseline="${1:?usage: compare_builds.sh BASELINE_BIN [ROUNDS] [SCENARIOS] [--quick]}"
rounds="${2:-5}"
scenarios="${3:-spawn_many chained_spawn yield_many ping_pong oneshot_roundtrip mpsc_roundtrip}"
size_flag="${4:-}"
current="${CURRENT_BIN:-build/release/bin/kov-bench}"
tokio="${TOKIO_BIN:-build/bench/bin/kov_bench_tokio}"
for b in "$current" "$baseline"; do
  [ -x "$b" ] || { echo "compare_builds: $b is not an executable" >&2; exit 64; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for s in $scenarios; do
  printf 'kov\t%s\tkov\t%s --scenario %s --round {round} %s\n' "$s" "$current" "$s" "$size_flag"
  # The baseline prints impl "kov" too; its lines are renamed so the two can be told apart.
  printf 'kov\t%s\tbaseline\t%s --scenario %s --round {round} %s | %s\n' \
    "$s" "$baseline" "$s" "$size_flag" "sed 's/\"impl\":\"kov\"/\"impl\":\"baseline\"/'"
  # tokio for context, in the scenarios it has (timers have no tokio counterpart).
  if [ -x "$tokio" ] && "$tokio" --list | awk '{print $NF}' | grep -qx "$s"; then
    printf 'kov\t%s\ttokio\t%s --scenario %s --round {round} %s\n' "$s" "$tokio" "$s" "$size_flag"
  fi
done >"$work/plan"

python3 bench/tools/interleave.py "$work/plan" "$work/results.jsonl" "$work/failures.jsonl" \
  "$rounds" 600
python3 bench/tools/compare.py "$work/results.jsonl" kov kov "times: <1 = current is faster"
