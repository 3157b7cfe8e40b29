#!/usr/bin/env bash
# One network scenario of the kov suite, one implementation, one round:
#   net.sh IMPL SCENARIO ROUND [--quick] [--bin-dir DIR] [--server PATH] [--duration S] [--cap CORES|none]
#   net.sh --which IMPL SCENARIO    prints the name of the server binary IMPL runs (for suite.sh)
# --counts (or KOV_NET_COUNTS=1) also counts, with perf stat attached to the server for the
# client's run, the server's syscalls, io_uring submissions (SQEs) and completions (CQEs) and
# user-space instructions (where the CPU exposes them), and prints them per request:
# syscalls_per_req, uring_sqes_per_req, uring_cqes_per_req, instructions_per_req (load-independent
# costs; connection setup included). The echo warm-up is skipped then.
# IMPL and its server (in DIR, default build/bench/bin, where suite.sh copies everything;
# --server names another binary), KIND being echo, http or https (both TLS scenarios):
#   kov, kov-epoll, kov-uring   kov-bench-KIND (bench/kov/peers/kov, the shared work of
#                               peers/common) on the backend kov picks, or forced through
#                               KOV_IO_BACKEND
#   kov-http                    kov-http, the strict RFC 9112 example server (http scenarios only)
#   tokio, asio, libuv          their peer, tokio-KIND, asio-KIND, libuv-KIND (https: asio only)
#   floor-epoll, floor-uring    the raw epoll / raw io_uring floors, floor-epoll-KIND, ...
# Scenarios (docs: bench/kov/notes.md):
#   echo_c50, echo_c1000    kov-echo-load, 512-byte messages, 50 / 1000 connections
#   echo_pipelined16_c256   kov-echo-load, 256 connections with 16 messages in flight each
#   http_c50                wrk -t1 -c50 --latency
#   http_pipelined16_c256   wrk -t1 -c256 with pipeline.lua: 16 requests per write
#   idle_c10k               kov-echo-load --idle-rss-of: 10,000 connections, one echo each, then
#                           idle; prints rss_per_conn (bytes), the server's resident set growth
#   https_c50               wrk -t1 -c50 --latency over TLS (keep-alive)
#   tls_handshakes          kov-tls-handshake-load, 50 connections each doing connect, a full
#                           handshake, one request, close, again; req_per_s counts connections
# The TLS servers get `--cert --key` of an ECDSA P-256 certificate for localhost made here with
# the openssl CLI; version and cipher suite are pinned (bench/kov/peers/common/tls_pinned.hpp).
# for 10 s (2 s with --quick; --duration overrides). The server gets a free loopback port and
# CPU 0, inside a cgroup that caps it at CORES of a core (default 0.5; 0.25 for tls_handshakes
# and the two pipelined scenarios; or $KOV_NET_CAP; cgroup v1
# cpu.cfs_quota_us or cgroup v2 cpu.max, whichever the machine has; needs root), so that the
# server, not the client, is the bottleneck; `--cap none` runs it uncapped. The client gets CPU 1.
# Prints contract lines req_per_s (req/s), latency_p50 and latency_p99 (us), server_cpu_per_req
# (us: the server's CPU time per request), client_cpu_share (ratio: the client's CPU time over its
# run time), server_cpu_cap (cores, 0 when uncapped), cgroup_version (1, 2; 0 when uncapped) and
# server_throttled (ratio: the share of the cgroup's periods in which the cap stopped the server).
# A capped run whose client_cpu_share reaches $KOV_NET_CLIENT_LIMIT (default 0.9) measured the
# client, not the server: it fails with a message saying so, and no numbers are recorded.
# Exit status 1, with a message naming the impl and the scenario, when anything fails: the
# server does not start, the client fails or wrk saw errors, the server dies during the run or
# does not exit with status 0 on SIGTERM, or the client was the limit.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
which=""
if [ "${1:-}" = --which ]; then
  which=1
  shift
  set -- "${1:-}" "${2:-}" 0
fi
[ $# -ge 3 ] || { sed -n 3p "$0" | sed 's/^# */usage: /' >&2; exit 64; }
impl="$1" scenario="$2" round="$3"
shift 3
# Where the client's work per request is more than the server's, the server gets a quarter of a
# core by default: a full handshake (the client verifies an ECDSA signature, the server makes
# one) and the pipelined scenarios (the client parses every reply). At half a core the load
# clients used 0.84-0.99 of their core there: the client, not the server, set the rate.
default_cap=0.5
case "$scenario" in
  tls_handshakes | echo_pipelined16_c256 | http_pipelined16_c256) default_cap=0.25 ;;
