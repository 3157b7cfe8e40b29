#!/usr/bin/env bash
# Installs every Debian package the project needs. Quick when all are present.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ gcc clang-14 libclang-rt-14-dev pkg-config make python3 time
  # checks (scripts/format.sh, scripts/tidy.sh)
  clang-format-14 clang-tidy-14
  # release engineering: C ABI check, API reference, package checks, the compiler matrix
  abigail-tools doxygen lintian clang-16 libc++-16-dev libc++abi-16-dev
  # tests
  googletest libgtest-dev libgmock-dev relacy-dev
  # SVD generator property tests (libs/esp-blink/tests/svd_properties_test.py)
  python3-hypothesis
  # the kov-proxy and kov-get tests fetch through the proxy with curl too
  curl
  # kov::tls (OpenSSL 3); its tests make certificates with the openssl CLI and talk to
  # openssl s_server / s_client and curl
  libssl-dev openssl
  # cross toolchain and emulator
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf libunicorn-dev libpng-dev
  # kov backends
  liburing-dev
  # kov DNS (c-ares), and a DNS server its tests start on a loopback port
  libc-ares-dev dnsmasq
  # benchmark peers and load tools
  libbenchmark-dev libconcurrentqueue-dev libboost-dev libtbb-dev libxenium-dev
  libatomic-queue-dev libasio-dev libuv1-dev wrk cargo rustc valgrind linux-perf strace
  librust-crossbeam-channel-dev librust-tokio-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: error: installing packages needs root; run as root or install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq; then
  echo "deps: error: cannot reach the Debian package archive (apt-get update failed)" >&2
  exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/trio-deps.log 2>&1; then
  tail -20 /tmp/trio-deps.log >&2
  echo "deps: error: apt-get install failed for: ${missing[*]} (log: /tmp/trio-deps.log)" >&2
  exit 1
fi
echo "deps: installed ${missing[*]}"
