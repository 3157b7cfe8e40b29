#!/usr/bin/env bash
# Line coverage of each fuzzed component reached by its corpus (`make fuzz-coverage
# [TARGET=name]`): builds the `fuzz-coverage` preset (Clang 14 source-based coverage, no
# sanitizers), runs each target once over its committed seeds and what earlier `make fuzz` runs
# found (build/fuzz/fuzz-corpus/<target>/), and prints one table row per target: the lines of
# the component's files (the target's COVERS regex, cmake/trio_fuzz.cmake) that ran.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
jobs=${JOBS:-2}
build=build/fuzz-coverage
cmake --preset fuzz-coverage >/dev/null
cmake --build --preset fuzz-coverage -j "$jobs" ${target:+--target "$target"} >/dev/null

found=0
echo "| target | component files | lines covered | inputs |"
echo "|---|---|---|---|"
while IFS=$'\t' read -r name binary seeds _corpus _dict covers; do
  [ -z "$target" ] || [ "$target" = "$name" ] || continue
  [ "$covers" != "-" ] || continue
  found=1
  profiles="$build/profiles/$name"
  rm -rf "$profiles" && mkdir -p "$profiles"
  inputs=("$seeds")
  earlier="build/fuzz/fuzz-corpus/$name"
  [ -d "$earlier" ] && inputs+=("$earlier")
  count=$(find "${inputs[@]}" -type f | wc -l)
  # -runs=0: every input once, no mutation.
  LLVM_PROFILE_FILE="$profiles/%p.profraw" "$binary" -runs=0 -rss_limit_mb=2048 "${inputs[@]}" \
    >"$profiles/run.log" 2>&1
  llvm-profdata-14 merge -sparse "$profiles"/*.profraw -o "$profiles/merged.profdata"
  mapfile -t files < <(llvm-cov-14 export -format=lcov -instr-profile "$profiles/merged.profdata" \
                         "$binary" | sed -n 's/^SF://p' | grep -E "$covers" | sort -u)
  if [ ${#files[@]} -eq 0 ]; then
    echo "fuzz-coverage: $name: no file matches '$covers'" >&2
    exit 1
  fi
  total=$(llvm-cov-14 report -instr-profile "$profiles/merged.profdata" "$binary" "${files[@]}" \
            | awk '$1 == "TOTAL" { print $(NF-5), $(NF-4), $(NF-3) }')  # lines, missed, %
  read -r lines missed percent <<<"$total"
  names=$(printf '%s\n' "${files[@]}" | sed "s|^$PWD/||" | paste -sd ' ')
  echo "| $name | $names | $((lines - missed))/$lines ($percent) | $count |"
done <"$build/fuzz_targets.tsv"
if [ "$found" -eq 0 ]; then
  echo "fuzz-coverage: no target named '$target' with COVERS (see $build/fuzz_targets.tsv)" >&2
  exit 1
fi
