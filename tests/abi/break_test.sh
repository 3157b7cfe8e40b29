#!/usr/bin/env bash
# Proves the C ABI check (scripts/abi.sh) fails on a broken build: flume-lock is rebuilt from a
# copy of its sources with three breaks, and the check must fail naming each of them:
#   a removed function     flume_lock_send_ptr renamed to flume_lock_send_pointer
#   a changed enum          FLUME_LOCK_NO_MEMORY = 6 becomes 7
#   a changed signature     flume_lock_try_send takes a uint32_t instead of a uint64_t
#   tests/abi/break_test.sh [BUILD_DIR]   (a configured tree: its generated version.hpp is used)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/dev}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r libs/flume-lock/include libs/flume-lock/src "$work/"
sed -i 's/flume_lock_send_ptr/flume_lock_send_pointer/g' "$work/include/flume_lock.h" "$work"/src/*.cpp
sed -i 's/FLUME_LOCK_NO_MEMORY = 6/FLUME_LOCK_NO_MEMORY = 7/' "$work/include/flume_lock.h"
sed -i 's/flume_lock_try_send(flume_lock_sender\* tx, uint64_t value)/flume_lock_try_send(flume_lock_sender* tx, uint32_t value)/' \
  "$work/include/flume_lock.h" "$work"/src/*.cpp
for change in flume_lock_send_pointer "NO_MEMORY = 7" "try_send(flume_lock_sender\* tx, uint32_t"; do
  grep -q "$change" "$work/include/flume_lock.h" || { echo "break_test: the break '$change' did not apply"; exit 1; }
done

${CXX:-g++} -std=c++20 -g -O0 -fPIC -shared -fvisibility=hidden -pthread \
  -I "$work/include" -I "$build/libs/flume-lock/version_include" \
  -Wl,-soname,"$(objdump -p "$build/abi/libflume_lock.so" 2>/dev/null | awk '/SONAME/ {print $2}')" \
  -o "$work/libflume_lock.so" "$work"/src/*.cpp

if ABI_WORK=$work scripts/abi.sh --check flume_lock "$work/libflume_lock.so" >"$work/report" 2>&1; then
  cat "$work/report"
  echo "break_test: FAILED: the ABI check passed a broken build"
  exit 1
fi
cat "$work/report"
for expect in "flume_lock_send_ptr" "enum flume_lock_status" "FLUME_LOCK_NO_MEMORY" \
              "flume_lock_try_send" "uint32_t"; do
  grep -q "$expect" "$work/report" || { echo "break_test: FAILED: the report does not mention '$expect'"; exit 1; }
done
echo "break_test: the ABI check rejects a removed function, a changed enum and a changed signature"
