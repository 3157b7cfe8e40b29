#!/usr/bin/env bash
# Installs the Debian packages of a `shared` tree (make package) with dpkg, builds the consumer
# programs against the installed files only (CMake find_package with no hint, and pkg-config),
# runs them, and purges the packages again. Needs root (dpkg), as `make deps` does.
#   tests/package/install_test.sh [BUILD_DIR]     default build/shared
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/shared}
mapfile -t debs < <(ls "$build"/*.deb)
[ ${#debs[@]} -eq 5 ] || { echo "package_test: expected 5 .deb files in $build, found ${#debs[@]}"; exit 1; }
names=()
for deb in "${debs[@]}"; do names+=("$(dpkg-deb -f "$deb" Package)"); done
for name in "${names[@]}"; do
  if dpkg-query -W -f='${db:Status-Status}' "$name" 2>/dev/null | grep -q '^installed'; then
    echo "package_test: $name is installed already"; exit 1
  fi
done
work=$(mktemp -d)
cleanup() { dpkg -P "${names[@]}" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
for name in "${names[@]}"; do echo "== $name"; dpkg -L "$name" | sort; done

# Nothing but the system's search paths: CMake's default prefixes, pkg-config's default path.
tests/consumption/run.sh installed - "$work/consumers"
ldd "$work/consumers/pkg-config/consumer_kov" | grep -q "libkov.so.0" || { echo "package_test: not linked to the shared libkov"; exit 1; }

dpkg -P "${names[@]}" >/dev/null
for name in "${names[@]}"; do
  if dpkg-query -W -f='${db:Status-Status}' "$name" 2>/dev/null | grep -q '^installed'; then
    echo "package_test: $name still installed"; exit 1
  fi
done
echo "package_test: 5 packages installed, consumed by find_package and pkg-config, removed"
