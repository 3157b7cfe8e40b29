#!/usr/bin/env bash
# The full test gate: every preset's build and tests, stopping at the first failing stage.
# Stages: clang-format check, each preset (configure, build, CTest; `fuzz` builds only the fuzz
# targets and runs each for a few seconds), clang-tidy, the C ABI check and the API reference
# after dev, the ESP32-C3 cross build. Last line: "N passed, M failed" over all stages (a CTest
# test counts one, a check or build-only stage counts one).
set -uo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-2}
passed=0
failed=0
log_dir=build/gate
mkdir -p "$log_dir"
: >"$log_dir/cpu.log"
start=$(date +%s)

summary() {
  echo "gate: $(( $(date +%s) - start ))s; build CPU seconds per preset in $log_dir/cpu.log"
  echo "$passed passed, $failed failed"
}

fail_stage() {
  echo "gate: stage '$1' failed: $2 (log: $log_dir/$1.log)"
  tail -40 "$log_dir/$1.log"
  failed=$((failed + ${3:-1}))
  summary
  exit 1
}

count_ctest() {  # adds the CTest totals of a log to passed/failed
  local line total nfail
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$1" | tail -1)
  [ -n "$line" ] || return 1
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  nfail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
  [ "$nfail" -eq 0 ]
}

build_preset() {  # configure and build one preset; its build's CPU seconds (user + sys) logged
  local preset=$1 log="$log_dir/$1.log"
  { cmake --preset "$preset" \
      && /usr/bin/time -f "gate: [$preset] build CPU %U s user, %S s sys" -a -o "$log_dir/cpu.log" \
           cmake --build --preset "$preset" -j "$jobs"; } >"$log" 2>&1 \
    || fail_stage "$preset" "configure or build failed"
  tail -1 "$log_dir/cpu.log"
}

build_stage() {  # a preset that is built, not tested (the libc++ build: no GoogleTest for it)
  echo "gate: [$1] configure + build"
  build_preset "$1"
  passed=$((passed + 1))
}

host_stage() {  # configure, build and test one host preset
  local preset=$1 log="$log_dir/$1.log"
  echo "gate: [$preset] configure + build + test"
  build_preset "$preset"
  ctest --preset "$preset" -j "$jobs" >>"$log" 2>&1
  local rc=$?
  grep -E 'tests passed|Total Test time' "$log" | sed "s/^/gate: [$preset] /"
  count_ctest "$log" || fail_stage "$preset" "tests failed" 0
  [ $rc -eq 0 ] || fail_stage "$preset" "ctest exited $rc" 0
}

script_stage() {  # one checking script as one stage: script_stage NAME COMMAND...
  local name=$1 log="$log_dir/$1.log"
  shift
  echo "gate: [$name] $*"
  "$@" >"$log" 2>&1 || fail_stage "$name" "$(tail -1 "$log")"
  tail -1 "$log" | sed "s/^/gate: [$name] /"
  passed=$((passed + 1))
}

# Cheap first: every C/C++ source formatted as .clang-format says.
script_stage format scripts/format.sh --check

# The compiler matrix: GCC 12 (dev, asan), Clang 14, the minimum supported Clang (tsan: kov and
# flume-lock with their tests; fuzz: every library), Clang 16 with libstdc++ (clang16: libraries +
# unit tests), Clang 16 with libc++ in C++23 (clang16-libcxx: libraries + examples, built only).
# The `clang` preset (Clang 14, everything, no sanitizer) stays for local use: the two Clang 14
# stages cover what it builds, and a third full build would cost the gate ten minutes.
for preset in ${GATE_PRESETS:-dev clang16 clang16-libcxx asan tsan fuzz}; do
  if [ "$preset" = clang16-libcxx ]; then build_stage "$preset"; continue; fi
  host_stage "$preset"
  # clang-tidy reads the dev tree's compile database, right after that tree is built.
  if [ "$preset" = dev ]; then
    script_stage tidy scripts/tidy.sh build/dev
    # The C ABI against its baselines, from the dev tree's libraries (no extra build), and the
    # proof that the check catches a broken build.
    script_stage abi scripts/abi.sh build/dev
    script_stage abi-break tests/abi/break_test.sh build/dev
    # The API reference: every public entity documented (Doxygen warnings are errors).
    script_stage docs scripts/docs.sh build/dev
  fi
  # The fuzz targets' own sources, from the fuzz tree's compile database (only it has them).
  if [ "$preset" = fuzz ]; then script_stage tidy-fuzz scripts/tidy.sh build/fuzz fuzz; fi
done

if [ -f libs/esp-blink/CMakeLists.txt ]; then
  echo "gate: [esp32c3] cross build"
  { cmake --preset esp32c3 && cmake --build --preset esp32c3 -j "$jobs"; } >"$log_dir/esp32c3.log" 2>&1 \
    || fail_stage esp32c3 "cross build failed"
  passed=$((passed + 1))
fi

summary