esac
bin_dir="$repo/build/bench/bin" server="" duration="" quick="" cap="${KOV_NET_CAP:-$default_cap}"
counts="${KOV_NET_COUNTS:-}"
[ "$counts" = 0 ] && counts=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --bin-dir) bin_dir="$2"; shift ;;
    --server) server="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --cap) cap="$2"; shift ;;
    --counts) counts=1 ;;
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

depth=1 idle="" handshakes=""
case "$scenario" in
  echo_c50) kind=echo connections=50 ;;
  echo_c1000) kind=echo connections=1000 ;;
  echo_pipelined16_c256) kind=echo connections=256 depth=16 ;;
  http_c50) kind=http connections=50 ;;
  http_pipelined16_c256) kind=http connections=256 depth=16 ;;
  idle_c10k) kind=echo connections=10000 idle=1 ;;
  https_c50) kind=https connections=50 ;;
  tls_handshakes) kind=https connections=50 handshakes=1 ;;
  *) die "unknown scenario (echo_c50, echo_c1000, echo_pipelined16_c256, http_c50, http_pipelined16_c256, idle_c10k, https_c50, tls_handshakes)" ;;
esac
case "$cap" in
  none) ;;
  *) awk -v c="$cap" 'BEGIN { exit !(c + 0 > 0 && c + 0 <= 64) }' || die "--cap $cap: a number of cores (0.5) or none" ;;
esac
# kov runs on the backend its runtime picks by default; kov-epoll and kov-uring force one.
backend="" server_name="$impl-$kind"
case "$impl" in
  kov) server_name="kov-bench-$kind" ;;
  kov-epoll) server_name="kov-bench-$kind" backend=epoll ;;
  kov-uring) server_name="kov-bench-$kind" backend=io_uring ;;
  kov-http)
    [ "$kind" = http ] || die "kov-http serves HTTP only"
    server_name=kov-http ;;
esac
if [ "$kind" = https ]; then
  case "$impl" in
    kov | kov-epoll | kov-uring | asio) ;;
    *) die "no HTTPS server for $impl (kov, kov-epoll, kov-uring, asio)" ;;
  esac
fi
if [ -n "$which" ]; then
  echo "$server_name"
  exit 0
fi
server="${server:-$bin_dir/$server_name}"
[ -x "$server" ] || die "no server binary $server"
if [ "$kind" = echo ]; then
  client="$bin_dir/kov-echo-load"
  [ -x "$client" ] || die "no load client $client"
elif [ -n "$handshakes" ]; then
  client="$bin_dir/kov-tls-handshake-load"
  [ -x "$client" ] || die "no load client $client"
else
  command -v wrk >/dev/null || die "wrk is not installed (Debian package wrk)"
fi

# 10,000 connections need 10,000 descriptors on each side.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((connections + 64)) ] ||
  die "$connections connections need more descriptors than the hard limit $(ulimit -Hn) (raise it: ulimit -Hn, limits.conf)"
server_cpu=0 client_cpu=1
if [ "$(nproc)" -lt 2 ]; then server_cpu=0 client_cpu=0; fi

# Alive and not yet a zombie (kill -0 succeeds on a zombie).
running() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# The server's CPU cap: a cgroup of its own, created here and removed on exit.
cgroup_dir="" cgroup_version=0 cgroup_procs=/dev/null
pid=""
cleanup() {
  if [ -n "$pid" ] && running "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  if [ -n "$cgroup_dir" ] && [ -d "$cgroup_dir" ]; then
    for _ in $(seq 50); do rmdir "$cgroup_dir" 2>/dev/null && break; sleep 0.1; done
  fi
}
trap cleanup EXIT
# The TLS servers' certificate: ECDSA P-256 for localhost, made fresh for the run.
server_args=()
tls_dir=""
if [ "$kind" = https ]; then
  command -v openssl >/dev/null || die "the TLS scenarios need the openssl CLI (Debian package openssl)"
  tls_dir="$(mktemp -d)"
  trap 'cleanup; rm -rf "$tls_dir"' EXIT
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$tls_dir/key.pem" -out "$tls_dir/cert.pem" \
    2>/dev/null || die "openssl req could not make the certificate"
  server_args=(--cert "$tls_dir/cert.pem" --key "$tls_dir/key.pem")
