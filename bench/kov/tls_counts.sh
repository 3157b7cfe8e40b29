#!/usr/bin/env bash
# Load-independent costs of the HTTPS servers (kov-bench-https on the epoll backend, asio-https),
# for machines whose CPU does not expose instructions:u to perf (virtual machines): the server's
# user-space instructions counted exactly by valgrind's callgrind (Ir) and its syscalls counted
# by perf stat, over a fixed amount of work driven by kov-tls-handshake-load on one connection:
#   handshake: N connections, each a full handshake and one request  -> per handshake
#   request:   one connection with R keep-alive requests              -> per request, less the
#              first connection's handshake (measured above)
# Counting starts after the server is up (callgrind_control --zero), so startup is left out.
#   tls_counts.sh [--bin-dir DIR] [--handshakes N] [--requests R] [IMPL...]   (IMPL: kov, asio)
# A table on stdout. Needs valgrind and perf (Debian packages valgrind, linux-perf).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin_dir="$repo/build/bench/bin" handshakes=200 requests=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --handshakes) handshakes="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    *) break ;;
  esac
done
impls=("$@")
[ ${#impls[@]} -gt 0 ] || impls=(kov asio)
for tool in valgrind callgrind_control perf openssl; do
  command -v "$tool" >/dev/null || { echo "tls_counts.sh: $tool is not installed" >&2; exit 1; }
done
client="$bin_dir/kov-tls-handshake-load"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# start_server PREFIX... : the server of $impl on a free port, in the background ($pid, $port).
start_server() {
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  KOV_IO_BACKEND=epoll "$@" "$server" --listen "127.0.0.1:$port" --cert "$work/cert.pem" \
    --key "$work/key.pem" >/dev/null 2>"$work/server.log" &
  pid=$!
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "tls_counts.sh: $server does not accept on port $port" >&2
  exit 1
}
stop_server() {
  kill -TERM "$pid"
  wait "$pid" || true
  pid=""
}
# drive COUNT REQUESTS: the client's fixed work, on one connection at a time.
drive() {
  "$client" --connect "127.0.0.1:$port" --connections 1 --count "$1" --requests "$2" \
    --duration 600 >/dev/null 2>"$work/client.log" || { cat "$work/client.log" >&2; exit 1; }
}
# instructions COUNT REQUESTS: the server's Ir over that work.
instructions() {
  start_server valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p"
  callgrind_control --zero "$pid" >/dev/null 2>&1
  drive "$1" "$2"
  callgrind_control --dump "$pid" >/dev/null 2>&1
  stop_server
  # The dump taken after the zeroing holds exactly the work in between.
  awk '/^summary:|^totals:/ { print $2; exit }' "$(ls "$work"/cg.*.1 | head -1)"
  rm -f "$work"/cg.*
}
# syscalls COUNT REQUESTS: the server's syscalls over that work.
syscalls() {
  start_server
  perf stat -x, -o "$work/perf" -e raw_syscalls:sys_enter -p "$pid" &
  local perf_pid=$!
  sleep 0.3  # perf attaches before the first connection
  drive "$1" "$2"
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  stop_server
  awk -F, '$3 == "raw_syscalls:sys_enter" { print $1 }' "$work/perf"
}

printf '| impl | instructions/handshake | instructions/request | syscalls/handshake | syscalls/request |\n|---|---|---|---|---|\n'
for impl in "${impls[@]}"; do
  case "$impl" in
    kov) server="$bin_dir/kov-bench-https" ;;
    asio) server="$bin_dir/asio-https" ;;
    *) echo "tls_counts.sh: unknown impl $impl (kov, asio)" >&2; exit 64 ;;
  esac
  [ -x "$server" ] && [ -x "$client" ] || { echo "tls_counts.sh: build $server and $client" >&2; exit 1; }
  ir_h="$(instructions "$handshakes" 1)"
  ir_r="$(instructions 1 "$requests")"
  sc_h="$(syscalls "$handshakes" 1)"
  sc_r="$(syscalls 1 "$requests")"
  awk -v i="$impl" -v n="$handshakes" -v r="$requests" -v ih="$ir_h" -v ir="$ir_r" -v sh="$sc_h" \
    -v sr="$sc_r" 'BEGIN {
      printf "| %s | %.0f | %.0f | %.2f | %.2f |\n", i, ih / n, (ir - ih / n) / (r - 1), sh / n,
        (sr - sh / n) / (r - 1) }'
done
