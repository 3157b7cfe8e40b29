#!/usr/bin/env bash
# Builds and runs the consumer program against the project the way a user would.
#   run.sh find-package   BUILD_DIR WORK_DIR   (install BUILD_DIR, then find_package)
#   run.sh pkg-config     BUILD_DIR WORK_DIR   (install BUILD_DIR, then pkg-config flags)
#   run.sh add-subdirectory SOURCE_DIR WORK_DIR
#   run.sh installed      -         WORK_DIR   (the system's installed packages, both ways)
set -euo pipefail
mode=$1 input=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"

with_find_package() {  # with_find_package BUILD [cmake args...]
  local build=$1
  shift
  cmake -S "$here/find-package" -B "$build" -G Ninja "$@" >/dev/null
  cmake --build "$build" >/dev/null
  "$build/consumer"
  "$build/consumer_kov"
  "$build/consumer_esp_blink"
}

with_pkg_config() {  # with_pkg_config OUT_DIR (PKG_CONFIG_PATH as the caller set it)
  local out=$1
  mkdir -p "$out"
  # shellcheck disable=SC2046
  g++ "$here/consumer.cpp" -o "$out/consumer" $(pkg-config --cflags --libs flume_lock) -pthread
  # shellcheck disable=SC2046
  g++ "$here/consumer_kov.cpp" -o "$out/consumer_kov" $(pkg-config --cflags --libs kov) -pthread
  # shellcheck disable=SC2046
  g++ "$here/consumer_esp_blink.cpp" -o "$out/consumer_esp_blink" $(pkg-config --cflags esp_blink)
  "$out/consumer"
  "$out/consumer_kov"
  "$out/consumer_esp_blink"
}

case "$mode" in
  find-package)
    cmake --install "$input" --prefix "$work/prefix" >/dev/null
    with_find_package "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix"
    ;;
  pkg-config)
    cmake --install "$input" --prefix "$work/prefix" >/dev/null
    export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/share/pkgconfig"
    with_pkg_config "$work"
    ;;
  installed)
    with_find_package "$work/cmake"
    with_pkg_config "$work/pkg-config"
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
