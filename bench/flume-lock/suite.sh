#!/usr/bin/env bash
# The flume-lock suite for bench/run.sh.
#   suite.sh build BUILD_DIR OUT_DIR        builds the C++ program (CMake target) and the Rust peers
#   suite.sh plan  BUILD_DIR OUT_DIR QUICK  prints the plan: suite, scenario, impl, command (tabs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
action="$1" build_dir="$2" out_dir="$3" quick="${4:-}"
# The plan runs copies, so a rebuild of build/release during a long run cannot mix binaries.
cpp_bin="$out_dir/bin/bench_flume_lock"
rust_bin="$out_dir/bin/bench_flume_lock_rust"

case "$action" in
  build)
    cmake --build "$build_dir" --target bench_flume_lock -j "${BENCH_JOBS:-2}" >&2
    # Cargo's output stays under build/bench/ (CARGO_TARGET_DIR), never in the source tree.
    (cd "$here/rust" && CARGO_TARGET_DIR="$out_dir/cargo" cargo build --release --quiet) >&2
    mkdir -p "$out_dir/bin"
    cp "$build_dir/bin/bench_flume_lock" "$out_dir/cargo/release/bench_flume_lock_rust" "$out_dir/bin/"
    ;;
  plan)
    if [ "$quick" = 1 ]; then n=500000 trips=20000; else n=5000000 trips=100000; fi
    n="${BENCH_N:-$n}" trips="${BENCH_ROUND_TRIPS:-$trips}"
    # Capacity 1 (and 0, rendezvous) makes every message a hand-off between threads (a wake-up each on this 2-core
    # machine); the quick mode runs a tenth of N there to stay within a demo's minute or two.
    n_bounded1="$n"
    [ "$quick" = 1 ] && [ -z "${BENCH_N:-}" ] && n_bounded1=$((n / 10))
    scenarios="${BENCH_SCENARIOS:-seq spsc mpsc_t2 mpsc_t4 mpsc_t8 bounded1_spsc bounded1_mpsc_t4
               bounded1024_spsc bounded1024_mpsc_t4 pingpong select_rx4 rendezvous_spsc}"
    # "impl scenario binary" for everything both programs offer: flume-lock, C++ peers, Rust peers.
    offered="$("$cpp_bin" --list | sed "s|\$| $cpp_bin|"; "$rust_bin" --list | sed "s|\$| $rust_bin|")"
    for s in $scenarios; do
      case "$s" in bounded1_* | rendezvous_*) sn="$n_bounded1" ;; *) sn="$n" ;; esac
      awk -v s="$s" -v n="$sn" -v trips="$trips" '$2 == s {
        printf "flume-lock\t%s\t%s\t%s --impl %s --scenario %s --n %s --round-trips %s --round {round}\n",
          $2, $1, $3, $1, $2, n, trips }' <<<"$offered"
    done
    ;;
  *)
    echo "suite.sh: unknown action $action" >&2
    exit 64
    ;;
esac
