#!/usr/bin/env bash
# The kov suite for bench/run.sh.
# - Task, timer, channel and buffered-I/O (lines_1m) scenarios: kov-bench (bench/kov/kov_bench.cpp,
#   CMake target kov-bench) and its tokio current_thread peer (bench/kov/tokio, cargo). Both
#   print contract lines for one scenario and one round when given --scenario and --round;
#   --quick shrinks the sizes.
# - Network scenarios echo_c50, echo_c1000, echo_pipelined16_c256, http_c50,
#   http_pipelined16_c256, idle_c10k: bench/kov/net.sh runs one server (kov-bench-echo/http on
#   the runtime's default backend and on each forced one, the strict kov-http, a peer from
#   bench/kov/peers: tokio, asio, libuv, or a floor from bench/kov/floor: raw epoll, raw
#   io_uring) against kov-echo-load or wrk, capped at half a core (KOV_NET_CAP=none: uncapped;
#   KOV_NET_CAP=0.25: another cap).
# - TLS scenarios https_c50 (wrk over TLS) and tls_handshakes (kov-tls-handshake-load): the same
#   way, kov-bench-https against asio-https (asio::ssl::stream).
#   suite.sh build BUILD_DIR OUT_DIR
#   suite.sh plan  BUILD_DIR OUT_DIR QUICK
# KOV_SCENARIOS="idle_c10k echo_c50 ..." plans only those scenarios (default: all), for a run
# that checks a few rows: KOV_SCENARIOS="..." BENCH_ROUNDS=3 make bench SUITE=kov
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
action="$1" build_dir="$2" out_dir="$3" quick="${4:-}"
# Absolute, since cargo runs from the project directories.
mkdir -p "$out_dir"
build_dir="$(cd "$build_dir" && pwd)" out_dir="$(cd "$out_dir" && pwd)"
# Copies, so a rebuild of build/release during a long run cannot mix binaries.
bin="$out_dir/bin"
kov_bin="$bin/kov-bench"
tokio_bin="$bin/kov_bench_tokio"
net_impls="kov kov-epoll kov-uring kov-http tokio asio libuv floor-epoll floor-uring"
net_scenarios="http_c50 http_pipelined16_c256 echo_c50 echo_c1000 echo_pipelined16_c256 idle_c10k
  https_c50 tls_handshakes"
# Servers that may be absent from a tree: the asio and libuv peers and the io_uring floor are
# left out by CMake when their library is not installed (the TLS ones without OpenSSL 3). Their scenarios then run without them.
optional_targets="kov-bench-echo kov-bench-http kov-http asio-echo asio-http libuv-echo libuv-http
  floor-epoll-echo floor-epoll-http floor-uring-echo floor-uring-http kov-bench-https asio-https
  kov-tls-handshake-load"

# Whether scenario $1 is in the run (KOV_SCENARIOS, when set, lists the wanted ones).
wanted() {
  [ -z "${KOV_SCENARIOS:-}" ] || grep -qw -- "$1" <<<"$KOV_SCENARIOS"
}

case "$action" in
  build)
    targets=(kov-bench kov-echo-load)
    defined="$(cmake --build "$build_dir" --target help | sed -n 's/^\([^ ]*\): .*/\1/p')"
    for t in $optional_targets; do
      if grep -qx "$t" <<<"$defined"; then
        targets+=("$t")
      else
        echo "suite.sh: no target $t in $build_dir; its runs are left out" >&2
      fi
    done
    cmake --build "$build_dir" --target "${targets[@]}" -j "${BENCH_JOBS:-2}" >&2
    for project in tokio peers/tokio; do
      (cd "$repo/bench/kov/$project" && CARGO_TARGET_DIR="$out_dir/cargo" cargo build --release --quiet) >&2
    done
    mkdir -p "$bin"
    for t in $optional_targets; do rm -f "$bin/$t"; done  # no stale copy of a server not built now
    for t in "${targets[@]}"; do cp "$build_dir/bin/$t" "$bin/"; done
    cp "$out_dir"/cargo/release/{kov_bench_tokio,tokio-echo,tokio-http} "$bin/"
    ;;
  plan)
    size_flag=""
    [ "$quick" = 1 ] && size_flag=" --quick"
    # "impl scenario binary" for everything the two programs offer, grouped by scenario in
    # kov-bench's order (kov first, then tokio where it has the scenario).
    offered="$("$kov_bin" --list | sed "s|\$| $kov_bin|"; "$tokio_bin" --list | sed "s|\$| $tokio_bin|")"
    for s in $(awk '{ print $2 }' <<<"$offered" | awk '!seen[$0]++'); do
      wanted "$s" || continue
      awk -v s="$s" -v flag="$size_flag" '$2 == s {
        printf "kov\t%s\t%s\t%s --scenario %s --round {round}%s\n", $2, $1, $3, $2, flag }' <<<"$offered"
    done
    for s in $net_scenarios; do
      wanted "$s" || continue
      for impl in $net_impls; do
        # kov-http has no echo server: no name, no run.
        server_name="$("$repo/bench/kov/net.sh" --which "$impl" "$s" 2>/dev/null)" || continue
        if [ -x "$bin/$server_name" ]; then
          printf "kov\t%s\t%s\t%s %s %s {round} --bin-dir %s%s\n" "$s" "$impl" \
            "$repo/bench/kov/net.sh" "$impl" "$s" "$bin" "$size_flag"
        else
          echo "suite.sh: $s: no $server_name in $bin, $impl left out" >&2
        fi
      done
    done
    ;;
  *)
    echo "suite.sh: unknown action $action" >&2
    exit 64
    ;;
esac
