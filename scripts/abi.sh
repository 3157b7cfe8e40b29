#!/usr/bin/env bash
# The C ABI check: the ABI of kov.h, kov_tls.h and flume_lock.h as built now, against the committed
# baselines libs/<lib>/abi/<lib>.abi (abidw / abidiff, Debian abigail-tools).
#   scripts/abi.sh [BUILD_DIR]            check (default build/dev); fails with abidiff's report
#   scripts/abi.sh --update [BUILD_DIR]   rewrite the baselines from BUILD_DIR
#   scripts/abi.sh --check LIB FILE.so    check one shared object (ABI_WORK: where to write)
# BUILD_DIR may hold static libraries (they are linked whole into a shared object first, which
# exports exactly what a shared build exports: both compile with hidden visibility) or shared
# ones. It must be built with debug information (-g), as the dev preset is. Functions added to
# a C API pass (and are reported: update the baseline); anything else that differs fails.
set -euo pipefail
cd "$(dirname "$0")/.."

lib_dir() {  # lib_dir LIB: the library's directory under libs/ (kov_tls is part of kov)
  case $1 in
    kov_tls) echo kov ;;
    *) tr _ - <<<"$1" ;;
  esac
}

dump() {  # dump LIB SO OUT
  local lib=$1 so=$2 out=$3
  abidw --suppressions scripts/abi/c-api.suppr \
    --no-corpus-path --no-comp-dir-path --short-locs --no-elf-needed --type-id-style hash \
    --out-file "$out" "$so"
}

soversion() {  # the SONAME's version, as cmake/trio_version.cmake's trio_soversion computes it
  local major minor
  IFS=. read -r major minor _ <VERSION
  if [ "$major" = 0 ]; then echo "0.$minor"; else echo "$major"; fi
}

shared_object() {  # shared_object BUILD_DIR LIB OUT_DIR: prints the path of LIB's shared object
  local build=$1 lib=$2 out=$3 dir
  dir=$build/libs/$(lib_dir "$lib")
  if [ -e "$dir/lib$lib.so" ]; then echo "$dir/lib$lib.so"; return; fi
  [ -f "$dir/lib$lib.a" ] || { echo "abi: no lib$lib.a or lib$lib.so in $dir (build it first)" >&2; return 1; }
  ${CXX:-g++} -shared -o "$out/lib$lib.so" -Wl,-soname,"lib$lib.so.$(soversion)" -Wl,--whole-archive "$dir/lib$lib.a" -Wl,--no-whole-archive
  echo "$out/lib$lib.so"
}

mode=check
case "${1:-}" in
  --update) mode=update; shift ;;
  --check) mode=check-one; shift ;;
esac
build=${BUILD_DIR:-build/dev}
[ "$mode" = check-one ] || build=${1:-$build}
work=${ABI_WORK:-$build/abi}
mkdir -p "$work"

check() {  # check LIB SO: 0 when SO's C ABI matches LIB's baseline, else abidiff's report
  local lib=$1 so=$2 baseline out rc=0
  baseline=libs/$(lib_dir "$lib")/abi/$lib.abi
  out=$work/$lib.abi
  dump "$lib" "$so" "$out"
  abidiff --no-added-syms "$baseline" "$out" >"$work/$lib.diff" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then
    cat "$work/$lib.diff"
    echo "abi: $lib: the C ABI differs from $baseline (abidiff exit $rc)"
    return 1
  fi
  abidiff "$baseline" "$out" >"$work/$lib.diff" 2>&1 || {
    cat "$work/$lib.diff"
    echo "abi: $lib: functions added; record them with scripts/abi.sh --update"
  }
  echo "abi: $lib: C ABI matches $baseline"
}

if [ "$mode" = check-one ]; then check "$1" "$2"; exit; fi

status=0
for lib in flume_lock kov kov_tls; do
  so=$(shared_object "$build" "$lib" "$work")
  if [ "$mode" = update ]; then
    baseline=libs/$(lib_dir "$lib")/abi/$lib.abi
    mkdir -p "$(dirname "$baseline")"
    dump "$lib" "$so" "$baseline"
    echo "abi: $baseline updated"
  else
    check "$lib" "$so" || status=1
  fi
done
[ $status -eq 0 ] && echo "abi: the C ABIs match their baselines"
exit $status
