#!/usr/bin/env bash
# Installs the Debian packages of a `shared` tree (make package) with dpkg, builds the consumer
# programs against the installed files only (CMake find_package with no hint, and pkg-config),
# runs them, and removes the packages again. Needs root (dpkg), as `make deps` does.
#   tests/package/install_test.sh [BUILD_DIR]     default build/shared
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/shared}
here=$PWD/tests/consumption
mapfile -t debs < <(ls "$build"/*.deb)
[ ${#debs[@]} -eq 5 ] || { echo "package_test: expected 5 .deb files in $build, found ${#debs[@]}"; exit 1; }
names=()
for deb in "${debs[@]}"; do names+=("$(dpkg-deb -f "$deb" Package)"); done
for name in "${names[@]}"; do
  if dpkg-query -W "$name" >/dev/null 2>&1; then echo "package_test: $name is installed already"; exit 1; fi
done
work=$(mktemp -d)
cleanup() { dpkg -r "${names[@]}" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
for name in "${names[@]}"; do echo "== $name"; dpkg -L "$name" | sort; done

# CMake: nothing but the system prefix to search.
cmake -S "$here/find-package" -B "$work/cmake" -G Ninja >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"
"$work/cmake/consumer_kov"
"$work/cmake/consumer_esp_blink"

# pkg-config: the system search path only.
# shellcheck disable=SC2046
g++ "$here/consumer.cpp" -o "$work/consumer" $(pkg-config --cflags --libs flume_lock) -pthread
# shellcheck disable=SC2046
g++ "$here/consumer_kov.cpp" -o "$work/consumer_kov" $(pkg-config --cflags --libs kov) -pthread
# shellcheck disable=SC2046
g++ "$here/consumer_esp_blink.cpp" -o "$work/consumer_esp_blink" $(pkg-config --cflags esp_blink)
"$work/consumer"
"$work/consumer_kov"
"$work/consumer_esp_blink"
ldd "$work/consumer_kov" | grep -q "libkov.so.0" || { echo "package_test: not linked to the shared libkov"; exit 1; }

dpkg -r "${names[@]}" >/dev/null
for name in "${names[@]}"; do
  if dpkg-query -W -f='${db:Status-Status}' "$name" 2>/dev/null | grep -q '^installed'; then
    echo "package_test: $name still installed"; exit 1
  fi
done
echo "package_test: 5 packages installed, consumed by find_package and pkg-config, removed"
