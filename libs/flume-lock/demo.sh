#!/usr/bin/env bash
# flume-lock's part of `make demo` (called as `libs/flume-lock/demo.sh build/release` after the
# release build): a quick interleaved head-to-head against crossbeam-channel and the C++ queues
# (bench/run.sh flume-lock 1), then a summary table. The full run is `make bench SUITE=flume-lock`.
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir="${1:-build/release}"
[ "$build_dir" = build/release ] || echo "flume-lock demo: note: the bench always uses build/release"

echo "flume-lock demo: quick head-to-head (N = 500,000 uint64_t per run, 2 interleaved rounds,"
echo "every run checked for exactly-once delivery); about a minute"
mkdir -p build/bench
log=build/bench/demo-run.log
status=0
bash bench/run.sh flume-lock 1 >"$log" 2>&1 || status=$?
grep -E "FAILED" "$log" || true
if [ ! -s build/bench/results.jsonl ]; then
  tail -20 "$log"
  echo "flume-lock demo: the benchmark produced no results (log: $log)" >&2
  exit 1
fi
echo
python3 bench/tools/report.py build/bench --summary flume-lock
echo
echo "full tables, CPU time and peak RSS: build/bench/report.md; charts: build/bench/*.svg"
if [ "$status" -ne 0 ]; then
  echo "flume-lock demo: some runs FAILED (listed above and in build/bench/report.md)" >&2
fi
exit "$status"
