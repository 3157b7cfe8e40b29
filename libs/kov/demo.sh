#!/usr/bin/env bash
# kov's part of `make demo` (called as `libs/kov/demo.sh build/release` after the release build):
# kov-http and its three peers (tokio current_thread, Asio coroutines, libuv), each driven by
# `wrk -t1 -c50 -d3s` on loopback through bench/kov/net.sh (server on CPU 0, wrk on CPU 1), then
# a table. About 20 s. The full comparison, echo scenarios included: `make bench SUITE=kov`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-build/release}/bin"
if [ ! -x "$bin/kov-http" ]; then
  echo "kov demo: missing $bin/kov-http (build it: cmake --build --preset release --target kov-http)" >&2
  exit 1
fi
command -v wrk >/dev/null || { echo "kov demo: wrk is not installed (Debian package wrk)" >&2; exit 1; }

mkdir -p build/bench
log=build/bench/kov-demo.log
: >"$log"
# The tokio peer is a Cargo project (built offline); when it is up to date this takes a second.
cargo_dir="$PWD/build/bench/cargo"
(cd bench/kov/peers/tokio && CARGO_TARGET_DIR="$cargo_dir" cargo build --release --quiet) \
  >>"$log" 2>&1 || echo "kov demo: the tokio peer did not build (log: $log); it is left out"

echo "kov demo: HTTP/1.1 hello world, keep-alive, wrk -t1 -c50 -d3s, one server at a time"
results=""
for impl in kov tokio asio libuv; do
  server="$bin/$impl-http"
  [ "$impl" = tokio ] && server="$cargo_dir/release/tokio-http"
  if [ ! -x "$server" ]; then
    echo "kov demo: no $server; $impl left out"
    continue
  fi
  if lines="$(bench/kov/net.sh "$impl" http_c50 0 --duration 3 --server "$server" 2>>"$log")"; then
    results+="$lines"$'\n'
  elif [ "$impl" = kov ]; then
    tail -15 "$log" >&2
    echo "kov demo: the kov-http run FAILED (log: $log)" >&2
    exit 1
  else
    echo "kov demo: the $impl run failed (log: $log); it is left out"
  fi
done

python3 - "$results" <<'PY'
import json, sys
rows = {}
for line in sys.argv[1].splitlines():
    r = json.loads(line)
    rows.setdefault(r["impl"], {})[r["metric"]] = r["value"]
def us(v):
    return "%.2f ms" % (v / 1e3) if v >= 1e4 else "%.0f us" % v
print("\n   %-8s %12s %10s %10s %16s" % ("server", "req/s", "p50", "p99", "server CPU/req"))
for impl, m in rows.items():
    cpu = m.get("server_cpu_per_req")
    print("   %-8s %12.0f %10s %10s %16s" % (impl, m["req_per_s"], us(m["latency_p50"]),
                                          us(m["latency_p99"]), "%.2f us" % cpu if cpu else "-"))
peers = [i for i in rows if i != "kov"]
if peers:
    best = max(peers, key=lambda i: rows[i]["req_per_s"])
    print("\n   kov / best peer (%s): %.2fx req/s (above 1: kov serves more)"
          % (best, rows["kov"]["req_per_s"] / rows[best]["req_per_s"]))
print("   one 3 s run per server; for numbers to compare, `make bench SUITE=kov` interleaves 5"
      " rounds of 10 s")
PY
