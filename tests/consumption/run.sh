#!/usr/bin/env bash
# Builds and runs the consumer program against the project the way a user would.
#   run.sh find-package   BUILD_DIR WORK_DIR   (install BUILD_DIR, then find_package)
#   run.sh pkg-config     BUILD_DIR WORK_DIR   (install BUILD_DIR, then pkg-config flags)
#   run.sh add-subdirectory SOURCE_DIR WORK_DIR
set -euo pipefail
mode=$1 input=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
case "$mode" in
  find-package)
    cmake --install "$input" --prefix "$work/prefix" >/dev/null
    cmake -S "$here/find-package" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/build" >/dev/null
    "$work/build/consumer"
    "$work/build/consumer_kov"
    "$work/build/consumer_esp_blink"
    ;;
  pkg-config)
    cmake --install "$input" --prefix "$work/prefix" >/dev/null
    export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/share/pkgconfig"
    # shellcheck disable=SC2046
    g++ "$here/consumer.cpp" -o "$work/consumer" $(pkg-config --cflags --libs flume_lock) -pthread
    # shellcheck disable=SC2046
    g++ "$here/consumer_kov.cpp" -o "$work/consumer_kov" $(pkg-config --cflags --libs kov) -pthread
    # shellcheck disable=SC2046
    g++ "$here/consumer_esp_blink.cpp" -o "$work/consumer_esp_blink" $(pkg-config --cflags esp_blink)
    "$work/consumer"
    "$work/consumer_kov"
    "$work/consumer_esp_blink"
    ;;
  add-subdirectory)
    cmake -S "$here/add-subdirectory" -B "$work/build" -G Ninja -DTRIO_SOURCE_DIR="$input" \
      -DTRIO_LIBS="flume-lock;kov" >/dev/null
    cmake --build "$work/build" >/dev/null
    "$work/build/consumer"
    "$work/build/consumer_kov"
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