fi
period=100000
if [ "$cap" != none ]; then
  quota="$(awk -v c="$cap" -v p="$period" 'BEGIN { printf "%d", c * p }')"
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cgroup_version=2
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control ||
      echo +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
      die "cannot enable the cgroup v2 cpu controller in /sys/fs/cgroup (root needed; --cap none runs uncapped)"
    cgroup_dir="/sys/fs/cgroup/kov-bench-net-$$"
    mkdir "$cgroup_dir" 2>/dev/null || die "cannot create $cgroup_dir (root needed; --cap none runs uncapped)"
    echo "$quota $period" >"$cgroup_dir/cpu.max"
  elif [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    cgroup_version=1
    cgroup_dir="/sys/fs/cgroup/cpu/kov-bench-net-$$"
    mkdir "$cgroup_dir" 2>/dev/null || die "cannot create $cgroup_dir (root needed; --cap none runs uncapped)"
    echo "$period" >"$cgroup_dir/cpu.cfs_period_us"
    echo "$quota" >"$cgroup_dir/cpu.cfs_quota_us"
  else
    die "no cgroup cpu controller (v1 /sys/fs/cgroup/cpu or v2 cpu.max); --cap none runs uncapped"
  fi
  cgroup_procs="$cgroup_dir/cgroup.procs"
fi
# nr_periods and nr_throttled of the cap so far (both cgroup versions name them so in cpu.stat).
throttle_counts() {
  awk '$1 == "nr_periods" { p = $2 } $1 == "nr_throttled" { t = $2 } END { print p + 0, t + 0 }' \
    "$cgroup_dir/cpu.stat"
}

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The server's stdout goes to stderr: only contract lines belong on stdout. The shell that
# becomes the server joins the cgroup first, so every instruction of the server is capped.
backend_env=(-u KOV_IO_BACKEND)
[ -n "$backend" ] && backend_env=("KOV_IO_BACKEND=$backend")
bash -c 'echo $$ >"$1" && shift && exec "$@"' net.sh "$cgroup_procs" \
  env "${backend_env[@]}" taskset -c "$server_cpu" "$server" --listen "127.0.0.1:$port" "${server_args[@]}" >&2 &
pid=$!

for _ in $(seq 100); do
  running "$pid" || die "server $server exited before it accepted connections"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "server $server does not accept on 127.0.0.1:$port after 5 s"

# One contract line on stdout.
contract() {
  printf '{"suite":"kov","scenario":"%s","impl":"%s","metric":"%s","unit":"%s","value":%.3f,"round":%d}\n' \
    "$scenario" "$impl" "$1" "$2" "$3" "$round"
}

# Stops the server with SIGTERM; it must exit with status 0 within 5 s.
stop_server() {
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
}

cap_lines() {
  if [ "$cap" = none ]; then contract server_cpu_cap cores 0; else contract server_cpu_cap cores "$cap"; fi
  contract cgroup_version version "$cgroup_version"
}

if [ -n "$idle" ]; then
  # Memory, not speed: no duration, and the client's share says nothing here.
  lines="$(taskset -c "$client_cpu" "$bin_dir/kov-echo-load" --connect "127.0.0.1:$port" \
    --connections "$connections" --size 512 --idle-rss-of "$pid" --scenario "$scenario" \
    --impl "$impl" --round "$round")" || die "the echo client failed"
  stop_server
  echo "$lines"
  cap_lines
  exit 0
fi

# The client's wall and CPU time (GNU time, Debian package time): whether it, not the server,
# set the rate shows as its share of its core.
client_times="$(mktemp)"
client_timed() { /usr/bin/time -o "$client_times" -f '%e %U %S' "$@"; }
# The server's CPU time (user + system, in clock ticks) over the client's whole run.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
count_events="raw_syscalls:sys_enter,io_uring:io_uring_submit_req,io_uring:io_uring_complete,instructions:u"
if [ -n "$counts" ]; then
  command -v perf >/dev/null || die "--counts needs perf (Debian package linux-perf)"
  counts_file="$(mktemp)"
  perf stat -x, -o "$counts_file" -e "$count_events" -p "$pid" &
  perf_pid=$!
  sleep 0.2  # perf attaches before the first request
fi
ticks_before="$(cpu_ticks)"
[ -n "$cgroup_dir" ] && read -r periods_before throttled_before < <(throttle_counts)
started="$(date +%s.%N)"
if [ "$kind" = echo ]; then
  warmup=1
  [ -n "$quick" ] && warmup=0.5
  [ -n "$counts" ] && warmup=0
  lines="$(client_timed taskset -c "$client_cpu" "$client" --connect "127.0.0.1:$port" --connections "$connections" \
    --size 512 --depth "$depth" --duration "$duration" --warmup "$warmup" --scenario "$scenario" \
    --impl "$impl" --round "$round")" || die "the echo client failed"
elif [ -n "$handshakes" ]; then
  lines="$(client_timed taskset -c "$client_cpu" "$client" --connect "127.0.0.1:$port" \
    --connections "$connections" --duration "$duration" --scenario "$scenario" --impl "$impl" \
    --round "$round")" || die "the handshake client failed"
else
  scheme=http
  [ "$kind" = https ] && scheme=https
  script=() script_args=()
  [ "$depth" -gt 1 ] && script=(-s "$repo/bench/kov/pipeline.lua") script_args=(-- "$depth")
  out="$(client_timed taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"${duration}s" --latency \
    "${script[@]}" "$scheme://127.0.0.1:$port/" "${script_args[@]}" 2>&1)" || die "wrk failed: $out"
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
      if (rate <= 0) { print "wrk output without Requests/sec" > "/dev/stderr"; exit 1 }
      line("req_per_s", "req/s", rate)
      # Pipelined, wrk times only some responses and may print 0 for a percentile: left out.
      if (p50 > 0) line("latency_p50", "us", p50); else print "wrk gave no 50% latency" > "/dev/stderr"
      if (p99 > 0) line("latency_p99", "us", p99); else print "wrk gave no 99% latency" > "/dev/stderr"
    }')" || die "wrk run not usable (output above)"
