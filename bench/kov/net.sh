#!/usr/bin/env bash
# One network scenario of the kov suite, one implementation, one round:
#   net.sh IMPL SCENARIO ROUND [--quick] [--bin-dir DIR] [--server PATH] [--duration S]
# IMPL is kov, kov-epoll, kov-uring (kov with KOV_IO_BACKEND forced), tokio, asio or libuv; its
# server is DIR/IMPL-echo or DIR/IMPL-http (kov-* run DIR/kov-*; DIR defaults to build/bench/bin,
# where suite.sh copies everything; --server names another binary).
# Scenarios (docs: benchmarks.md, "kov scenarios"):
#   echo_c50, echo_c1000  kov-echo-load (DIR/kov-echo-load), 512-byte messages, 50 / 1000 connections
#   http_c50              wrk -t1 -c50 --latency
# for 10 s (2 s with --quick; --duration overrides). The server gets a free loopback port and
# CPU 0, the client CPU 1, so neither steals the other's core. Prints contract lines req_per_s
# (req/s), latency_p50 and latency_p99 (us), and server_cpu_per_req (us): the server's CPU time
# per request, which shows a server's cost even when the one-thread client sets the rate, and
# client_cpu_share (ratio): the client's CPU time over its run time, near 1 when its core was
# the limit. Exit status 1, with a message naming the impl and
# the scenario, when anything fails: the server does not start, the client fails or wrk saw
# errors, the server dies during the run or does not exit with status 0 on SIGTERM.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -ge 3 ] || { sed -n 3p "$0" | sed 's/^# */usage: /' >&2; exit 64; }
impl="$1" scenario="$2" round="$3"
shift 3
bin_dir="$repo/build/bench/bin" server="" duration="" quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --bin-dir) bin_dir="$2"; shift ;;
    --server) server="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    *) echo "net.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
if [ -z "$duration" ]; then
  if [ -n "$quick" ]; then duration=2; else duration=10; fi
fi

die() {
  echo "net.sh: $impl $scenario: $*" >&2
  exit 1
}

case "$scenario" in
  echo_c50) kind=echo connections=50 ;;
  echo_c1000) kind=echo connections=1000 ;;
  http_c50) kind=http connections=50 ;;
  *) die "unknown scenario (echo_c50, echo_c1000, http_c50)" ;;
esac
# kov runs on the backend its runtime picks by default; kov-epoll and kov-uring force one.
backend="" server_impl="$impl"
case "$impl" in
  kov-epoll) server_impl=kov backend=epoll ;;
  kov-uring) server_impl=kov backend=io_uring ;;
esac
server="${server:-$bin_dir/$server_impl-$kind}"
[ -x "$server" ] || die "no server binary $server"
if [ "$kind" = echo ]; then
  client="$bin_dir/kov-echo-load"
  [ -x "$client" ] || die "no load client $client"
else
  command -v wrk >/dev/null || die "wrk is not installed (Debian package wrk)"
fi

# 1000 connections need 1000 descriptors on each side.
ulimit -n "$(ulimit -Hn)"
server_cpu=0 client_cpu=1
if [ "$(nproc)" -lt 2 ]; then server_cpu=0 client_cpu=0; fi

# Alive and not yet a zombie (kill -0 succeeds on a zombie).
running() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The server's stdout goes to stderr: only contract lines belong on stdout.
if [ -n "$backend" ]; then
  KOV_IO_BACKEND="$backend" taskset -c "$server_cpu" "$server" --listen "127.0.0.1:$port" >&2 &
else
  env -u KOV_IO_BACKEND taskset -c "$server_cpu" "$server" --listen "127.0.0.1:$port" >&2 &
fi
pid=$!
trap 'running $pid && kill -9 $pid 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  running "$pid" || die "server $server exited before it accepted connections"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "server $server does not accept on 127.0.0.1:$port after 5 s"

