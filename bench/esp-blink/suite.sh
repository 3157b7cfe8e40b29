#!/usr/bin/env bash
# The esp-blink suite for bench/run.sh: firmware section sizes and emulated instruction counts,
# read by esp-blink's own libs/esp-blink/bench/figures.py from the esp32c3 preset's images and
# the host emulator (both deterministic: every round gives the same numbers).
#   suite.sh build BUILD_DIR OUT_DIR
#   suite.sh plan  BUILD_DIR OUT_DIR QUICK
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
action="$1" build_dir="$2" out_dir="$3"
firmware_dir="${ESP_BLINK_FIRMWARE_DIR:-$repo/build/esp32c3/bin}"

case "$action" in
  build)
    cmake --build "$build_dir" --target esp-blink-emu -j "${BENCH_JOBS:-2}" >&2
    (cd "$repo" && cmake --preset esp32c3 && cmake --build --preset esp32c3 -j "${BENCH_JOBS:-2}") >&2
    ;;
  plan)
    # One process reports every esp-blink scenario (blink, hello, i2c); the rows name them.
    printf 'esp-blink\tfirmware\tesp-blink\tpython3 %s %s %s --rounds 1\n' \
      "$repo/libs/esp-blink/bench/figures.py" "$build_dir" "$firmware_dir"
    ;;
  *)
    echo "suite.sh: unknown action $action" >&2
    exit 64
    ;;
esac
