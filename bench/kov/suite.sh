#!/usr/bin/env bash
# The kov suite for bench/run.sh: kov-bench (libs/kov/bench, CMake target kov-bench) and its
# tokio current_thread peer (libs/kov/bench/tokio, cargo). Both print contract lines for one
# scenario and one round when given --scenario and --round; --quick shrinks the sizes.
#   suite.sh build BUILD_DIR OUT_DIR
#   suite.sh plan  BUILD_DIR OUT_DIR QUICK
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
action="$1" build_dir="$2" out_dir="$3" quick="${4:-}"
# Copies, so a rebuild of build/release during a long run cannot mix binaries.
kov_bin="$out_dir/bin/kov-bench"
tokio_bin="$out_dir/bin/kov_bench_tokio"

case "$action" in
  build)
    cmake --build "$build_dir" --target kov-bench -j "${BENCH_JOBS:-2}" >&2
    (cd "$repo/libs/kov/bench/tokio" && CARGO_TARGET_DIR="$out_dir/cargo" cargo build --release --quiet) >&2
    mkdir -p "$out_dir/bin"
    cp "$build_dir/bin/kov-bench" "$out_dir/cargo/release/kov_bench_tokio" "$out_dir/bin/"
    ;;
  plan)
    size_flag=""
    [ "$quick" = 1 ] && size_flag=" --quick"
    # "impl scenario binary" for everything the two programs offer, grouped by scenario in
    # kov-bench's order (kov first, then tokio where it has the scenario).
    offered="$("$kov_bin" --list | sed "s|\$| $kov_bin|"; "$tokio_bin" --list | sed "s|\$| $tokio_bin|")"
    for s in $(awk '{ print $2 }' <<<"$offered" | awk '!seen[$0]++'); do
      awk -v s="$s" -v flag="$size_flag" '$2 == s {
        printf "kov\t%s\t%s\t%s --scenario %s --round {round}%s\n", $2, $1, $3, $2, flag }' <<<"$offered"
    done
    ;;
  *)
    echo "suite.sh: unknown action $action" >&2
    exit 64
    ;;
esac
