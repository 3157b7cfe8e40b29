#!/usr/bin/env bash
# Profile summary of the mpsc_t4 scenario (4 producers, 1 consumer), for docs/flume-lock-perf.md.
#
# 1. Instructions per message under valgrind's callgrind, for flume-lock, crossbeam-channel and
#    moodycamel: Ir(2n) - Ir(n) over n, so start-up and set-up cost cancels out. Hardware
#    counters (`perf stat -e instructions`) are not available on this machine, hence callgrind.
#    Callgrind runs one thread at a time, so these are uncontended instruction counts.
# 2. flume-lock's instructions per message by function (callgrind, n messages).
# 3. Where wall-clock time goes: `perf record -e cpu-clock` (a software timer, which works
#    without hardware counters) over a full 5M-message run, top symbols.
#
#   bash libs/flume-lock/tools/profile.sh [BUILD_BENCH_DIR]   (default build/bench: bin/ copies
#   made by `make bench`)
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin_dir="${1:-build/bench}/bin"
cpp="$bin_dir/bench_flume_lock" rust="$bin_dir/bench_flume_lock_rust"
for b in "$cpp" "$rust"; do
  [ -x "$b" ] || { echo "profile: $b missing; run make bench first" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n=200000

instructions() {  # binary impl n -> total Ir of one mpsc_t4 run
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$2.$3" "$1" --impl "$2" \
    --scenario mpsc_t4 --n "$3" >/dev/null 2>"$work/vg.log" || { cat "$work/vg.log" >&2; exit 1; }
  callgrind_annotate "$work/cg.$2.$3" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

echo "## Instructions per message, mpsc_t4 (callgrind, Ir(2n) - Ir(n) over n, n = $n)"
echo
echo "| impl | instructions per message (send + recv + harness loop and check) |"
echo "|---|---|"
for pair in "flume-lock:$cpp" "moodycamel:$cpp" "crossbeam:$rust"; do
  impl="${pair%%:*}" binary="${pair#*:}"
  one="$(instructions "$binary" "$impl" "$n")"
  two="$(instructions "$binary" "$impl" $((2 * n)))"
  echo "| $impl | $(( (two - one) / n )) |"
done

echo
echo "## flume-lock, instructions per message by function (callgrind, n = $((2 * n)))"
echo
callgrind_annotate "$work/cg.flume-lock.$((2 * n))" 2>/dev/null \
  | awk -v n=$((2 * n)) '/file:function/ { on = 1; next }
      on && /^ *[0-9,]+ / { ir = $1; gsub(",", "", ir); if (ir / n < 0.5) exit;
        sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, ""); sub(/ \[.*\]$/, ""); sub(/^\?\?\?:/, "");
        printf "- %.1f  %s\n", ir / n, substr($0, 1, 150) }'

echo
echo "## flume-lock, where the time goes (perf record -e cpu-clock, mpsc_t4, 5,000,000 messages)"
echo
perf record -q -e cpu-clock -o "$work/perf.data" "$cpp" --impl flume-lock --scenario mpsc_t4 \
  --n 5000000 >/dev/null 2>&1
perf report -q -i "$work/perf.data" --no-children --sort symbol --stdio 2>/dev/null \
  | awk 'NF && $1 ~ /%$/ { sub(/\[[.k]\] /, ""); sub(/^ +/, ""); print "- " substr($0, 1, 160) }' | sed 's/[[:space:]]*$//' | head -15
