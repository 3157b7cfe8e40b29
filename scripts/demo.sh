#!/usr/bin/env bash
# The showcase: release build, then each library's demo part (libs/<lib>/demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: building the release preset"
mkdir -p build
cmake --preset release >build/demo-configure.log 2>&1 || { cat build/demo-configure.log; exit 1; }
cmake --build --preset release -j 2 >/dev/null
if [ -f libs/esp-blink/CMakeLists.txt ]; then
  echo "demo: building the esp32c3 firmware"
  cmake --preset esp32c3 >/dev/null && cmake --build --preset esp32c3 -j 2 >/dev/null
fi
for lib in esp-blink flume-lock kov; do
  if [ -x "libs/$lib/demo.sh" ]; then
    echo
    echo "==================== $lib ===================="
    "libs/$lib/demo.sh" build/release
  fi
done
echo
echo "demo: done"
