#!/usr/bin/env bash
# Load-independent costs of every network server: syscalls, io_uring SQEs and CQEs and user
# instructions (where the CPU exposes them) per request, one short run of each scenario with
# `net.sh --counts`. A table on stdout, to compare kov (both backends) with the peers and floors
# before and after a change, on a machine that need not be quiet. For the TLS servers'
# instructions where perf cannot count them, bench/kov/tls_counts.sh counts them with callgrind.
#   counts.sh [--bin-dir DIR] [--duration S] [--cap CORES|none] [IMPL...]
# IMPL defaults to every implementation of net.sh; the servers must be built (suite.sh build,
# or cmake with TRIO_BUILD_BENCH=ON and --bin-dir BUILD/bin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
net_args=(--counts --duration 2)
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir | --duration | --cap) net_args+=("$1" "$2"); shift 2 ;;
    *) break ;;
  esac
done
impls=("$@")
[ ${#impls[@]} -gt 0 ] || impls=(kov kov-epoll kov-uring kov-http tokio asio libuv floor-epoll floor-uring)
scenarios="http_c50 http_pipelined16_c256 echo_c50 echo_c1000 echo_pipelined16_c256 https_c50
  tls_handshakes"

printf '| scenario | impl | syscalls/req | SQEs/req | CQEs/req | instructions/req |\n|---|---|---|---|---|---|\n'
for s in $scenarios; do
  for impl in "${impls[@]}"; do
    "$here/net.sh" --which "$impl" "$s" >/dev/null 2>&1 || continue
    if ! lines="$("$here/net.sh" "$impl" "$s" 0 "${net_args[@]}" 2>/dev/null)"; then
      printf '| %s | %s | failed: net.sh %s %s 0 %s |\n' "$s" "$impl" "$impl" "$s" "${net_args[*]}"
      continue
    fi
    echo "$lines" | awk -v s="$s" -v i="$impl" '
      { match($0, /"metric":"[a-z_]+"/); m = substr($0, RSTART + 10, RLENGTH - 11)
        match($0, /"value":[0-9.]+/); v[m] = substr($0, RSTART + 8, RLENGTH - 8) }
      function cell(m) { return (m in v) ? sprintf("%.3f", v[m]) : "-" }
      END { printf "| %s | %s | %s | %s | %s | %s |\n", s, i, cell("syscalls_per_req"),
            cell("uring_sqes_per_req"), cell("uring_cqes_per_req"), cell("instructions_per_req") }'
  done
done