# The client's wall and CPU time (GNU time, Debian package time): whether it, not the server,
# set the rate shows as its share of its core.
client_times="$(mktemp)"
client_timed() { /usr/bin/time -o "$client_times" -f '%e %U %S' "$@"; }
# The server's CPU time (user + system, in clock ticks) over the client's whole run.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
ticks_before="$(cpu_ticks)"
started="$(date +%s.%N)"
if [ "$kind" = echo ]; then
  warmup=1
  [ -n "$quick" ] && warmup=0.5
  lines="$(client_timed taskset -c "$client_cpu" "$client" --connect "127.0.0.1:$port" --connections "$connections" \
    --size 512 --duration "$duration" --warmup "$warmup" --scenario "$scenario" --impl "$impl" \
    --round "$round")" || die "the echo client failed"
else
  out="$(client_timed taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"${duration}s" --latency \
    "http://127.0.0.1:$port/" 2>&1)" || die "wrk failed: $out"
  echo "$out" | sed 's/^/  wrk: /' >&2
  lines="$(
  # wrk prints times as 215.00us, 1.02ms, 1.00s, 1.00m; errors only when there are some.
  echo "$out" | awk -v s="$scenario" -v i="$impl" -v r="$round" '
    function us(t) {
      if (t ~ /us$/) return t + 0
      if (t ~ /ms$/) return t * 1e3
      if (t ~ /s$/) return t * 1e6
      if (t ~ /m$/) return t * 60e6
      if (t ~ /h$/) return t * 3600e6
      return -1
    }
    function line(metric, unit, v) {
      printf "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",\"value\":%.3f,\"round\":%d}\n", s, i, metric, unit, v, r
    }
    /^Requests\/sec:/ { rate = $2 }
    $1 == "50%" { p50 = us($2) }
    $1 == "99%" { p99 = us($2) }
    /Non-2xx or 3xx responses/ { bad = bad "; " $0 }
    /Socket errors/ { bad = bad "; " $0 }
    END {
      if (bad != "") { print "wrk reported errors" bad > "/dev/stderr"; exit 1 }
      if (rate <= 0 || p50 <= 0 || p99 <= 0) { print "wrk output without Requests/sec or the 50%/99% latencies" > "/dev/stderr"; exit 1 }
      line("req_per_s", "req/s", rate); line("latency_p50", "us", p50); line("latency_p99", "us", p99)
    }')" || die "wrk run not usable (output above)"
fi
ticks_after="$(cpu_ticks)"
elapsed="$(python3 -c "print($(date +%s.%N) - $started)")"
echo "$lines"
# Server CPU per request: what the server spent, whatever the client's own limit was. Requests
# are counted as the client's rate times the run's wall time (warm-up included, as is the CPU).
echo "$lines" | awk -v ticks="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" \
  -v secs="$elapsed" -v s="$scenario" -v i="$impl" -v r="$round" '
  /"metric":"req_per_s"/ { match($0, /"value":[0-9.]+/); rate = substr($0, RSTART + 8, RLENGTH - 8) + 0 }
  END {
    if (rate > 0 && secs > 0) printf "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"server_cpu_per_req\",\"unit\":\"us\",\"value\":%.3f,\"round\":%d}\n", s, i, ticks / hz * 1e6 / (rate * secs), r
  }'
# The client's CPU time over its wall time: near 1 means the client's own core was the limit.
read -r c_wall c_user c_sys <"$client_times"
awk -v w="$c_wall" -v u="$c_user" -v k="$c_sys" -v s="$scenario" -v i="$impl" -v r="$round" 'BEGIN {
  if (w > 0) printf "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"client_cpu_share\",\"unit\":\"ratio\",\"value\":%.3f,\"round\":%d}\n", s, i, (u + k) / w, r
}'
rm -f "$client_times"

running "$pid" || die "server $server died during the run"
kill -TERM "$pid"
for _ in $(seq 50); do
  running "$pid" || break
  sleep 0.1
done
running "$pid" && { kill -9 "$pid"; die "server $server did not exit within 5 s of SIGTERM (killed)"; }
status=0
wait "$pid" || status=$?
[ "$status" = 0 ] || die "server $server exited with status $status on SIGTERM (expected 0)"