fi
ticks_after="$(cpu_ticks)"
if [ -n "$counts" ]; then
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  # Requests of the run: the echo client's rate is exact over its duration; wrk says how many.
  if [ "$kind" = echo ] || [ -n "$handshakes" ]; then
    requests="$(echo "$lines" | sed -n 's/.*"metric":"req_per_s".*"value":\([0-9.]*\).*/\1/p' |
      awk -v d="$duration" '{ printf "%d", $1 * d }')"
  else
    requests="$(echo "$out" | awk '/requests in/ { print $1 }')"
  fi
  [ "${requests:-0}" -gt 0 ] || die "--counts: no request count from the client"
  count_lines="$(awk -F, -v n="$requests" -v s="$scenario" -v i="$impl" -v r="$round" '
    function line(metric, v) {
      printf "{\"suite\":\"kov\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"%s\",\"unit\":\"count\",\"value\":%.3f,\"round\":%d}\n", s, i, metric, v / n, r
    }
    $3 == "raw_syscalls:sys_enter" && $1 ~ /^[0-9]+$/ { line("syscalls_per_req", $1) }
    $3 == "io_uring:io_uring_submit_req" && $1 ~ /^[0-9]+$/ { line("uring_sqes_per_req", $1) }
    $3 == "io_uring:io_uring_complete" && $1 ~ /^[0-9]+$/ { line("uring_cqes_per_req", $1) }
    $3 == "instructions:u" && $1 ~ /^[0-9]+$/ { line("instructions_per_req", $1) }
    $3 == "instructions:u" && $1 !~ /^[0-9]+$/ { print "net.sh: instructions:u not counted here (" $1 ")" > "/dev/stderr" }
  ' "$counts_file")"
  rm -f "$counts_file"
fi
[ -n "$cgroup_dir" ] && read -r periods_after throttled_after < <(throttle_counts)
elapsed="$(python3 -c "print($(date +%s.%N) - $started)")"
read -r c_wall c_user c_sys <"$client_times"
rm -f "$client_times"
stop_server

rate="$(echo "$lines" | sed -n 's/.*"metric":"req_per_s".*"value":\([0-9.]*\).*/\1/p')"
# Server CPU per request: what the server spent, whatever the limit was. Requests are counted
# as the client's rate times the run's wall time (warm-up included, as is the CPU).
per_req="$(awk -v t="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" -v secs="$elapsed" \
  -v rate="$rate" 'BEGIN { print ((rate > 0 && secs > 0) ? t / hz * 1e6 / (rate * secs) : 0) }')"
# The client's CPU time over its wall time: near 1 means the client's own core was the limit.
share="$(awk -v w="$c_wall" -v u="$c_user" -v k="$c_sys" 'BEGIN { print (w > 0 ? (u + k) / w : 0) }')"
limit="${KOV_NET_CLIENT_LIMIT:-0.9}"
if [ "$cap" != none ] && awk -v s="$share" -v l="$limit" 'BEGIN { exit !(s >= l) }'; then
  echo "$lines" | sed 's/^/  not recorded: /' >&2
  die "the client was the limit (client_cpu_share $share >= $limit with the server capped at $cap of a core): not a measurement of the server"
fi
echo "$lines"
contract server_cpu_per_req us "$per_req"
contract client_cpu_share ratio "$share"
cap_lines
[ -n "$counts" ] && echo "$count_lines"
if [ -n "$cgroup_dir" ]; then
  contract server_throttled ratio "$(awk -v p="$((periods_after - periods_before))" \
    -v t="$((throttled_after - throttled_before))" 'BEGIN { print (p > 0 ? t / p : 0) }')"
fi
